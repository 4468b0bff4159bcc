import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { parse as parseDotenv } from "dotenv";
import { redactSecrets, secretValues } from "../providers/redact-secrets.js";

/** Where the CLI reads and writes: injected so tests run it in-process. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The stream a progress bar draws on (a bar only when it is a terminal). */
  progressStream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** The raw stdin and stdout a protocol server (`panelist mcp`) speaks on; nothing else writes to that stdout. */
  protocolStreams?: { input: Readable; output: Writable };
  /** Subscribes to Ctrl-C (SIGINT); returns the unsubscribe function. */
  onInterrupt?: (listener: () => void) => () => void;
}

/**
 * Exit codes: every review succeeded; some failed, were not started or were skipped (the report
 * lists them); usage, configuration or input error; a bug in Panelist itself; interrupted by
 * Ctrl-C (128 + SIGINT, as shells report it).
 */
export const EXIT = { ok: 0, someFailed: 1, usage: 2, internal: 3, pending: 4, interrupted: 130 } as const;

/** Variables from `.env` in `cwd`, or none. */
export function readDotenv(cwd: string): Record<string, string> {
  const path = join(cwd, ".env");
  return existsSync(path) ? parseDotenv(readFileSync(path)) : {};
}

/** stdout and stderr writers that redact the run's secrets from everything printed. */
export function redactingPrinters(io: CliIO, env: Readonly<Record<string, string | undefined>>): { stdout: (text: string) => void; stderr: (text: string) => void } {
  const secrets = secretValues(env);
  return {
    stdout: (text) => io.stdout(redactSecrets(text, secrets)),
    stderr: (text) => io.stderr(redactSecrets(text, secrets)),
  };
}
