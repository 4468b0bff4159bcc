import { findObjectSpans, parseLenientJson } from "./lenient-json.js";
import { verdictSchema, type Verdict } from "./verdict-schema.js";

/** The outcome of reading a model's answer as a verdict. */
export type ParseVerdictResult =
  | { ok: true; verdict: Verdict; /** What had to be repaired; empty for clean JSON. */ repairs: string[] }
  | { ok: false; /** One line on why the answer is unusable. */ reason: string };

/** Past this many characters the rest of an answer is ignored: no verdict is that long. */
const MAX_INPUT = 200_000;

/**
 * Reads a model's answer as a verdict. Finds the JSON in real-world output (code fences, a
 * preamble, `<think>` blocks, trailing prose, several objects, double-encoded JSON, near-JSON),
 * normalises harmless variants (`"SHIP it"`, `confidence: 80`, a quote split into an array) and
 * only then validates against the verdict contract. Never throws.
 */
export function parseVerdict(text: string): ParseVerdictResult {
  const repairs: string[] = [];
  let body = text.length > MAX_INPUT ? text.slice(0, MAX_INPUT) : text;
  if (body.charCodeAt(0) === 0xfeff) body = body.slice(1);
  const withoutThinking = stripThinking(body);
  if (withoutThinking !== body) repairs.push("think block");
  body = withoutThinking.trim();
  if (body === "") return { ok: false, reason: "empty answer" };

  let firstProblem: string | undefined;
  for (const candidate of candidates(body)) {
    const parsed = parseLenientJson(candidate.text);
    if (!parsed.ok) {
      firstProblem ??= candidate.complete ? parsed.reason : "JSON is cut off before it ends";
      continue;
    }
    const value = decodeNested(parsed.value);
    const checked = checkVerdict(value.value);
    if (checked.ok) {
      return { ok: true, verdict: checked.verdict, repairs: unique([...repairs, ...candidate.repairs, ...parsed.repairs, ...value.repairs, ...checked.repairs]) };
    }
    firstProblem ??= checked.reason;
  }
  return { ok: false, reason: firstProblem ?? "no JSON object found" };
}

/** Removes `<think>…</think>` blocks; an unclosed one at the start hides everything up to the JSON. */
function stripThinking(text: string): string {
  let result = text.replace(/<(think|thinking|reasoning)>[\s\S]*?<\/\1>/gi, "");
  const open = /^\s*<(think|thinking|reasoning)>/i.exec(result);
  if (open) result = result.slice(open[0].length);
  return result;
}

interface Candidate {
  text: string;
  complete: boolean;
  repairs: string[];
}

/** Places the verdict JSON may be, most likely first. */
function* candidates(body: string): Generator<Candidate> {
  if (body.startsWith("{") && body.endsWith("}")) yield { text: body, complete: true, repairs: [] };
  if (body.startsWith('"') && body.endsWith('"')) yield { text: body, complete: true, repairs: [] };
  for (const fence of body.matchAll(/```[a-zA-Z]*\s*\n?([\s\S]*?)```/g)) {
    for (const span of findObjectSpans(fence[1]!)) yield { ...span, repairs: ["code fence"] };
  }
  const spans = findObjectSpans(body);
  for (const span of spans) {
    const surrounded = span.text.length < body.length;
    yield { ...span, repairs: surrounded ? ["surrounding text"] : [] };
  }
  if (spans.length === 0 && /^\s*```/.test(body)) {
    // An opened fence that never closed: the answer was cut off inside it.
    const inner = body.replace(/^\s*```[a-zA-Z]*\s*/, "");
    for (const span of findObjectSpans(inner)) yield { ...span, repairs: ["code fence"] };
  }
}

/** JSON that was encoded twice arrives as a string holding the real object. */
function decodeNested(value: unknown): { value: unknown; repairs: string[] } {
  if (typeof value !== "string") return { value, repairs: [] };
  const inner = parseLenientJson(value.trim());
  return inner.ok ? { value: inner.value, repairs: ["double-encoded JSON", ...inner.repairs] } : { value, repairs: [] };
}

const FIELDS = ["verdict", "confidence", "quote", "rationale", "strengths", "risks", "pricingRead"] as const;
type Field = (typeof FIELDS)[number];

/** Other names models use for the fields, compared without case, `_` or `-`. */
const ALIASES: Record<string, Field> = {
  verdict: "verdict",
  decision: "verdict",
  confidence: "confidence",
  quote: "quote",
  pullquote: "quote",
  rationale: "rationale",
  reasoning: "rationale",
  strengths: "strengths",
  pros: "strengths",
  risks: "risks",
  cons: "risks",
  pricingread: "pricingRead",
};

