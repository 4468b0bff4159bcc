import { resolve } from "node:path";
import type { RunConfig } from "../../config/run-config.js";
import { resolveConfig } from "../../config/resolve-config.js";
import { checkOutputFolder } from "../../engine/check-output-folder.js";
import { ConfigError } from "../../errors/config-error.js";
import { secretValues } from "../../providers/redact-secrets.js";
import { ReviewStore } from "../../store/review-store.js";
import { EXIT, readDotenv, redactingPrinters, type CliIO } from "../cli-io.js";
import { editorName } from "../editor-name.js";
import { formatCallEvent, formatCallEventJson } from "../format-call-event.js";
import { FLAG_NAMES, type CommandLine } from "../parse-command-line.js";
import { renderStoredRun } from "../render-stored-run.js";
import { storePath } from "../store-path.js";

/**
 * `panelist rerun <run-id> [--tool NAME|ID] [--persona ID] [--model SPEC] [--editor NAME] [--out DIR]`:
 * asks some of a stored run's reviews again (one persona, one tool, or the run) as new reviews of
 * the same run, the old ones kept as superseded history, then renders the run's report files
 * again: into --out, else where the run wrote them.
 */
export async function runRerunCommand(commandLine: CommandLine, io: CliIO): Promise<number> {
  const [runId, extra] = commandLine.positionals;
  if (runId === undefined) throw new ConfigError("rerun", "give the run id ('panelist runs' lists them)");
  if (extra !== undefined) throw new ConfigError("rerun", `takes one run id, got also "${extra}"`);
  const asked = commandLine.flags.models as string[] | undefined;
  if (asked !== undefined && asked.length !== 1) throw new ConfigError("--model", `a re-run asks one model in place of the run's, got ${asked.length}: ${asked.join(", ")}`);
  const editor = editorName(commandLine.batch.editor);
  const { config, env, credentials } = resolveConfig({ flags: commandLine.flags, flagNames: FLAG_NAMES, dotenv: readDotenv(io.cwd), environment: io.env });
  if (config.dryRun) throw new ConfigError("--dry-run", "is for review, compare and batch; a re-run asks exactly the reviews named");
  if (config.via === "batch-api") throw new ConfigError("--via", "batch-api is for panelist batch; a re-run asks its few reviews directly");
  const { stdout, stderr } = redactingPrinters(io, env);
  const secrets = secretValues(env);
  const storeFile = storePath(commandLine, io);
  const store = ReviewStore.open(storeFile, { create: false });
  const stop = new AbortController();
  const abort = new AbortController();
  // The first Ctrl-C stops new calls and keeps what came back; a second aborts the calls in flight.
  const unsubscribe = io.onInterrupt?.(() => {
    if (!stop.signal.aborted) {
      stop.abort();
      stderr("\nStopping: no new calls start; waiting for the calls in flight (Ctrl-C again to abort them)…\n");
    } else abort.abort();
  });
  try {
    const run = store.getRun(runId);
    if (!run) throw new ConfigError("rerun", `no run "${runId}" in ${storeFile}; 'panelist runs' lists them`);
    const stored = (run.config ?? {}) as Partial<RunConfig>;
    const outputs = {
      // A relative folder is the run's as seen from here: the store does not keep where a run was started.
      out: resolve(io.cwd, commandLine.flags.out === undefined && stored.out ? stored.out : config.out),
      formats: commandLine.flags.formats === undefined && stored.formats ? stored.formats : config.formats,
    };
    // Checked before the first call: a re-run must not pay for answers it then cannot write out.
    checkOutputFolder(outputs.out);
    const { rerunReviews } = await import("../../engine/rerun-reviews.js");
    const result = await rerunReviews({
      store,
      runId: run.id,
      ...(commandLine.batch.tool === undefined ? {} : { tool: commandLine.batch.tool }),
      ...(commandLine.batch.persona === undefined ? {} : { persona: commandLine.batch.persona }),
      ...(asked === undefined ? {} : { model: asked[0]! }),
      config,
      credentials,
      editor,
      stopSignal: stop.signal,
      abortSignal: abort.signal,
      onWarning: (line) => stderr(`warning: ${line}\n`),
      onCall: (event) => {
        if (commandLine.logJson) stderr(`${formatCallEventJson(event)}\n`);
        else if (commandLine.verbose) stderr(`${formatCallEvent(event)}\n`);
      },
    });
    const target = [commandLine.batch.tool ?? "every tool", commandLine.batch.persona ?? "the panel", asked?.[0] ?? "the run's models"].join(" / ");
    stdout(`Re-ran run ${run.id} (${target}) for ${editor}: ${result.reviewed} of ${result.planned} reviewed, ${result.failed} failed, $${result.costUsd}\n`);
    for (const { oldId, newId } of result.replaced) stdout(oldId === null ? `  review ${newId} is new\n` : `  review ${newId} replaces ${oldId} (kept as history)\n`);
    if (result.summarized) stdout("  the editor summary was asked again over the new verdicts\n");
    for (const failure of result.failures) stderr(`failed: ${failure.tool} / ${failure.persona} / ${failure.model}: ${failure.error.replace(`${failure.model}: `, "")} (the earlier review stays current)\n`);
    const files = await renderStoredRun(store, run, outputs, secrets, (line) => stderr(`warning: ${line}\n`));
    stdout(`Wrote ${files.join(", ")}\n`);
    if (result.interrupted) {
      stderr(`Interrupted: ${result.notStarted} ${result.notStarted === 1 ? "review was" : "reviews were"} not asked; what came back is stored.\n`);
      return EXIT.interrupted;
    }
    if (result.notStarted > 0) stderr(`stopped: ${result.notStarted} ${result.notStarted === 1 ? "review was" : "reviews were"} not started, --max-cost $${config.maxCost} reached\n`);
    return result.failed > 0 || result.notStarted > 0 ? EXIT.someFailed : EXIT.ok;
  } finally {
    unsubscribe?.();
    store.close();
  }
}
