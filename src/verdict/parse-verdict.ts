import type { z } from "zod";
import { findObjectSpans, type ObjectSpan } from "./find-object-spans.js";
import { decodeJsonString } from "./json-string-literal.js";
import { normalizeConfidence, normalizeList, normalizeText, normalizeVerdictWord, stripQuoteMarks } from "./normalize-verdict-values.js";
import { parseLooseJson } from "./repair-json.js";
import { isRecord, locateVerdict, pickFields } from "./verdict-fields.js";
import { verdictSchema, type Verdict } from "./verdict-schema.js";

/** The outcome of reading a model's answer as a verdict. */
export type ParseVerdictResult =
  | { ok: true; verdict: Verdict; /** What had to be repaired, e.g. `["code fence", "trailing comma"]`; empty for clean JSON. */ repairs: string[] }
  | { ok: false; /** One line on why the answer is unusable, e.g. `confidence: expected a number ≤ 1, got 250`. */ reason: string };

/** Longer answers keep only their head and tail: no verdict is this long, and the work stays bounded. */
const MAX_INPUT = 200_000;
/** Object spans tried before giving up, nested ones included. */
const MAX_CANDIDATES = 200;
/** How far the search looks inside a span that did not parse, for the real object within. */
const MAX_SPAN_LEVEL = 3;

/**
 * Reads a model's answer as a verdict. Finds the JSON in real-world output (code fences, a
 * preamble, `<think>` blocks, trailing prose, several objects, double-encoded JSON, near-JSON, a
 * wrapper object), normalises harmless variants (`"SHIP it"`, `confidence: 80`, a quote split into
 * an array, `pricing_read`) and only then validates against {@link verdictSchema}. Never throws.
 */
export function parseVerdict(text: string): ParseVerdictResult {
  try {
    return parseAnswer(String(text));
  } catch (error) {
    // Nothing above should throw; this keeps the promise to callers if something still does.
    return { ok: false, reason: oneLine(`unreadable answer (${String(error)})`) };
  }
}

function parseAnswer(text: string): ParseVerdictResult {
  const repairs: string[] = [];
  let body = text;
  if (body.length > MAX_INPUT) {
    body = `${body.slice(0, MAX_INPUT / 2)}\n${body.slice(-MAX_INPUT / 2)}`;
    repairs.push("input capped");
  }
  if (body.startsWith("\uFEFF")) {
    body = body.slice(1);
    repairs.push("byte order mark");
  }
  const thinking = stripThinking(body);
  if (thinking !== undefined) {
    body = thinking;
    repairs.push("think block");
  }
  body = body.trim();
  if (body === "") return { ok: false, reason: "empty answer" };
  // Structured output makes nearly every answer exactly one JSON object: read it as such first,
  // without scanning for spans. Anything else (or a miss) takes the full search below, which
  // finds the same verdict for such an answer and says best why another one fails.
  if (body.startsWith("{") && body.endsWith("}")) {
    const direct = strictJson(body);
    const checked = direct.ok ? checkVerdict(direct.value) : undefined;
    if (checked?.ok) return { ...checked, repairs: unique([...repairs, ...checked.repairs]) };
  }
  const result = findVerdict(body, 0);
  return result.ok ? { ...result, repairs: unique([...repairs, ...result.repairs]) } : result;
}

function strictJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

const THINK_TAG = /<(\/?)(think|thinking|reasoning)>/gi;

/**
 * Removes `<think>…</think>` blocks, so braces inside them are never read; `undefined` when there
 * are none. An unclosed block keeps its text (the answer may follow it), and a lone closing tag
 * drops everything before it (the opening tag was in the chat template, as with DeepSeek-R1).
 */
function stripThinking(text: string): string | undefined {
  let kept = "";
  let last = 0;
  let open: string | undefined;
  let found = false;
  for (const match of text.matchAll(THINK_TAG)) {
    const name = match[2]!.toLowerCase();
    const after = match.index + match[0].length;
    found = true;
    if (open === undefined && match[1] === "") {
      kept += text.slice(last, match.index);
      open = name;
    } else if (open === undefined) kept = "";
    else if (match[1] === "/" && name === open) open = undefined;
    else continue;
    last = after;
  }
  return found ? kept + text.slice(last) : undefined;
}

type Attempt = { ok: true; verdict: Verdict; repairs: string[] } | { ok: false; reason: string; rank: number; unparsed: boolean };

/** Ranks failures so the reason shown is the most telling one: a near-miss verdict beats prose in braces. */
const RANK = { noFields: 1, invalidJson: 1, cutOff: 2, schema: 3 } as const;

