import { closeSync, openSync, renameSync, writeSync } from "node:fs";
import { redactSecrets } from "../providers/redact-secrets.js";

/**
 * Writes `value` as `JSON.stringify(value, null, 2)` plus a newline, byte for byte, but a piece at
 * a time: an array of the top-level object is written an element at a time. A 10,000-tool index
 * is a 12 MB string, and twice that with the buffer it is encoded into, made at the very end of a
 * batch, when its memory peaks. Redacted of `secrets` piece by piece (a key sits inside one string
 * value, so inside one piece), through a temporary name and a rename, as writeTextFile does.
 */
export function writeJsonFile(path: string, value: unknown, secrets: readonly string[] = []): void {
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, "w");
  try {
    for (const piece of jsonPieces(value)) writeSync(fd, redactSecrets(piece, secrets));
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

/** The pieces of `JSON.stringify(value, null, 2)` followed by a newline. */
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
