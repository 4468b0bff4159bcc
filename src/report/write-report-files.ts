import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Report } from "./report-schema.js";
import { renderMarkdown } from "./render-markdown.js";

/** The report formats Panelist writes. */
export const REPORT_FORMATS = ["md", "json"] as const;

/** One report format. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const RENDERERS: Record<ReportFormat, (report: Report) => string> = {
  md: renderMarkdown,
  json: (report) => `${JSON.stringify(report, null, 2)}\n`,
};

/**
 * Writes `report.<format>` for each format into `directory` (created if missing) and returns the
 * paths. Each file is written to a temporary name and renamed, so a reader never sees half a report.
 */
export async function writeReportFiles(report: Report, directory: string, formats: readonly ReportFormat[], baseName = "report"): Promise<string[]> {
  await mkdir(directory, { recursive: true });
  const paths: string[] = [];
  for (const format of formats) {
    const path = join(directory, `${baseName}.${format}`);
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, RENDERERS[format](report), "utf8");
    await rename(temporary, path);
    paths.push(path);
  }
  return paths;
}
