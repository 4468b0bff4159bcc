import { resolve } from "node:path";
import { runConfigSchema } from "../../config/run-config.js";
import { ConfigError } from "../../errors/config-error.js";
import { zodIssueText } from "../../errors/zod-issue-text.js";
import { secretValues } from "../../providers/redact-secrets.js";
import { ReviewStore } from "../../store/review-store.js";
import { EXIT, readDotenv, type CliIO } from "../cli-io.js";
import type { CommandLine } from "../parse-command-line.js";
import { renderStoredRun } from "../render-stored-run.js";
import { storePath } from "../store-path.js";

/**
 * `panelist report [<run-id>] [--format …] [--out dir] [--store db]`: renders a stored run again,
 * from the store alone, with no calls: report files for a review or comparison, tool pages, the
 * index and results.jsonl for a batch. Without an id, the newest run.
 */
export async function runReportCommand(commandLine: CommandLine, io: CliIO): Promise<number> {
  const settings = runConfigSchema.pick({ out: true, formats: true }).safeParse({
    ...(commandLine.flags.out === undefined ? {} : { out: commandLine.flags.out }),
    ...(commandLine.flags.formats === undefined ? {} : { formats: commandLine.flags.formats }),
  });
  if (!settings.success) throw new ConfigError(settings.error.issues[0]!.path[0] === "out" ? "--out" : "--format", zodIssueText(settings.error.issues[0]!));
  const config = { ...settings.data, out: resolve(io.cwd, settings.data.out) };
  // Keys never reach a file, even when a stored answer echoes one back.
  const secrets = secretValues({ ...readDotenv(io.cwd), ...io.env });
  const path = storePath(commandLine, io);
  const store = ReviewStore.open(path, { create: false });
  try {
    const [given] = commandLine.positionals;
    const runId = given ?? store.listRuns()[0]?.id;
    if (!runId) throw new ConfigError("report", `no runs in ${path}`);
    const run = store.getRun(runId);
    if (!run) throw new ConfigError("report", `no run "${runId}" in ${path}; 'panelist runs' lists them`);
    const files = await renderStoredRun(store, run, config, secrets, (line) => io.stderr(`warning: ${line}\n`));
    io.stdout(`Rendered run ${run.id} (${run.command}, ${run.status}) from ${path}, no calls. Wrote ${files.join(", ")}\n`);
    return EXIT.ok;
  } finally {
    store.close();
  }
}
