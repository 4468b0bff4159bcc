import { resolveConfig } from "../../config/resolve-config.js";
import { runConfigSchema } from "../../config/run-config.js";
import { ConfigError } from "../../errors/config-error.js";
import { InputError } from "../../errors/input-error.js";
import { zodIssueText } from "../../errors/zod-issue-text.js";
import type { CallEvent } from "../../pipeline/call-event.js";
import { NOT_STARTED_KINDS, type Report } from "../../report/report-schema.js";
import { EXIT, readDotenv, redactingPrinters, type CliIO } from "../cli-io.js";
import { createDownloadDisplay } from "../download-progress.js";
import { formatPlan } from "../format-plan.js";
import { count } from "../plural.js";
import { formatCallEvent, formatCallEventJson } from "../format-call-event.js";
import { FLAG_NAMES, type CommandLine } from "../parse-command-line.js";
import { sourceOptions } from "../source-options.js";
import { storePath } from "../store-path.js";

/** `panelist review` and `panelist compare`. */
export async function runReviewCommand(commandLine: CommandLine, io: CliIO, compare: boolean): Promise<number> {
  if (commandLine.replay !== undefined) return replay(commandLine, io);
  if (commandLine.positionals.length === 0) throw new ConfigError(commandLine.command ?? "review", "give at least one tool file");
  const { config, env, credentials, modelNote } = resolveConfig({
    flags: commandLine.flags,
    flagNames: FLAG_NAMES,
    dotenv: readDotenv(io.cwd),
    environment: io.env,
    cwd: io.cwd,
  });
  if (modelNote) io.stderr(`${modelNote}\n`);
  // Everything printed passes through here, so no key reaches a terminal or a log file.
  const { stdout, stderr } = redactingPrinters(io, env);
  // Loaded on demand so that --help and usage errors do not pay for the SDKs.
  const { reviewTools, planReviews } = await import("../../engine/review-tools.js");
  const stop = new AbortController();
  const abort = new AbortController();
  const options = {
    toolFiles: commandLine.positionals,
    config,
    credentials,
    compare,
    sources: sourceOptions(config, env),
    noCache: commandLine.batch.noCache,
    newRun: commandLine.batch.newRun,
    stopSignal: stop.signal,
    abortSignal: abort.signal,
    onWarning: (line: string) => stderr(`warning: ${line}\n`),
    onCall: (event: CallEvent) => {
      if (commandLine.logJson) stderr(`${formatCallEventJson(event)}\n`);
      else if (commandLine.verbose) stderr(`${formatCallEvent(event)}\n`);
    },
    onModelDownload: createDownloadDisplay(io.progressStream, stderr),
  };
  if (config.dryRun) {
    stdout(formatPlan(await planReviews(options)));
    return EXIT.ok;
  }
  const { ReviewStore } = await import("../../store/review-store.js");
  const storeFile = storePath(commandLine, io);
  const store = ReviewStore.open(storeFile);
  // The first Ctrl-C stops new calls and keeps what came back; a second aborts the calls in flight.
  const unsubscribe = io.onInterrupt?.(() => {
    if (!stop.signal.aborted) {
      stop.abort();
      stderr("\nStopping: no new calls start; waiting for the calls in flight (Ctrl-C again to abort them)…\n");
    } else abort.abort();
  });
  let result;
  try {
    result = await reviewTools({ ...options, store });
  } finally {
    unsubscribe?.();
    store.close();
  }
  const { report, files, run } = result;
  stdout(summarize(report));
  stdout(`Wrote ${files.join(", ")}\n`);
  stdout(`Run ${run.run.id} (store ${storeFile}${run.resumed ? ", resumed" : ""}): 'panelist report ${run.run.id}' renders it again\n`);
  if (run.interrupted) {
    stderr(`Interrupted. Run the same command again to finish it: only the missing reviews are asked for.\n`);
    return EXIT.interrupted;
  }
  const failures = report.tools.flatMap((tool) =>
    tool.failures
      .filter((failure) => !NOT_STARTED_KINDS.includes(failure.kind))
      // The error already starts with provider:model when it came from the provider; say it once.
      .map((failure) => `${tool.name} / ${failure.persona} / ${failure.model}: ${failure.error.replace(`${failure.model}: `, "")}`),
  );
  for (const failure of failures) stderr(`failed: ${failure}\n`);
  if (report.notStarted > 0) {
    stderr(`stopped: ${report.notStarted} ${report.notStarted === 1 ? "review was" : "reviews were"} not started, --max-cost $${config.maxCost} reached (spent $${report.costUsd ?? "?"})\n`);
  }
  return failures.length > 0 || report.notStarted > 0 || report.skipped.length > 0 ? EXIT.someFailed : EXIT.ok;
}

