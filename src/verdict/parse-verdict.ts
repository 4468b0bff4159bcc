import { toVerdict, verdictResponseSchema, type Verdict } from "./verdict-schema.js";

/** The outcome of reading a model's answer as a verdict. */
export type ParseVerdictResult =
  | { ok: true; verdict: Verdict; /** What had to be repaired; empty for clean JSON. */ repairs: string[] }
  | { ok: false; /** One line on why the answer is unusable. */ reason: string };

/** Reads a model's answer as a verdict: the JSON object in it, validated against the contract. */
export function parseVerdict(text: string): ParseVerdictResult {
  const repairs: string[] = [];
  let body = text.trim();
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(body);
  if (fenced) {
    body = fenced[1]!.trim();
    repairs.push("code fence");
  }
  const start = body.indexOf("{");
  const end = body.lastIndexOf("}");
  if (start === -1 || end < start) return { ok: false, reason: "no JSON object found" };
  if (start > 0 || end < body.length - 1) repairs.push("surrounding text");
  let data: unknown;
  try {
    data = JSON.parse(body.slice(start, end + 1));
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
  }
  const result = verdictResponseSchema.safeParse(
    data !== null && typeof data === "object" && !("pricingRead" in data) ? { ...data, pricingRead: null } : data,
  );
  if (!result.success) {
    const issue = result.error.issues[0]!;
    return { ok: false, reason: `${issue.path.join(".") || "answer"}: ${issue.message}` };
  }
  return { ok: true, verdict: toVerdict(result.data), repairs };
}
