/**
 * Reading JSON the way language models write it: a brace-aware scanner that finds object spans in
 * free text, and a tolerant parser that accepts common near-JSON and names each repair it made.
 * Pure, linear in the input, and nothing here throws to the caller.
 */

/** The outcome of {@link parseLooseJson}. */
export type LooseJsonResult =
  | { ok: true; value: unknown; /** Kinds of repair needed; empty when the text was strict JSON. */ repairs: string[] }
  | { ok: false; /** One line: what is wrong and where. */ reason: string; /** True when the text ended before the value did. */ truncated: boolean };

/** A `{…}` span of a text, as found by {@link findObjectSpans}. */
export interface ObjectSpan {
  /** Index of the opening brace. */
  start: number;
  /** Index just past the closing brace, or the text's length when the span never closes. */
  end: number;
  /** False when the text ended inside the span (the answer was cut off, or the brace was prose). */
  complete: boolean;
}

/** Nesting deeper than this is refused: no verdict needs it, and the recursion must stay bounded. */
const MAX_DEPTH = 64;
/** How many times the scanner looks again after a brace that never closes (each look is linear). */
const MAX_RESTARTS = 8;

/** Each opening quote and the quote that closes it; models mix straight and typographic quotes. */
const CLOSING_QUOTE = new Map([['"', '"'], ["'", "'"], ["\u201C", "\u201D"], ["\u201D", "\u201D"], ["\u2018", "\u2019"], ["\u2019", "\u2019"]]);
const SIMPLE_ESCAPES = new Map([['"', '"'], ["\\", "\\"], ["/", "/"], ["b", "\b"], ["f", "\f"], ["n", "\n"], ["r", "\r"], ["t", "\t"]]);
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

/**
 * Finds top-level `{…}` spans in free text, in order. Quotes only count inside a span, so prose
 * apostrophes before the JSON do no harm; inside one, strings of any quote style, escapes and
 * comments are skipped, so braces in them do not count. A brace that never closes gives an
 * incomplete span, and the scan looks again just after it, since it may have been prose (`{it's`).
 */
export function findObjectSpans(text: string, limit = 200): ObjectSpan[] {
  const spans: ObjectSpan[] = [];
  let from = 0;
  let restarts = 0;
  while (spans.length < limit) {
    const start = text.indexOf("{", from);
    if (start === -1) break;
    const end = closingBrace(text, start);
    if (end !== -1) {
      spans.push({ start, end, complete: true });
      from = end;
      continue;
    }
    spans.push({ start, end: text.length, complete: false });
    restarts += 1;
    if (restarts > MAX_RESTARTS) break;
    from = start + 1;
  }
  return spans;
}

/**
 * Decodes a JSON string literal (quotes included), tolerating invalid escapes; `undefined` when
 * `literal` is not exactly one string.
 */
export function decodeJsonString(literal: string): string | undefined {
  if (!CLOSING_QUOTE.has(literal[0] ?? "")) return undefined;
  try {
    const value: unknown = JSON.parse(literal);
    return typeof value === "string" ? value : undefined;
  } catch {
    const read = readQuoted(literal, 0);
    return read.terminated && read.end === literal.length ? read.value : undefined;
  }
}

/** Index just past the brace that closes the one at `start`, or -1 when the text ends first. */
function closingBrace(text: string, start: number): number {
  let depth = 0;
  let index = start;
  while (index < text.length) {
    const char = text[index]!;
    if (char === "{") depth += 1;
    else if (char === "}") {
      depth -= 1;
      if (depth === 0) return index + 1;
    } else if (CLOSING_QUOTE.has(char)) {
      const string = readQuoted(text, index);
      if (!string.terminated) return -1;
      index = string.end;
      continue;
    } else if (char === "\\") {
      // Outside a string only escaped JSON (`{\"verdict\": …}`) has backslashes: skip the pair.
      index += 2;
      continue;
    } else if (char === "/" && (text[index + 1] === "/" || text[index + 1] === "*")) {
      index = commentEnd(text, index);
      continue;
    }
    index += 1;
  }
  return -1;
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

/** Index just past a `//` or `/* … *\/` comment that starts at `start`. */
function commentEnd(text: string, start: number): number {
  const line = text[start + 1] === "/";
  const end = text.indexOf(line ? "\n" : "*/", start + 2);
  if (end === -1) return text.length;
  return line ? end : end + 2;
}

interface Quoted {
  value: string;
  end: number;
  terminated: boolean;
  repairs: string[];
}

/**
 * Reads a string opened at `start` by any quote style. A quote only closes the string when a
 * delimiter, a line break or the end follows it: in valid JSON that is always so, and it lets
 * apostrophes (`'It's'`) and unescaped quotes (`"a "b" c"`) stay inside the string.
 */
function readQuoted(text: string, start: number): Quoted {
  const open = text[start]!;
  const close = CLOSING_QUOTE.get(open)!;
  const repairs = new Set<string>();
  if (open === "'") repairs.add("single quotes");
  else if (open !== '"') repairs.add("smart quotes");
  let value = "";
  let index = start + 1;
  while (index < text.length) {
    const char = text[index]!;
    if (char === close || (open === "\u201C" && char === "\u201C")) {
      if (closesString(text, index + 1)) return { value, end: index + 1, terminated: true, repairs: [...repairs] };
      if (open === '"') repairs.add("unescaped quote");
      value += char;
      index += 1;
    } else if (char === "\\") {
      const escape = readEscape(text, index, open);
      if (escape === undefined) break;
      if (escape.repair !== undefined) repairs.add(escape.repair);
      value += escape.value;
      index += escape.length;
    } else {
      if (char < " ") repairs.add(char === "\n" || char === "\r" ? "raw newline in string" : "control character in string");
      value += char;
      index += 1;
    }
  }
  return { value, end: text.length, terminated: false, repairs: [...repairs] };
}

/**
 * Whether a quote just before `index` can close a string: a line break, the end, a comment, `:`,
 * `}` or `]` follows, or a comma and then something that can start a key or value (`"a "b", c"` stays one
 * string). The look ahead is bounded, so the reader stays linear.
 */
function closesString(text: string, index: number): boolean {
  const after = text.slice(index, index + 64);
  return /^[ \t]*(?:[\r\n:}\]]|\/[/*]|$|,\s*(?:[\]}{["'\u201C\u201D\u2018\u2019\d.+-]|\/[/*]|$|(?:true|false|null|None|True|False)\b|[\w$-]+\s*:))/.test(after);
}

function readEscape(text: string, index: number, open: string): { value: string; length: number; repair?: string } | undefined {
  const next = text[index + 1];
  if (next === undefined) return undefined;
  const simple = SIMPLE_ESCAPES.get(next);
  if (simple !== undefined) return { value: simple, length: 2 };
  const hex = text.slice(index + 2, index + 6);
  if (next === "u" && /^[0-9a-fA-F]{4}$/.test(hex)) return { value: String.fromCharCode(parseInt(hex, 16)), length: 6 };
  // `\'` is how a single-quoted string escapes its quote; anywhere else it is a JSON error.
  return next === "'" && open === "'" ? { value: next, length: 2 } : { value: next, length: 2, repair: "invalid escape" };
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
