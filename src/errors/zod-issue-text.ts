import type { z } from "zod";

/**
 * A zod issue as the tail of a one-line error: "is required" for a missing value, otherwise
 * zod's message without its generic "Invalid input: " lead.
 */
export function zodIssueText(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) return "is required";
  return issue.message.replace(/^Invalid input: /, "");
}
