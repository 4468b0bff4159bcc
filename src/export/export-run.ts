import type { ExportRow, ReviewStore } from "../store/review-store.js";
import { csvHeader, csvLine } from "../report/to-csv.js";

/** Export formats. */
export const EXPORT_FORMATS = ["jsonl", "csv"] as const;
/** One export format. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The columns of an export, in order. */
export const EXPORT_COLUMNS: readonly (keyof ExportRow)[] = [
  "runId", "tool", "identity", "category", "pricing", "url", "persona", "model", "sample", "verdict", "confidence", "quote", "rationale",
  "strengths", "risks", "pricingRead", "inputTokens", "cachedInputTokens", "outputTokens", "costUsd", "latencyMs", "attempts", "fromCache", "source", "createdAt",
];

/** Writes a run's reviews flat, one line per review, streaming from the store. Returns the row count. */
export async function exportRun(store: ReviewStore, runId: string, format: ExportFormat, write: (chunk: string) => void | Promise<void>): Promise<number> {
  let count = 0;
  if (format === "csv") await write(csvHeader(EXPORT_COLUMNS));
  for (const row of store.exportRows(runId)) {
    await write(format === "csv" ? csvLine(row, EXPORT_COLUMNS) : `${JSON.stringify(row)}\n`);
    count += 1;
  }
  return count;
}
