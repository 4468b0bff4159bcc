import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main.js";

/** What an in-process CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI entry in-process with the given environment (nothing from process.env). */
export async function runCli(argv: string[], env: Record<string, string | undefined> = {}, cwd?: string): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    env,
    cwd: cwd ?? (await mkdtemp(join(tmpdir(), "panelist-cwd-"))),
  });
  return { code, stdout, stderr };
}

/** A fresh temporary folder. */
export function temporaryDirectory(prefix = "panelist-test-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}
