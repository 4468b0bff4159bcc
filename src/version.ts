import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/**
 * Panelist's version, from its package.json: the nearest one above this module, so the same
 * code finds it from src/, from dist/ and from the bundled CLI in dist/bundle/.
 */
export function panelistVersion(): string {
  if (cached !== undefined) return cached;
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, "package.json"))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error("package.json not found above the Panelist modules");
    folder = parent;
  }
  cached = (JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as { version: string }).version;
  return cached;
}