type Checked = { ok: true; verdict: Verdict; repairs: string[] } | { ok: false; reason: string };

/** Normalises a parsed value into the verdict shape and validates it. */
function checkVerdict(value: unknown): Checked {
  const repairs: string[] = [];
  const object = unwrap(value, repairs);
  if (object === undefined) return { ok: false, reason: "the answer is not a JSON object" };
  const fields: Partial<Record<Field, unknown>> = {};
  for (const [key, entry] of Object.entries(object)) {
    const field = ALIASES[key.toLowerCase().replace(/[_\-\s]/g, "")];
    if (field === undefined || field in fields) continue;
    if (field !== key) repairs.push("key names");
    fields[field] = entry;
  }
  const pricingRead = fields.pricingRead === null || fields.pricingRead === "" ? undefined : fields.pricingRead;
  const candidate: Record<string, unknown> = {
    verdict: normalizeVerdictWord(fields.verdict, repairs),
    confidence: normalizeConfidence(fields.confidence, repairs),
    quote: normalizeText(fields.quote, repairs),
    rationale: normalizeText(fields.rationale, repairs),
    strengths: normalizeList(fields.strengths, repairs),
    risks: normalizeList(fields.risks, repairs),
    ...(pricingRead === undefined ? {} : { pricingRead }),
  };
  const result = verdictSchema.safeParse(candidate);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.join(".") || "answer";
    const missing = issue.path.length === 1 && candidate[String(issue.path[0])] === undefined;
    const what = missing ? "is missing" : issue.message.replace(/^Invalid input: /, "");
    return { ok: false, reason: `${where}: ${what}` };
  }
  return { ok: true, verdict: result.data, repairs };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Finds the verdict object inside a wrapper (`{"review": {…}}`, `{"verdict": {…}}`) or an array of
 * one. A JSON Schema echoed back (`{"type": "object", "properties": …}`) is not a verdict.
 */
function unwrap(value: unknown, repairs: string[]): Record<string, unknown> | undefined {
  let current = Array.isArray(value) && value.length === 1 ? value[0] : value;
  for (let depth = 0; depth < 3 && isRecord(current); depth += 1) {
    if (current.type === "object" && isRecord(current.properties)) return undefined;
    const entries = Object.entries(current);
    const looksLikeVerdict = entries.some(([key, entry]) => ALIASES[key.toLowerCase()] !== undefined && !isRecord(entry));
    if (looksLikeVerdict) return current;
    if (entries.length !== 1 || !isRecord(entries[0]![1])) return current;
    current = entries[0]![1];
    repairs.push("wrapper object");
  }
  return isRecord(current) ? current : undefined;
}

/** `"Ship"`, `"SHIP it"`, `"ship."` → ship; `"don't ship"` → skip. `"yes"`/`"no"` stay ambiguous. */
function normalizeVerdictWord(value: unknown, repairs: string[]): unknown {
  if (typeof value !== "string") return value;
  const word = value.trim().toLowerCase().replace(/[.!*"'`]+/g, "").replace(/\s+/g, " ");
  let normalized: string | undefined;
  if (/^(ship|ship it)$/.test(word)) normalized = "ship";
  else if (/^(skip|skip it)$/.test(word)) normalized = "skip";
  else if (/^(dont|don't|do not|no|not) ship( it)?$/.test(word)) normalized = "skip";
  if (normalized === undefined) return value;
  if (normalized !== value) repairs.push("verdict wording");
  return normalized;
}

/** 0.8 stays; 80 or "80%" means 0.8; "0.8" is a number. Over 100 or a word stays invalid. */
function normalizeConfidence(value: unknown, repairs: string[]): unknown {
  let number = value;
  if (typeof value === "string") {
    const match = /^\s*(-?\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(value);
    if (!match) return value;
    number = match[2] === "%" ? Number(match[1]) / 100 : Number(match[1]);
    repairs.push("confidence as text");
  }
  if (typeof number === "number" && number > 1 && number <= 100) {
    repairs.push("confidence as percentage");
    return number / 100;
  }
  return number;
}

/** A quote or rationale split into an array of strings is joined. */
function normalizeText(value: unknown, repairs: string[]): unknown {
  if (Array.isArray(value) && value.every((part) => typeof part === "string")) {
    repairs.push("text as array");
    return value.join(" ").trim();
  }
  return typeof value === "string" ? value.trim() : value;
}

/** A single string becomes a one-item list; null or absent becomes empty. */
function normalizeList(value: unknown, repairs: string[]): unknown {
  if (value === null || value === undefined) return [];
  if (typeof value === "string") {
    repairs.push("list as string");
    return value.trim() === "" ? [] : [value.trim()];
  }
  return value;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
