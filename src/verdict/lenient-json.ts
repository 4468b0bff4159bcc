/**
 * Reading JSON the way models actually write it. Pure functions, linear in the input.
 */

/** The result of a lenient parse: the value and what had to be repaired to get it. */
export type LenientParse = { ok: true; value: unknown; repairs: string[] } | { ok: false; reason: string };

/**
 * Parses `text` as JSON; when strict parsing fails, rewrites the common near-JSON of model
 * output into JSON and tries again: single-quoted or smart-quoted strings, unquoted keys, trailing
 * commas, invalid escapes (`\_`, `\'`), raw newlines in strings, comments, Python literals.
 */
export function parseLenientJson(text: string): LenientParse {
  try {
    return { ok: true, value: JSON.parse(text), repairs: [] };
  } catch (error) {
    const rewritten = rewriteLooseJson(text);
    if (rewritten.repairs.length === 0) return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
    try {
      return { ok: true, value: JSON.parse(rewritten.text), repairs: rewritten.repairs };
    } catch (second) {
      return { ok: false, reason: `invalid JSON: ${(second as Error).message}` };
    }
  }
}

const CLOSING_QUOTE: Record<string, string> = { '"': '"', "'": "'", "\u201C": "\u201D", "\u2018": "\u2019" };
const JSON_ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t", "u"]);
const LITERALS: Record<string, string> = { true: "true", false: "false", null: "null", True: "true", False: "false", None: "null" };

/** Rewrites near-JSON into JSON, token by token, naming each kind of repair it made. */
function rewriteLooseJson(text: string): { text: string; repairs: string[] } {
  const repairs = new Set<string>();
  let out = "";
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char in CLOSING_QUOTE) {
      const string = readString(text, index, repairs);
      out += string.json;
      index = string.end;
    } else if (/[A-Za-z_$]/.test(char)) {
      const match = /^[A-Za-z_$][\w$-]*/.exec(text.slice(index, index + 200))!;
      const word = match[0];
      const literal = LITERALS[word];
      if (literal !== undefined) {
        if (literal !== word) repairs.add("Python literal");
        out += literal;
      } else {
        repairs.add("unquoted name");
        out += JSON.stringify(word);
      }
      index += word.length;
    } else if (char === ",") {
      const next = /^\s*([}\]])/.exec(text.slice(index + 1, index + 200));
      if (next) repairs.add("trailing comma");
      else out += char;
      index += 1;
    } else if (char === "/" && (text[index + 1] === "/" || text[index + 1] === "*")) {
      repairs.add("comment");
      const end = text[index + 1] === "/" ? text.indexOf("\n", index) : text.indexOf("*/", index + 2);
      index = end === -1 ? text.length : text[index + 1] === "/" ? end : end + 2;
    } else {
      out += char;
      index += 1;
    }
  }
  return { text: out, repairs: [...repairs] };
}

/** Reads a string literal opened by any quote style and returns it as a JSON string. */
function readString(text: string, start: number, repairs: Set<string>): { json: string; end: number } {
  const open = text[start]!;
  const close = CLOSING_QUOTE[open]!;
  if (open === "'") repairs.add("single quotes");
  if (open === "\u201C" || open === "\u2018") repairs.add("smart quotes");
  let value = "";
  let index = start + 1;
  while (index < text.length) {
    const char = text[index]!;
    if (char === close || (open === "\u2018" && char === "'")) {
      return { json: JSON.stringify(value), end: index + 1 };
    }
    if (char === "\\" && index + 1 < text.length) {
      const next = text[index + 1]!;
      if (JSON_ESCAPES.has(next)) {
        // A valid escape: let JSON decode it.
        const escape = next === "u" ? text.slice(index, index + 6) : `\\${next}`;
        try {
          value += JSON.parse(`"${escape}"`) as string;
        } catch {
          value += escape;
        }
        index += escape.length;
      } else {
        repairs.add("invalid escape");
        value += next;
        index += 2;
      }
      continue;
    }
    if (char === "\n" || char === "\r") repairs.add("raw newline in string");
    value += char;
    index += 1;
  }
  // Unterminated: the answer was cut off. Return it unclosed so the parse fails as truncated.
  return { json: JSON.stringify(value).slice(0, -1), end: text.length };
}

/** A `{…}` span found in free text. `complete` is false when the text ended inside it. */
export interface ObjectSpan {
  text: string;
  complete: boolean;
}

/**
 * Finds top-level `{…}` spans in free text, respecting double-quoted strings and escapes, so braces
 * inside strings do not count. Stops after `limit` spans.
 */
export function findObjectSpans(text: string, limit = 20): ObjectSpan[] {
  const spans: ObjectSpan[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let index = 0; index < text.length && spans.length < limit; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === "\\") index += 1;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"' && depth > 0) inString = true;
    else if (char === "{") {
      if (depth === 0) start = index;
      depth += 1;
    } else if (char === "}" && depth > 0) {
      depth -= 1;
      if (depth === 0) spans.push({ text: text.slice(start, index + 1), complete: true });
    }
  }
  if (depth > 0 && start !== -1 && spans.length < limit) spans.push({ text: text.slice(start), complete: false });
  return spans;
}
