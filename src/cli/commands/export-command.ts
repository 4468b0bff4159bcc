import { createWriteStream, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { once } from "node:events";
import { checkOutputFile } from "../../engine/check-output-folder.js";
import { ConfigError } from "../../errors/config-error.js";
import { EXPORT_FORMATS, exportRun, type ExportFormat } from "../../export/export-run.js";
import { ReviewStore } from "../../store/review-store.js";
import { redactSecrets, secretValues } from "../../providers/redact-secrets.js";
import { EXIT, readDotenv, type CliIO } from "../cli-io.js";
import type { CommandLine } from "../parse-command-line.js";
import { count } from "../plural.js";
import { storePath } from "../store-path.js";

/** `panelist export --store db --run id --format jsonl|csv [--output file]`. */
export async function runExportCommand(commandLine: CommandLine, io: CliIO): Promise<number> {
  const { run: runOption, output } = commandLine.batch;
  // Stores written before answers were redacted on the way in may still hold a key: redact on the way out too.
  const secrets = secretValues({ ...readDotenv(io.cwd), ...io.env });
  const path = storePath(commandLine, io);
  const format = (commandLine.batch.format ?? "jsonl") as ExportFormat;
  if (!EXPORT_FORMATS.includes(format)) throw new ConfigError("--format", `export writes ${EXPORT_FORMATS.join(" or ")}, not "${format}"`);
  const store = ReviewStore.open(path, { create: false });
  try {
    const runId = runOption ?? store.listRuns()[0]?.id;
    if (!runId) throw new ConfigError("--run", `no runs in ${path}`);
    if (!store.getRun(runId)) throw new ConfigError("--run", `no run "${runId}" in ${path}`);
    if (output === undefined) {
      const rows = await exportRun(store, runId, format, (chunk) => io.stdout(redactSecrets(chunk, secrets)));
      io.stderr(`Exported ${count(rows, "review")} of run ${runId}\n`);
      return EXIT.ok;
    }
    checkOutputFile(output);
    mkdirSync(dirname(resolve(output)), { recursive: true });
    const stream = createWriteStream(output);
    const rows = await exportRun(store, runId, format, async (chunk) => {
      if (!stream.write(redactSecrets(chunk, secrets))) await once(stream, "drain");
    });
    stream.end();
    await once(stream, "finish");
    io.stderr(`Exported ${count(rows, "review")} of run ${runId} to ${output}\n`);
    return EXIT.ok;
  } finally {
    store.close();
  }
}
