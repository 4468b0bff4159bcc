import { CLOSING_QUOTE, commentEnd, readQuoted } from "./json-string-literal.js";

/** A `{…}` span of a text, as found by {@link findObjectSpans}. */
export interface ObjectSpan {
  /** Index of the opening brace. */
  start: number;
  /** Index just past the closing brace, or the text's length when the span never closes. */
  end: number;
  /** False when the text ended inside the span (the answer was cut off, or the brace was prose). */
  complete: boolean;
}

/** How many times the scanner looks again after a brace that never closes (each look is linear). */
const MAX_RESTARTS = 8;

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
