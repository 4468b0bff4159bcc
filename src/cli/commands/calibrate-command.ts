import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { ConfigError } from "../../errors/config-error.js";
import { InputError } from "../../errors/input-error.js";
import { zodIssueText } from "../../errors/zod-issue-text.js";
import { secretValues } from "../../providers/redact-secrets.js";
import { reportSchema, type Report } from "../../report/report-schema.js";
import type { LabelSource } from "../../calibration/calibrate.js";
import type { Label } from "../../calibration/load-labels.js";
import type { ReviewStore } from "../../store/review-store.js";
import { EXIT, readDotenv, type CliIO } from "../cli-io.js";
import type { CommandLine } from "../parse-command-line.js";
import { storePath } from "../store-path.js";

/**
 * `panelist calibrate --labels <file|community|store> [report.json | --store db --run id] [--out dir]`:
 * how far a run's panel agrees with human verdicts (a label file, launch-day votes, or the
 * editors' own verdicts kept in the store). Writes calibration.json, .md and .html and
 * prints the summary.
 */
export async function runCalibrateCommand(commandLine: CommandLine, io: CliIO): Promise<number> {
  const { labels: labelsOption, minVotes: minVotesText, run: runOption } = commandLine.batch;
  if (labelsOption === undefined) throw new ConfigError("--labels", "is required: a label file (.jsonl or .csv rows of tool, verdict), or community for the launch-day votes");
  const minVotes = minVotesText === undefined ? 10 : Number(minVotesText);
  if (!Number.isInteger(minVotes) || minVotes < 1) throw new ConfigError("--min-votes", `must be a whole number from 1 and up, got "${minVotesText}"`);
  const [reportFile] = commandLine.positionals;
  const { calibrate } = await import("../../calibration/calibrate.js");
  const { loadLabels } = await import("../../calibration/load-labels.js");
  // The labels first: a bad label file is refused before anything else is read.
  const source: LabelSource =
    labelsOption === "community" ? { kind: "community", minVotes } : labelsOption === "store" ? { kind: "store", store: storePath(commandLine, io) } : { kind: "file", file: labelsOption };
  let labels = source.kind === "file" ? await loadLabels(source.file) : [];
  let report: Report;
  let runId: string | undefined;
  let defaultOut: string;
  const { ReviewStore } = await import("../../store/review-store.js");
  if (reportFile !== undefined) {
    // Paths as given, as for tool files; only the defaults are placed in the current folder.
    report = await readReport(reportFile, reportFile);
    defaultOut = dirname(resolve(reportFile));
    if (source.kind === "store") {
      const store = ReviewStore.open(source.store, { create: false });
      try {
        labels = storeLabels(store, source.store);
      } finally {
        store.close();
      }
    }
  } else {
    const { buildRunReport } = await import("../../engine/run-report.js");
    const path = storePath(commandLine, io);
    const store = ReviewStore.open(path, { create: false });
    try {
      // The store the run comes from holds the editors' verdicts too: one open for both.
      if (source.kind === "store") labels = storeLabels(store, path);
      runId = runOption ?? store.listRuns()[0]?.id;
      if (!runId) throw new ConfigError("--run", `no runs in ${path}`);
      const built = buildRunReport(store, runId);
      if (!built) throw new ConfigError("--run", `no run "${runId}" in ${path}; 'panelist runs' lists them`);
      report = built.report;
    } finally {
      store.close();
    }
    defaultOut = resolve(io.cwd, "panelist-out");
  }
  const out = typeof commandLine.flags.out === "string" ? commandLine.flags.out : defaultOut;
  const { checkOutputFolder, createOutputFolder } = await import("../../engine/check-output-folder.js");
  checkOutputFolder(out);
  const calibration = calibrate(report, source, labels, runId ? { runId } : {});
  createOutputFolder(out);
  const { writeCalibrationFiles } = await import("../../calibration/write-calibration.js");
  const files = writeCalibrationFiles(calibration, out, secretValues({ ...readDotenv(io.cwd), ...io.env }));
  const { formatCalibrationSummary } = await import("../../calibration/calibration-summary.js");
  io.stdout(formatCalibrationSummary(calibration));
  io.stdout(`Wrote ${files.join(", ")}\n`);
  if (calibration.labels.matched === 0) {
    io.stderr("warning: no label matched a reviewed tool: nothing to calibrate against (see Left out in calibration.md)\n");
    return EXIT.someFailed;
  }
  return EXIT.ok;
}

async function readReport(path: string, shown: string): Promise<Report> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new InputError({ file: shown }, `cannot read a report: ${(error as Error).message.split("\n")[0]}`);
  }
  const parsed = reportSchema.safeParse(data);
  if (!parsed.success) throw new InputError({ file: shown, field: parsed.error.issues[0]!.path.join(".") || "report" }, zodIssueText(parsed.error.issues[0]!));
  return parsed.data;
}

/**
 * The editors' current verdicts from the store, as labels: each names its tool as the editor saw
 * it, so a verdict given in one run counts for the same tool reviewed in another.
 */
function storeLabels(store: ReviewStore, path: string): Label[] {
  return store.labels.all().map((label) => ({
    tool: label.name,
    verdict: label.verdict,
    labeller: label.editor,
    ...(label.note === "" ? {} : { note: label.note }),
    source: { file: `${path} (run ${label.runId}, ${label.editor})` },
  }));
}
