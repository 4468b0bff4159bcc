import { parseLooseJson } from "./repair-json.js";

// Where a model put the verdict in what it answered, and which of its keys are the verdict's fields.

/** The verdict's fields, as the schema names them. */
const FIELDS = ["verdict", "confidence", "quote", "rationale", "strengths", "risks", "pricingRead"] as const;
/** One of the verdict's fields. */
export type Field = (typeof FIELDS)[number];

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

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
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
export function locateVerdict(value: unknown, repairs: string[], depth: number): Record<string, unknown> | string {
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
export function pickFields(object: Record<string, unknown>, repairs: string[]): Map<Field, unknown> {
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
