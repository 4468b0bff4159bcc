/**
 * `JSON.stringify(value, null, 2)` plus a newline, byte for byte, in pieces: an array of the
 * top-level object comes an element at a time, for `writeTextFile` to write one by one. A
 * 10,000-tool index is a 12 MB string, and twice that with the buffer it is encoded into, made at
 * the very end of a batch, when its memory peaks.
 */
export function* jsonPieces(value: unknown): Generator<string> {
  if (value === null || typeof value !== "object" || Array.isArray(value) || typeof (value as { toJSON?: unknown }).toJSON === "function") {
    yield `${JSON.stringify(value, null, 2)}\n`;
    return;
  }
  // Keys whose values JSON leaves out (undefined, functions, symbols) are left out here too.
  const entries = Object.entries(value).filter(([, item]) => JSON.stringify(item) !== undefined);
  if (entries.length === 0) {
    yield "{}\n";
    return;
  }
  yield "{";
  for (const [position, [key, item]] of entries.entries()) {
    yield `${position === 0 ? "" : ","}\n  ${JSON.stringify(key)}: `;
    if (Array.isArray(item) && item.length > 0) {
      yield "[";
      for (const [index, element] of item.entries()) yield `${index === 0 ? "" : ","}\n    ${indented(element, "    ")}`;
      yield "\n  ]";
    } else yield indented(item, "  ");
  }
  yield "\n}\n";
}

/** `JSON.stringify(value, null, 2)` for a value nested at `indent` (an array's hole or undefined is null, as JSON has it). */
function indented(value: unknown, indent: string): string {
  // JSON text has no raw line breaks inside strings, so every one is a line of the layout.
  return (JSON.stringify(value, null, 2) ?? "null").replaceAll("\n", `\n${indent}`);
}
