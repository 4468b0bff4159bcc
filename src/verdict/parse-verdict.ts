import type { z } from "zod";
import { decodeJsonString, findObjectSpans, parseLooseJson, type ObjectSpan } from "./repair-json.js";
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

const FIELDS = ["verdict", "confidence", "quote", "rationale", "strengths", "risks", "pricingRead"] as const;
type Field = (typeof FIELDS)[number];

/** The field names, compared without case, spaces, `_` or `-`. */
const CANONICAL = new Map<string, Field>(FIELDS.map((field) => [squash(field), field]));
/** Other names models give the fields; used only when the real name is absent. */
const ALIASES = new Map<string, Field>([
  ["decision", "verdict"],
  ["confidencescore", "confidence"],
  ["pullquote", "quote"],
  ["reasoning", "rationale"],
  ["reason", "rationale"],
  ["explanation", "rationale"],
  ["pros", "strengths"],
  ["cons", "risks"],
  ["concerns", "risks"],
  ["weaknesses", "risks"],
  ["pricing", "pricingRead"],
]);

function squash(key: string): string {
  return key.toLowerCase().replace(/[\s_-]/g, "");
}

function fieldOf(key: string): Field | undefined {
  const squashed = squash(key);
  return CANONICAL.get(squashed) ?? ALIASES.get(squashed);
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A JSON Schema node, as a model echoing the schema writes it: `{"type": "string", "enum": […]}`. */
function isSchemaNode(value: unknown): boolean {
  return isRecord(value) && (typeof value.type === "string" || Array.isArray(value.enum));
}

/**
 * Returns the object holding the verdict fields, or why there is none. Unwraps only what is
 * unambiguous: an object without verdict fields of its own whose single object-valued member is the
 * only place they can be (`{"review": {…}}`, `{"verdict": {…}}`, `{"reviews": [{…}]}`, a schema
 * echo filled in under `properties`, a tool call whose `arguments` is a JSON string).
 */
function locateVerdict(value: unknown, repairs: string[], depth: number): Record<string, unknown> | string {
  if (!isRecord(value)) return "the JSON is not an object";
  const entries = Object.entries(value);
  const properties = isRecord(value.properties) ? Object.values(value.properties) : [];
  const schemaEcho = properties.some(isSchemaNode) || entries.some(([key, entry]) => fieldOf(key) !== undefined && isSchemaNode(entry));
  if (schemaEcho) return "the answer is the JSON Schema itself, not a verdict filled in";
  const holds = (names: Map<string, Field>): boolean => entries.some(([key, entry]) => names.has(squash(key)) && !isRecord(entry));
  if (holds(CANONICAL)) return value;
  const nested = entries.map(([, entry]) => nestedObject(entry)).filter((entry) => entry !== undefined);
  if (nested.length === 1 && depth < 3) {
    repairs.push("wrapper object", ...nested[0]!.repairs);
    return locateVerdict(nested[0]!.value, repairs, depth + 1);
  }
  // Only aliases (`decision`, `pros`) and nothing to unwrap: this is the verdict, in other words.
  return holds(ALIASES) ? value : "no verdict fields in the JSON object";
}

/** A member that may hold the verdict: an object, a list of one object, or an object encoded as a string. */
function nestedObject(entry: unknown): { value: unknown; repairs: string[] } | undefined {
  if (isRecord(entry)) return { value: entry, repairs: [] };
  if (Array.isArray(entry)) return entry.length === 1 && isRecord(entry[0]) ? { value: entry[0], repairs: [] } : undefined;
  if (typeof entry !== "string" || !entry.trimStart().startsWith("{")) return undefined;
  const parsed = parseLooseJson(entry.trim());
  return parsed.ok && isRecord(parsed.value) ? { value: parsed.value, repairs: ["double-encoded JSON", ...parsed.repairs] } : undefined;
}

/** Maps keys to fields: exact names (any case or spelling) first, then aliases; the rest is dropped. */
function pickFields(object: Record<string, unknown>, repairs: string[]): Map<Field, unknown> {
  const fields = new Map<Field, unknown>();
  for (const table of [CANONICAL, ALIASES]) {
    for (const [key, entry] of Object.entries(object)) {
      const field = table.get(squash(key));
      if (field === undefined || fields.has(field)) continue;
      if (key !== field) repairs.push("key names");
      fields.set(field, entry);
    }
  }
  return fields;
}

/** `"Ship"`, `"SHIP it"`, `"ship."`, `"**Skip**"` and `"don't ship"` are clear; `"yes"`/`"no"` are not. */
function normalizeVerdictWord(value: unknown, repairs: string[]): unknown {
  if (typeof value !== "string" || value.length > 40) return value;
  const words = value.toLowerCase().replace(/\u2019/g, "'").replace(/[^a-z' ]+/g, " ").replace(/\s+/g, " ").trim();
  let normalized: string | undefined;
  if (words === "ship" || words === "ship it") normalized = "ship";
  else if (words === "skip" || words === "skip it") normalized = "skip";
  else if (/^(?:don't|dont|do not|no|not|won't|wont|would not|wouldn't) ship(?: it)?$/.test(words)) normalized = "skip";
  if (normalized === undefined) return value;
  if (normalized !== value) repairs.push("verdict wording");
  return normalized;
}

/** 0.8 stays; 80, `"80%"` and `"8/10"` mean 0.8; `"0.8"` is a number. Over 100, or a word, stays invalid. */
function normalizeConfidence(value: unknown, repairs: string[]): unknown {
  let number = value;
  if (typeof value === "string" && value.length <= 40) {
    const text = value.trim();
    const percent = /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
    const fraction = /^(\d+(?:\.\d+)?)\s*\/\s*(10|100)$/.exec(text);
    if (percent) number = Number(percent[1]) / 100;
    else if (fraction) number = Number(fraction[1]) / Number(fraction[2]);
    else if (/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(text)) number = Number(text);
    else return value;
    repairs.push("confidence as text");
  }
  if (typeof number === "number" && number > 1 && number <= 100) {
    repairs.push("confidence as percentage");
    return number / 100;
  }
  return number;
}

/** Trims text; a text split into an array of strings is joined with spaces. */
function normalizeText(value: unknown, repairs: string[]): unknown {
  if (Array.isArray(value) && value.length > 0 && value.every((part) => typeof part === "string")) {
    repairs.push("text as array");
    return value.map((part: string) => part.trim()).join(" ").trim();
  }
  return typeof value === "string" ? value.trim() : value;
}

/** A pull quote wrapped in its own quotation marks loses them: the page adds its own. */
function stripQuoteMarks(value: unknown, repairs: string[]): unknown {
  if (typeof value !== "string" || value.length < 3) return value;
  const pair = `${value[0]}${value[value.length - 1]}`;
  if (pair !== '""' && pair !== "\u201C\u201D") return value;
  const inner = value.slice(1, -1);
  if (inner.includes(value[0]!)) return value;
  repairs.push("quote marks");
  return inner.trim();
}

/** A single string becomes a one-item list; null or absent becomes empty. */
function normalizeList(value: unknown, repairs: string[]): unknown {
  if (value === null || value === undefined) return [];
  if (typeof value !== "string") return value;
  repairs.push("list as string");
  return value.trim() === "" ? [] : [value.trim()];
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
