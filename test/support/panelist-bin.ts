import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/**
 * The `panelist` executable as package.json ships it (the bundled CLI), so tests that spawn the
 * CLI run what a user runs.
 */
export const PANELIST_BIN = resolve((JSON.parse(readFileSync("package.json", "utf8")) as { bin: { panelist: string } }).bin.panelist);
