/**
 * Reading JSON the way language models write it: a tolerant parser that accepts common near-JSON
 * and names each repair it made (the spans it reads are found by find-object-spans.ts). Pure,
 * linear in the input, and nothing here throws to the caller.
 */
import { CLOSING_QUOTE, commentEnd, readQuoted } from "./json-string-literal.js";

/** The outcome of {@link parseLooseJson}. */
export type LooseJsonResult =
  | { ok: true; value: unknown; /** Kinds of repair needed; empty when the text was strict JSON. */ repairs: string[] }
  | { ok: false; /** One line: what is wrong and where. */ reason: string; /** True when the text ended before the value did. */ truncated: boolean };

/** Nesting deeper than this is refused: no verdict needs it, and the recursion must stay bounded. */
const MAX_DEPTH = 64;
const LITERALS = new Map<string, [unknown, string | undefined]>([
  ["true", [true, undefined]],
  ["false", [false, undefined]],
  ["null", [null, undefined]],
  ["True", [true, "Python literal"]],
  ["False", [false, "Python literal"]],
  ["None", [null, "Python literal"]],
  ["undefined", [null, "JavaScript literal"]],
]);

/**
 * Parses `text` as JSON. When strict parsing fails, reads it leniently: single-quoted, smart-quoted
 * or unquoted keys and strings, trailing or missing commas, invalid escapes (`\_`, `\'`), raw
 * newlines and unescaped quotes inside strings, comments, Python literals, `.8` and `+1`.
 * A value that is cut off is never completed: it fails with `truncated: true`.
 */
export function parseLooseJson(text: string): LooseJsonResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown, repairs: [] };
  } catch {
    // Not strict JSON; the lenient reader below says why in its own words.
  }
  const cursor: Cursor = { text, index: 0, repairs: new Set() };
  try {
    skipSpace(cursor);
    const value = readValue(cursor, 0);
    skipSpace(cursor);
    if (cursor.index < text.length) throw new Failure(`unexpected ${show(text[cursor.index])} after the value at position ${cursor.index}`);
    return { ok: true, value, repairs: [...cursor.repairs] };
  } catch (error) {
    if (error instanceof Failure) return { ok: false, reason: error.message, truncated: error.truncated };
    return { ok: false, reason: `unreadable JSON (${String(error)})`, truncated: false };
  }
}

interface Cursor {
  text: string;
  index: number;
  repairs: Set<string>;
}

/** Why the lenient reader gave up; thrown inside this module only and caught by {@link parseLooseJson}. */
class Failure extends Error {
  constructor(
    message: string,
    readonly truncated = false,
  ) {
    super(message);
  }
}

function cutOff(where: string): Failure {
  return new Failure(`the JSON is cut off ${where}`, true);
}

function readValue(cursor: Cursor, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new Failure(`the JSON is nested more than ${MAX_DEPTH} levels deep`);
  const char = cursor.text[cursor.index];
  if (char === undefined) throw cutOff("where a value should start");
  if (char === "{") return readObject(cursor, depth + 1);
  if (char === "[") return readArray(cursor, depth + 1);
  if (CLOSING_QUOTE.has(char)) return readString(cursor);
  if (char === "-" || char === "+" || char === "." || isDigit(char)) return readNumber(cursor);
  if (isWordStart(char)) {
    const word = readWord(cursor);
    const literal = LITERALS.get(word);
    if (literal === undefined) {
      cursor.repairs.add("unquoted value");
      return word;
    }
    if (literal[1] !== undefined) cursor.repairs.add(literal[1]);
    return literal[0];
  }
  throw new Failure(`unexpected ${show(char)} at position ${cursor.index}`);
}

function readObject(cursor: Cursor, depth: number): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  cursor.index += 1;
  skipSpace(cursor);
  while (cursor.text[cursor.index] !== "}") {
    const key = readKey(cursor);
    skipSpace(cursor);
    const colon = cursor.text[cursor.index];
    if (colon === undefined) throw cutOff(`after the key ${show(key)}`);
    if (colon !== ":") throw new Failure(`expected ":" after the key ${show(key)} at position ${cursor.index}`);
    cursor.index += 1;
    skipSpace(cursor);
    // defineProperty, not assignment: a key named __proto__ must stay a plain key.
    Object.defineProperty(object, key, { value: readValue(cursor, depth), enumerable: true, writable: true, configurable: true });
    if (!readSeparator(cursor, "}")) break;
  }
  cursor.index += 1;
  return object;
}

