import { join } from "node:path";
import type { RunConfig } from "../config/run-config.js";
import type { ReviewStore, RunRecord } from "../store/review-store.js";

/**
 * A stored run's files rendered again from the store, with no calls: tool pages, the index and
 * results.jsonl for a batch, the report files for a review or comparison. Returns what was written,
 * as the commands print it.
 */
export async function renderStoredRun(
  store: ReviewStore,
  run: RunRecord,
  outputs: Pick<RunConfig, "out" | "formats">,
  secrets: readonly string[],
  onWarning: (line: string) => void,
): Promise<string[]> {
  if (run.command === "batch") {
    const { rewriteBatchFiles } = await import("../batch/rewrite-batch-files.js");
    const written = await rewriteBatchFiles(store, run, outputs, secrets);
    return [...written.files, `${written.toolReports} tool pages in ${join(outputs.out, "tools")}`];
  }
  const { writeRunReport } = await import("../engine/report-outputs.js");
  return writeRunReport(store, run.id, outputs, { secrets, onWarning }).files;
}
