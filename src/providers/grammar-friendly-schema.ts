import type { JsonSchema } from "../verdict/verdict-schema.js";

/**
 * Caps put on a schema that sets none. A grammar-constrained model cannot stop inside a string or
 * an array the grammar leaves open, and a weak model happily writes one string until the token
 * limit: every string and array gets a bound.
 */
export interface GrammarLimits {
  /** `maxLength` of a string whose schema gives none. Default 500. */
  defaultMaxLength: number;
  /**
   * The longest string the grammar allows whatever the schema says. llama.cpp's grammar parser
   * refuses some long repetitions (measured with 3.21.1: a string of at most 2,000 characters is
   * refused, 1,999 is not), so strings are kept well below that. Default 1,000 (about 250 tokens).
   */
  maxLengthCap: number;
  /** `maxItems` of an array whose schema gives none. Default 8. */
  defaultMaxItems: number;
}

/** The caps used when none are given. */
export const DEFAULT_GRAMMAR_LIMITS: GrammarLimits = { defaultMaxLength: 500, maxLengthCap: 1000, defaultMaxItems: 8 };

/** String formats node-llama-cpp's grammar can write; any other format is left to validation. */
const GRAMMAR_FORMATS = new Set(["date-time", "time", "date"]);

/** Local references are followed this deep before the schema counts as recursive. */
const MAX_REF_DEPTH = 32;

/**
 * Derives, from a request's JSON Schema, a schema that node-llama-cpp's JSON-Schema grammar
 * honours as meant. That grammar writes every listed property whatever `required` says, ignores
 * `minimum`/`maximum`, and reads `anyOf` (what zod makes of `.nullable()`) as "null". So: a
 * nullable value becomes its non-null branch, every property is written, every string gets a
 * `maxLength` and every array a `maxItems` (the schema's own where it has one), and keywords the
 * grammar does not know are dropped. What the grammar cannot enforce (number ranges, patterns) is
 * left to {@link clampNumbers} and the zod validation that follows.
 */
export function grammarFriendlySchema(schema: JsonSchema, limits: GrammarLimits = DEFAULT_GRAMMAR_LIMITS): JsonSchema {
  return friendly(schema, schema, limits, 0);
}

function friendly(node: JsonSchema, root: JsonSchema, limits: GrammarLimits, depth: number): JsonSchema {
  const description = typeof node.description === "string" ? { description: node.description } : {};
  if (typeof node.$ref === "string") return { ...friendly(resolveLocalRef(root, node.$ref, depth), root, limits, depth + 1), ...description };
  if ("const" in node) return { const: node.const as JsonValue, ...description };
  if (Array.isArray(node.enum)) {
    const values = node.enum.filter((value) => value !== null);
    return { enum: values.length > 0 ? values : node.enum, ...description };
  }
  const branches = branchesOf(node);
  if (branches) {
    // A value that may be null is asked for as a value: the model always has something to say.
    const nonNull = branches.filter((branch) => !isNullOnly(branch));
    const chosen = (nonNull.length > 0 ? nonNull : branches).map((branch) => friendly(branch, root, limits, depth));
    return chosen.length === 1 ? { ...chosen[0]!, ...description } : { oneOf: chosen, ...description };
  }
  const type = primaryType(node);
  switch (type) {
    case "object": {
      const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
      return {
        type: "object",
        properties: Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, friendly(value, root, limits, depth)])),
        ...description,
      };
    }
    case "array": {
      const items = isSchema(node.items) ? { items: friendly(node.items, root, limits, depth) } : { items: { type: "string", maxLength: limits.defaultMaxLength } };
      const maxItems = typeof node.maxItems === "number" ? node.maxItems : limits.defaultMaxItems;
      const minItems = typeof node.minItems === "number" ? Math.min(node.minItems, maxItems) : undefined;
      return { type: "array", ...items, ...(minItems ? { minItems } : {}), maxItems, ...description };
    }
    case "string": {
      if (typeof node.format === "string" && GRAMMAR_FORMATS.has(node.format)) return { type: "string", format: node.format, ...description };
      const maxLength = Math.min(typeof node.maxLength === "number" ? node.maxLength : limits.defaultMaxLength, limits.maxLengthCap);
      const minLength = typeof node.minLength === "number" ? Math.min(node.minLength, maxLength) : undefined;
      return { type: "string", ...(minLength ? { minLength } : {}), maxLength, ...description };
    }
    case "number":
    case "integer":
    case "boolean":
    case "null":
      return { type, ...description };
    default:
      // No type at all ("any value"): a bounded string is a value, and one the model can end.
      return { type: "string", maxLength: limits.defaultMaxLength, ...description };
  }
}

