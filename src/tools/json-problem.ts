/** Why `JSON.parse` refused a text, in plain words, and where when the engine said. */
export interface JsonProblem {
  /** 1-based line in the text, when the engine gave a position. */
  line?: number;
  /** e.g. `unexpected '}'`, `the JSON ends too early (is the file cut short?)`. */
  message: string;
}

/**
 * Turns a `JSON.parse` error into a short message. The engine's own text quotes the input back and
 * changes between Node versions, so only its gist is kept.
 */
export function jsonProblem(text: string, error: unknown): JsonProblem {
  const raw = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(raw)?.[1];
  const at = position === undefined ? {} : { line: lineAt(text, Number(position)) };
  if (/Unexpected end of JSON input|Unterminated string/i.test(raw)) return { line: lineAt(text, text.trimEnd().length), message: "the JSON ends too early (is the file cut short?)" };
  if (/non-whitespace character after JSON/i.test(raw)) return { ...at, message: "more text after the end of the JSON value" };
  if (/Bad control character/i.test(raw)) return { ...at, message: "a control character inside a string (write it as \\n, \\t or \\u00XX)" };
  if (/Bad (Unicode )?escape/i.test(raw)) return { ...at, message: "a bad escape (\\) inside a string" };
  const token = /Unexpected token '?(.)'?/.exec(raw)?.[1];
  if (token !== undefined) return { ...at, message: `unexpected '${token}'` };
  const kind = /Unexpected (number|string)/i.exec(raw)?.[1];
  if (kind !== undefined) return { ...at, message: `unexpected ${kind.toLowerCase()}` };
  const expected = /^(Expected .*?) in JSON/i.exec(raw)?.[1];
  if (expected !== undefined) return { ...at, message: expected.charAt(0).toLowerCase() + expected.slice(1) };
  return { ...at, message: "not well-formed" };
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < Math.min(offset, text.length); index += 1) if (text.charCodeAt(index) === 10) line += 1;
  return line;
}