function readArray(cursor: Cursor, depth: number): unknown[] {
  const array: unknown[] = [];
  cursor.index += 1;
  skipSpace(cursor);
  while (cursor.text[cursor.index] !== "]") {
    array.push(readValue(cursor, depth));
    if (!readSeparator(cursor, "]")) break;
  }
  cursor.index += 1;
  return array;
}

/**
 * Reads what follows a member or element: a comma (a trailing one is dropped), the closing bracket,
 * or the start of the next item on a new line (a missing comma). Returns false at the closing bracket.
 */
function readSeparator(cursor: Cursor, close: "}" | "]"): boolean {
  const before = cursor.index;
  skipSpace(cursor);
  const char = cursor.text[cursor.index];
  if (char === undefined) throw cutOff(`before the closing "${close}"`);
  if (char === close) return false;
  if (char === ",") {
    cursor.index += 1;
    skipSpace(cursor);
    if (cursor.text[cursor.index] !== close) return true;
    cursor.repairs.add("trailing comma");
    return false;
  }
  const startsItem = CLOSING_QUOTE.has(char) || (close === "}" ? isWordStart(char) : char === "{" || char === "[");
  if (startsItem && cursor.text.slice(before, cursor.index).includes("\n")) {
    cursor.repairs.add("missing comma");
    return true;
  }
  throw new Failure(`expected "," or "${close}" at position ${cursor.index}, found ${show(char)}`);
}

function readKey(cursor: Cursor): string {
  const char = cursor.text[cursor.index];
  if (char === undefined) throw cutOff("where a key should start");
  if (CLOSING_QUOTE.has(char)) return readString(cursor);
  if (isWordStart(char)) {
    cursor.repairs.add("unquoted name");
    return readWord(cursor);
  }
  throw new Failure(`expected a key at position ${cursor.index}, found ${show(char)}`);
}

function readString(cursor: Cursor): string {
  const string = readQuoted(cursor.text, cursor.index);
  if (!string.terminated) throw cutOff("inside a string");
  for (const repair of string.repairs) cursor.repairs.add(repair);
  cursor.index = string.end;
  return string.value;
}

function readNumber(cursor: Cursor): number | string {
  const start = cursor.index;
  while (cursor.index < cursor.text.length && /[0-9eE.+-]/.test(cursor.text[cursor.index]!)) cursor.index += 1;
  const raw = cursor.text.slice(start, cursor.index);
  const value = Number(raw);
  if (raw === "" || !Number.isFinite(value)) throw new Failure(`invalid number ${show(raw)} at position ${start}`);
  if (cursor.text[cursor.index] === "%") {
    // `confidence: 80%`: keep it as text for the caller, which knows what a percentage means there.
    cursor.index += 1;
    cursor.repairs.add("unquoted value");
    return `${raw}%`;
  }
  if (!/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(raw)) cursor.repairs.add("number format");
  return value;
}

function readWord(cursor: Cursor): string {
  const start = cursor.index;
  while (cursor.index < cursor.text.length && /[\w$-]/.test(cursor.text[cursor.index]!)) cursor.index += 1;
  return cursor.text.slice(start, cursor.index);
}

/** Skips whitespace (a BOM and no-break spaces included) and comments. */
function skipSpace(cursor: Cursor): void {
  const { text } = cursor;
  while (cursor.index < text.length) {
    const char = text[cursor.index]!;
    if (char === "/" && (text[cursor.index + 1] === "/" || text[cursor.index + 1] === "*")) {
      cursor.repairs.add("comment");
      cursor.index = commentEnd(text, cursor.index);
    } else if (/\s|\uFEFF/.test(char)) cursor.index += 1;
    else return;
  }
}

function isDigit(char: string): boolean {
  return char >= "0" && char <= "9";
}

function isWordStart(char: string): boolean {
  return /[A-Za-z_$]/.test(char);
}

function show(value: string | undefined): string {
  return value === undefined ? "the end" : JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value);
}
