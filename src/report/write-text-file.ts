import { closeSync, openSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { redactSecrets } from "../providers/redact-secrets.js";

/**
 * Writes a file a user will open or share: redacted of `secrets` (a model or server can echo a
 * key back), through a temporary name and a rename, so a reader never sees half a file. `text`
 * may come in pieces (a large file need not be one string in memory), each redacted on its own:
 * a piece holds whole values, so a key is never split across two.
 */
export function writeTextFile(path: string, text: string | Iterable<string>, secrets: readonly string[] = []): void {
  const temporary = `${path}.${process.pid}.tmp`;
  if (typeof text === "string") writeFileSync(temporary, redactSecrets(text, secrets), "utf8");
  else {
    const fd = openSync(temporary, "w");
    try {
      for (const piece of text) writeSync(fd, redactSecrets(piece, secrets));
    } finally {
      closeSync(fd);
    }
  }
  renameSync(temporary, path);
}
