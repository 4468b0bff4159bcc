import { resolve } from "node:path";
import type { CliIO } from "./cli-io.js";
import { readDotenv } from "./cli-io.js";
import type { CommandLine } from "./parse-command-line.js";

/** The store every command uses when none is named: `panelist.db` in the current folder. */
export const DEFAULT_STORE = "./panelist.db";

/**
 * The store a command reads or writes: `--store`, else `PANELIST_STORE` (environment, then
 * `.env`), else {@link DEFAULT_STORE}; relative paths are taken from the current folder.
 */
export function storePath(commandLine: CommandLine, io: CliIO): string {
  const flag = commandLine.flags.store;
  const chosen = typeof flag === "string" && flag !== "" ? flag : io.env.PANELIST_STORE || readDotenv(io.cwd).PANELIST_STORE || DEFAULT_STORE;
  return resolve(io.cwd, chosen);
}