/**
 * Moves every number in `value` into the range its schema allows: below `minimum` to the
 * minimum, above `maximum` to the maximum, and an integer to the nearest whole number. The
 * grammar lets a model write `87E871` (Infinity, which JSON.stringify would turn into null) or
 * `1.5` for a 0–1 confidence; clamped, the answer still says what the model meant. Values and
 * schema parts that do not match are returned unchanged, for validation to report.
 */
export function clampNumbers(value: unknown, schema: JsonSchema): unknown {
  return clamp(value, schema, schema, 0);
}

function clamp(value: unknown, node: JsonSchema, root: JsonSchema, depth: number): unknown {
  if (typeof node.$ref === "string") return clamp(value, resolveLocalRef(root, node.$ref, depth), root, depth + 1);
  const branches = branchesOf(node);
  if (branches) {
    const matching = branches.find((branch) => matchesType(value, branch, root, depth));
    return matching ? clamp(value, matching, root, depth) : value;
  }
  if (typeof value === "number") {
    const type = primaryType(node);
    if (type !== "number" && type !== "integer") return value;
    let result = value;
    if (typeof node.maximum === "number") result = Math.min(result, node.maximum);
    if (typeof node.minimum === "number") result = Math.max(result, node.minimum);
    // With no bound on that side, a number too large for JSON becomes the largest one it has.
    if (result === Infinity) result = Number.MAX_VALUE;
    if (result === -Infinity) result = -Number.MAX_VALUE;
    return type === "integer" && Number.isFinite(result) ? Math.round(result) : result;
  }
  if (Array.isArray(value)) {
    return isSchema(node.items) ? value.map((item) => clamp(item, node.items as JsonSchema, root, depth)) : value;
  }
  if (value !== null && typeof value === "object") {
    const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, properties[key] ? clamp(item, properties[key], root, depth) : item]));
  }
  return value;
}

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The alternatives of an `anyOf` or `oneOf` node, else undefined. */
function branchesOf(node: JsonSchema): JsonSchema[] | undefined {
  return (Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined) as JsonSchema[] | undefined;
}

function isSchema(value: unknown): value is JsonSchema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The first non-null entry of `type` (`["string", "null"]` is a string), else the only one. */
function primaryType(node: JsonSchema): string | undefined {
  if (typeof node.type === "string") return node.type;
  if (Array.isArray(node.type)) return (node.type.find((type) => type !== "null") ?? node.type[0]) as string | undefined;
  if (isSchema(node.properties)) return "object";
  if (isSchema(node.items)) return "array";
  return undefined;
}

function isNullOnly(branch: JsonSchema): boolean {
  return branch.type === "null" || (Array.isArray(branch.type) && branch.type.every((type) => type === "null")) || branch.const === null;
}

function matchesType(value: unknown, branch: JsonSchema, root: JsonSchema, depth: number): boolean {
  const node = typeof branch.$ref === "string" ? resolveLocalRef(root, branch.$ref, depth) : branch;
  const types = typeof node.type === "string" ? [node.type] : Array.isArray(node.type) ? (node.type as string[]) : [primaryType(node)];
  if (value === null) return types.includes("null");
  if (typeof value === "number") return types.includes("number") || types.includes("integer");
  if (Array.isArray(value)) return types.includes("array");
  return types.includes(typeof value);
}

/** Follows `#/$defs/name` or `#/definitions/name` inside the schema itself. */
function resolveLocalRef(root: JsonSchema, ref: string, depth: number): JsonSchema {
  if (depth >= MAX_REF_DEPTH) throw new Error(`schema reference ${ref} is recursive; a grammar cannot be built for it`);
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  const target = match ? (root[match[1]!] as Record<string, unknown> | undefined)?.[match[2]!] : undefined;
  if (!isSchema(target)) throw new Error(`schema reference ${ref} does not point into the schema`);
  return target;
}
