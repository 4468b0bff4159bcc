import { readFileSync } from "node:fs";

/** Panelist's version, from its package.json (the same file whether running from src/ or dist/). */
export function panelistVersion(): string {
  const text = readFileSync(new URL("../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}
