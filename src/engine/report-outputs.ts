import { join } from "node:path";
import type { RunConfig } from "../config/run-config.js";
import type { Report } from "../report/report-schema.js";
import { writeReportFiles } from "../report/write-report-files.js";
import { writeTextFile } from "../report/write-text-file.js";
import { panelStats } from "../stats/panel-stats.js";
import { renderStatsMarkdown, statsReviewsFromReport } from "../stats/render-stats.js";
import type { ReviewStore } from "../store/review-store.js";
import { checkOutputFolder, createOutputFolder } from "./check-output-folder.js";
import type { RunOutputs } from "./run-outputs.js";
import { buildRunReport } from "./run-report.js";

/** The files of `review` and `compare`, and the report they were rendered from. */
export interface ReportOutputs extends RunOutputs {
  /** The report as last written (set by {@link RunOutputs.finish}). */
  readonly report: Report | undefined;
}

/**
 * report.<format> for each format in `config.out`, rendered from the store when the run ends; a
 * study (several models or samples) also gets stats.json and a statistics section in report.md.
 */
export function reportOutputs(config: Pick<RunConfig, "out" | "formats">, options: { secrets: readonly string[]; onWarning?: (line: string) => void }): ReportOutputs {
  let report: Report | undefined;
  return {
    get report() {
      return report;
    },
    check: () => checkOutputFolder(config.out),
    begin: async () => {},
    finish: async (store: ReviewStore, runId: string) => {
      const written = writeRunReport(store, runId, config, options);
      report = written.report;
      return written.files;
    },
  };
}

/** Renders a run's report files from the store into `config.out`; the library form of `panelist report`. */
export function writeRunReport(
  store: ReviewStore,
  runId: string,
  config: Pick<RunConfig, "out" | "formats">,
  options: { secrets: readonly string[]; onWarning?: (line: string) => void },
): { report: Report; files: string[] } {
  const built = buildRunReport(store, runId);
  if (!built) throw new Error(`no run ${runId} in the store`);
  const { report, plan } = built;
  if (report.swap?.positionDependent) {
    options.onWarning?.(`position-dependent pick: ${report.pick?.name ?? "none"} in the given order, ${report.swap.pick ?? "none"} with the tools swapped`);
  }
  const study = report.models.length > 1 || plan.samples > 1;
  const stats = study ? panelStats(statsReviewsFromReport(report), { positionDependent: report.swap?.positionDependent ?? false }) : undefined;
  for (const warning of stats?.warnings ?? []) options.onWarning?.(`bias check (${warning.kind}): ${warning.message}`);
  checkOutputFolder(config.out);
  createOutputFolder(config.out);
  const appendix = stats ? renderStatsMarkdown(stats) : undefined;
  const files = writeReportFiles(report, config.out, config.formats, { secrets: options.secrets, ...(appendix ? { markdownAppendix: appendix } : {}) });
  if (stats) {
    const path = join(config.out, "stats.json");
    writeTextFile(path, `${JSON.stringify(stats, null, 2)}\n`, options.secrets);
    files.push(path);
  }
  return { report, files };
}