/** Tries every object span in order, and the objects inside a span that did not parse. */
function findVerdict(body: string, level: number): ParseVerdictResult {
  const whole = body.startsWith('"') && level < 2 ? decodeJsonString(body) : undefined;
  if (whole !== undefined) {
    const inner = findVerdict(whole.trim(), level + 1);
    return inner.ok ? { ...inner, repairs: unique(["double-encoded JSON", ...inner.repairs]) } : inner;
  }
  const queue: Array<ObjectSpan & { level: number }> = findObjectSpans(body).map((span) => ({ ...span, level: 0 }));
  let best: Extract<Attempt, { ok: false }> | undefined;
  for (let index = 0; index < queue.length && index < MAX_CANDIDATES; index += 1) {
    const span = queue[index]!;
    const attempt = readCandidate(body.slice(span.start, span.end), 0);
    if (attempt.ok) return { ok: true, verdict: attempt.verdict, repairs: unique([...placement(body, span), ...attempt.repairs]) };
    if (best === undefined || attempt.rank > best.rank) best = attempt;
    if (attempt.unparsed && span.complete && span.level < MAX_SPAN_LEVEL) {
      // Prose in braces can swallow the real object (`{it's simple} {'verdict': …}`): look inside.
      const inner = findObjectSpans(body.slice(span.start + 1, span.end));
      queue.splice(index + 1, 0, ...inner.map((found) => ({ start: found.start + span.start + 1, end: found.end + span.start + 1, complete: found.complete, level: span.level + 1 })));
    }
  }
  return { ok: false, reason: best?.reason ?? "no JSON object found" };
}

/** What surrounded the object: a code fence, prose, or both. */
function placement(body: string, span: ObjectSpan): string[] {
  const labels: string[] = [];
  const fence = body.indexOf("```");
  if (fence !== -1 && fence < span.start) labels.push("code fence");
  const outside = `${body.slice(0, span.start)} ${body.slice(span.end)}`.replace(/```[\w-]*/g, "");
  if (outside.trim() !== "") labels.push("surrounding text");
  return labels;
}

/**
 * Parses one span and checks it as a verdict. The parser, not the scanner, decides whether the
 * JSON was cut off: an unclosed brace in prose (`use {x to…`) is invalid JSON, not a truncation.
 */
function readCandidate(spanText: string, level: number): Attempt {
  const parsed = parseLooseJson(spanText);
  if (parsed.ok) {
    const checked = checkVerdict(parsed.value);
    return checked.ok ? { ...checked, repairs: [...parsed.repairs, ...checked.repairs] } : checked;
  }
  const unescaped = /^\{\s*\\"/.test(spanText) && level < 2 ? decodeJsonString(`"${spanText}"`) : undefined;
  if (unescaped !== undefined) {
    const inner = readCandidate(unescaped, level + 1);
    if (inner.ok) return { ...inner, repairs: ["double-encoded JSON", ...inner.repairs] };
  }
  return parsed.truncated
    ? { ok: false, reason: oneLine(`the JSON is cut off before it ends (${parsed.reason.replace(/^the JSON is cut off /, "")})`), rank: RANK.cutOff, unparsed: true }
    : { ok: false, reason: oneLine(`invalid JSON: ${parsed.reason}`), rank: RANK.invalidJson, unparsed: true };
}

/** Finds the verdict object in a parsed value, maps its keys, normalises its values, validates it. */
function checkVerdict(value: unknown): Attempt {
  const repairs: string[] = [];
  const located = locateVerdict(value, repairs, 0);
  if (typeof located === "string") return { ok: false, reason: located, rank: RANK.noFields, unparsed: false };
  const fields = pickFields(located, repairs);
  const pricingRead = normalizeText(fields.get("pricingRead"), repairs);
  const candidate: Record<string, unknown> = {
    verdict: normalizeVerdictWord(fields.get("verdict"), repairs),
    confidence: normalizeConfidence(fields.get("confidence"), repairs),
    quote: stripQuoteMarks(normalizeText(fields.get("quote"), repairs), repairs),
    rationale: normalizeText(fields.get("rationale"), repairs),
    strengths: normalizeList(fields.get("strengths"), repairs),
    risks: normalizeList(fields.get("risks"), repairs),
    ...(pricingRead === null || pricingRead === undefined || pricingRead === "" ? {} : { pricingRead }),
  };
  const result = verdictSchema.safeParse(candidate);
  if (result.success) return { ok: true, verdict: result.data, repairs };
  return { ok: false, reason: describeIssue(result.error.issues[0], candidate), rank: RANK.schema, unparsed: false };
}

/** One line naming the field, what was expected and what came. */
function describeIssue(issue: z.core.$ZodIssue | undefined, candidate: Record<string, unknown>): string {
  if (issue === undefined) return "the verdict does not match the schema";
  const where = issue.path.map((part, index) => (typeof part === "number" ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`)).join("") || "verdict object";
  const received = issue.path.reduce<unknown>((value, part) => (isRecord(value) || Array.isArray(value) ? (value as Record<PropertyKey, unknown>)[part] : undefined), candidate);
  if (received === undefined) return `${where}: is missing`;
  const got = `got ${preview(received)}`;
  switch (issue.code) {
    case "invalid_value":
      return `${where}: expected ${issue.values.map((option) => JSON.stringify(option)).join(" or ")}, ${got}`;
    case "invalid_type":
      return `${where}: expected ${issue.expected}, ${got}`;
    case "too_big":
      return `${where}: expected ${sizeOf(issue.origin)} ≤ ${String(issue.maximum)}, ${got}`;
    case "too_small":
      return `${where}: expected ${sizeOf(issue.origin)} ≥ ${String(issue.minimum)}, ${got}`;
    default:
      return oneLine(`${where}: ${issue.message}`);
  }
}

function sizeOf(origin: string): string {
  if (origin === "string") return "a length";
  if (origin === "array") return "an item count";
  return `a ${origin}`;
}

function preview(value: unknown): string {
  const text = typeof value === "string" && value.length > 40 ? `${JSON.stringify(value.slice(0, 40))}… (${value.length} characters)` : JSON.stringify(value);
  return oneLine(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