/** One line per tool, the pick, then the run's totals. */
function summarize(report: Report): string {
  const lines = report.tools.map((tool) => {
    const pct = tool.panel.shipPct === null ? "no verdicts" : `${tool.panel.shipPct}% ship`;
    const failed = tool.panel.failed > 0 ? `, ${tool.panel.failed} failed` : "";
    return `${tool.name}: ${pct} (${tool.panel.split}${failed})`;
  });
  if (report.pick) lines.push(`Pick: ${report.pick.name} — ${report.pick.reason}`);
  else if (report.noPick) lines.push(`Pick: none — ${report.noPick.reason}`);
  const reviews = report.tools.reduce((sum, tool) => sum + tool.reviews.length, 0);
  const failed = report.tools.reduce((sum, tool) => sum + tool.failures.length, 0) - report.notStarted;
  const cost = report.costUsd === null ? "cost unknown" : `$${report.costUsd.toFixed(4)}`;
  lines.push(
    `Reviews: ${reviews} done, ${failed} failed, ${report.notStarted} not started, ${count(report.skipped.length, "tool")} skipped · ${count(report.usage.calls, "call")} · ` +
      `${report.usage.inputTokens} input tokens (${report.usage.cachedInputTokens} cached${report.usage.cachedShare ? `, ${(report.usage.cachedShare * 100).toFixed(1)}%` : ""}), ${report.usage.outputTokens} output · ${cost}`,
  );
  return `${lines.join("\n")}\n`;
}

/** `--replay report.json`: re-renders recorded reviews in the chosen formats, with no calls and no keys. */
async function replay(commandLine: CommandLine, io: CliIO): Promise<number> {
  const file = commandLine.replay!;
  if (commandLine.positionals.length > 0) {
    throw new ConfigError("--replay", `re-renders the reviews recorded in ${file} alone; ${commandLine.positionals[0]} would be ignored (review it in a run of its own)`);
  }
  const { readFile } = await import("node:fs/promises");
  const { reportSchema } = await import("../../report/report-schema.js");
  const { writeReportFiles } = await import("../../report/write-report-files.js");
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new InputError({ file, field: "--replay" }, `cannot read a report: ${(error as Error).message}`);
  }
  const parsed = reportSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError({ file, field: issue.path.join(".") || "report" }, zodIssueText(issue));
  }
  const settings = runConfigSchema.pick({ out: true, formats: true }).safeParse({
    ...(commandLine.flags.out === undefined ? {} : { out: commandLine.flags.out }),
    ...(commandLine.flags.formats === undefined ? {} : { formats: commandLine.flags.formats }),
  });
  if (!settings.success) throw new ConfigError(settings.error.issues[0]!.path[0] === "out" ? "--out" : "--format", zodIssueText(settings.error.issues[0]!));
  const files = writeReportFiles(parsed.data, settings.data.out, settings.data.formats);
  io.stdout(`Replayed ${file} (${count(parsed.data.tools.reduce((sum, tool) => sum + tool.reviews.length, 0), "recorded review")}, no calls). Wrote ${files.join(", ")}\n`);
  return EXIT.ok;
}
