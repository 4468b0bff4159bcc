import { existsSync } from "node:fs";
import { resolveConfig } from "../../config/resolve-config.js";
import type { RunConfig } from "../../config/run-config.js";
import type { Credentials } from "../../providers/credentials.js";
import { ConfigError } from "../../errors/config-error.js";
import type { CallEvent } from "../../pipeline/call-event.js";
import { runBatch, type BatchSummary } from "../../batch/run-batch.js";
import { ReviewStore } from "../../store/review-store.js";
import { EXIT, readDotenv, redactingPrinters, type CliIO } from "../cli-io.js";
import { createDownloadDisplay } from "../download-progress.js";
import { formatCallEvent, formatCallEventJson } from "../format-call-event.js";
import { FLAG_NAMES, type CommandLine } from "../parse-command-line.js";
import { formatPlan } from "../format-plan.js";
import { count } from "../plural.js";
import { createProgressDisplay } from "../progress-display.js";
import { sourceOptions } from "../source-options.js";
import { storePath } from "../store-path.js";

/**
 * `panelist batch <inputs>...`: unattended reviews into a store. The first Ctrl-C stops new calls
 * and lets those in flight finish and be stored; a second aborts them. Either way the run can be
 * resumed, and the command says how.
 */
export async function runBatchCommand(commandLine: CommandLine, io: CliIO): Promise<number> {
  const options = commandLine.batch;
  if (options.status) return printBatchStatus(commandLine, io);
  if (commandLine.positionals.length === 0 && !options.resume) throw new ConfigError("batch", "give at least one input: tool files, a folder, or a feed file or URL");
  const { config, env, credentials, modelNote } = resolveConfig({ flags: commandLine.flags, flagNames: FLAG_NAMES, dotenv: readDotenv(io.cwd), environment: io.env, cwd: io.cwd });
  const printers = redactingPrinters(io, env);
  const { stdout } = printers;
  const progress = !config.dryRun && io.progressStream && !commandLine.logJson ? createProgressDisplay(io.progressStream) : undefined;
  // While the bar is up, every line goes above it: the bar is cleared, the line written, the bar drawn again.
  const stderr = (text: string): void => (progress ? progress.print(text, printers.stderr) : printers.stderr(text));
  if (modelNote) stderr(`${modelNote}\n`);
  // A feed or a JSON Lines export repeats the same unknown key on every line: say it once, with a count.
  const unknownKeys = new Map<string, number>();
  const warn = (line: string): void => {
    const key = /: ([^:\s]+): unknown key, ignored$/.exec(line)?.[1];
    if (key !== undefined) {
      const seen = (unknownKeys.get(key) ?? 0) + 1;
      unknownKeys.set(key, seen);
      if (seen > 1) return;
    }
    stderr(`warning: ${line}\n`);
  };
  if (config.dryRun) return dryRun(commandLine, io, config, credentials, stdout, warn);
  if (options.wait && config.via !== "batch-api") throw new ConfigError("--wait", "is for --via batch-api: direct runs always finish before they exit");

  const stop = new AbortController();
  const abort = new AbortController();
  let runId: string | undefined;
  const unsubscribe = io.onInterrupt?.(() => {
    if (!stop.signal.aborted) {
      stop.abort();
      stderr("\nStopping: no new calls start; waiting for the calls in flight (Ctrl-C again to abort them)…\n");
    } else abort.abort();
  });
  const storeFile = storePath(commandLine, io);
  const store = ReviewStore.open(storeFile);
  let summary: BatchSummary;
  try {
    summary = await runBatch({
      inputs: commandLine.positionals,
      config,
      credentials,
      store,
      sources: sourceOptions(config, env),
      enrich: options.enrich,
      sinceLast: options.sinceLast,
      ...(options.resume ? { resume: options.resume } : {}),
      newRun: options.newRun,
      noCache: options.noCache,
      wait: options.wait,
      onBatchStatus: (line) => stderr(`${line}\n`),
      onModelDownload: createDownloadDisplay(io.progressStream, stderr),
      stopSignal: stop.signal,
      abortSignal: abort.signal,
      onWarning: warn,
      onCall: (event: CallEvent) => {
        if (commandLine.logJson) stderr(`${formatCallEventJson(event)}\n`);
        else if (commandLine.verbose) stderr(`${formatCallEvent(event)}\n`);
      },
      onProgress: (update) => progress?.update(update),
      onRun: (run, resumed) => {
        runId = run.id;
        stderr(`${resumed ? "Resuming" : "Starting"} run ${run.id} (store ${storeFile})\n`);
      },
    });
  } finally {
    progress?.stop();
    unsubscribe?.();
    store.close();
    for (const [key, seen] of unknownKeys) if (seen > 1) stderr(`warning: ${key}: unknown key ignored in ${count(seen, "record")}\n`);
  }
  stdout(
    `Run ${summary.runId}: ${summary.tools} tools · reviewed ${summary.reviewed} (${summary.cached} from cache) · failed ${summary.failed} · ` +
      `not started ${summary.notStarted} · skipped ${summary.skippedSinceLast} already reviewed, ${summary.skippedBadInput.length} bad input · cost $${summary.costUsd.toFixed(4)}\n`,
  );
  stdout(`Wrote ${[...summary.files.index, summary.files.results].join(", ")} and ${summary.files.toolReports} tool reports\n`);
  if (summary.pendingBatches.length > 0 && !summary.interrupted) {
    const requests = summary.pendingBatches.reduce((sum, batch) => sum + batch.requests, 0);
    stderr(
      `Waiting on ${summary.pendingBatches.length} provider batch(es) with ${requests} requests. Run the same command again to collect them ` +
        `(or add --wait); 'panelist batch --status --store ${storeFile}' shows their progress.\n`,
    );
    return EXIT.pending;
  }
  if (summary.interrupted) {
    stderr(`Interrupted. Resume with: panelist batch --resume ${runId ?? summary.runId} --store ${storeFile} --out ${config.out}\n`);
    return EXIT.interrupted;
  }
  return summary.failed > 0 || summary.notStarted > 0 || summary.skippedBadInput.length > 0 ? EXIT.someFailed : EXIT.ok;
}

