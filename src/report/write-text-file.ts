import { renameSync, writeFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
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

/**
 * {@link writeTextFile} through the thread pool: for the many small files a batch writes while its
 * calls are in flight, where a write blocked on the disk would hold up every answer behind it.
 */
export async function writeTextFileInBackground(path: string, text: string, secrets: readonly string[] = []): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, redactSecrets(text, secrets), "utf8");
  await rename(temporary, path);
}
