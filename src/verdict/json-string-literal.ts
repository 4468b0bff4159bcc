// JSON string literals the way models write them: any quote style, lenient escapes, raw newlines
// and unescaped quotes inside; and the comments models leave between values.

/** Each opening quote and the quote that closes it; models mix straight and typographic quotes. */
export const CLOSING_QUOTE = new Map([['"', '"'], ["'", "'"], ["\u201C", "\u201D"], ["\u201D", "\u201D"], ["\u2018", "\u2019"], ["\u2019", "\u2019"]]);
const SIMPLE_ESCAPES = new Map([['"', '"'], ["\\", "\\"], ["/", "/"], ["b", "\b"], ["f", "\f"], ["n", "\n"], ["r", "\r"], ["t", "\t"]]);

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

/** A string literal as {@link readQuoted} read it. */
export interface Quoted {
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
export function readQuoted(text: string, start: number): Quoted {
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

/** Index just past a `//` or `/* … *\/` comment that starts at `start`. */
export function commentEnd(text: string, start: number): number {
  const line = text[start + 1] === "/";
  const end = text.indexOf(line ? "\n" : "*/", start + 2);
  if (end === -1) return text.length;
  return line ? end : end + 2;
}