/**
 * `panelist batch --dry-run`: the tools and every planned call with token and cost estimates,
 * the tools --since-last would leave out left out; nothing is called, stored or written.
 */
async function dryRun(
  commandLine: CommandLine,
  io: CliIO,
  config: RunConfig,
  credentials: Credentials,
  stdout: (text: string) => void,
  onWarning: (line: string) => void,
): Promise<number> {
  const { planReviews } = await import("../../engine/review-tools.js");
  const path = storePath(commandLine, io);
  // Reading the store for --since-last must not create one.
  const store = commandLine.batch.sinceLast && existsSync(path) ? ReviewStore.open(path, { create: false }) : undefined;
  try {
    const env = { ...readDotenv(io.cwd), ...io.env };
    const plan = await planReviews({ toolFiles: commandLine.positionals, config, credentials, compare: false, command: "batch", sinceLast: commandLine.batch.sinceLast, onWarning, sources: sourceOptions(config, env), enrich: commandLine.batch.enrich, ...(store ? { store } : {}) });
    stdout(formatPlan(plan));
  } finally {
    store?.close();
  }
  return EXIT.ok;
}

/** `panelist batch --status`: the provider batches of a run, asked about live where possible. */
async function printBatchStatus(commandLine: CommandLine, io: CliIO): Promise<number> {
  // --status calls no model: a placeholder keeps resolveConfig from choosing a default one.
  const { config, env, credentials } = resolveConfig({ flags: { ...commandLine.flags, models: commandLine.flags.models ?? "none:none" }, flagNames: FLAG_NAMES, dotenv: readDotenv(io.cwd), environment: io.env });
  const { stdout } = redactingPrinters(io, env);
  const { providerBatchStatus } = await import("../../batch/provider-batch-status.js");
  const store = ReviewStore.open(storePath(commandLine, io), { create: false });
  try {
    const { runId, batches } = await providerBatchStatus(store, { ...(commandLine.batch.resume ? { runId: commandLine.batch.resume } : {}), config, credentials });
    stdout(`Run ${runId}: ${batches.length} provider batch(es)\n`);
    for (const { record, live, liveError } of batches) {
      const counts = live ?? { succeeded: record.succeeded ?? 0, errored: record.errored ?? 0, total: record.requestCount };
      const state = live ? `${live.providerStatus}` : record.state === "submitted" ? `${record.providerStatus ?? "submitted"} (not checked: ${liveError ?? "unknown"})` : record.state;
      stdout(`  ${record.id}  ${record.model}  ${state}  ${counts.succeeded} ok, ${counts.errored} failed of ${record.requestCount}  submitted ${record.submittedAt}\n`);
    }
  } finally {
    store.close();
  }
  return EXIT.ok;
}
