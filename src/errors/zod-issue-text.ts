import type { z } from "zod";

/**
 * A zod issue as the tail of a one-line error, in Panelist's words rather than the validator's:
 * "is required" for a missing value, "must be a number", "must be at least 1", "must be one of …";
 * anything else is zod's message without its generic "Invalid input: " lead.
 */
export function zodIssueText(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") {
    if (/received undefined$/.test(issue.message)) return "is required";
    if (issue.expected === "number" && /received NaN$/.test(issue.message)) return "must be a number";
  }
  // A schema's own message (e.g. "is empty: describe the tool") says it best; only zod's defaults are reworded.
  if ((issue.code === "too_small" || issue.code === "too_big") && /^Too (small|big)/.test(issue.message)) {
    const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
    const inclusive = issue.inclusive !== false;
    if (issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint") {
      const words = issue.code === "too_small" ? (inclusive ? "at least" : "more than") : inclusive ? "at most" : "less than";
      return `must be ${words} ${String(bound)}`;
    }
    if (issue.origin === "string" && issue.code === "too_small" && Number(bound) === 1) return "must not be empty";
    if (issue.origin === "array" && issue.code === "too_small") return `give at least ${String(bound)}`;
  }
  if (issue.code === "invalid_value" && issue.values.length > 0 && /^Invalid option/.test(issue.message)) return `must be one of ${issue.values.map(String).join(", ")}`;
  return issue.message.replace(/^Invalid input: /, "");
}
