import { renameSync, writeFileSync } from "node:fs";
import { redactSecrets } from "../providers/redact-secrets.js";

/**
 * Writes a file a user will open or share: redacted of `secrets` (a model or server can echo a
 * key back), through a temporary name and a rename, so a reader never sees half a file.
 */
export function writeTextFile(path: string, text: string, secrets: readonly string[] = []): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, redactSecrets(text, secrets), "utf8");
  renameSync(temporary, path);
}
