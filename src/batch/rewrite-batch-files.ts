import type { RunConfig } from "../config/run-config.js";
import { resultsOf } from "../engine/run-report.js";
import type { ReviewStore, RunRecord } from "../store/review-store.js";
import { batchOutputs } from "./batch-outputs.js";

/**
 * Writes a stored batch run's files again from the store (`panelist report <batch-run-id>`):
 * results.jsonl, the page of every tool whose panel is complete, and the index.
 */
export async function rewriteBatchFiles(store: ReviewStore, run: RunRecord, config: Pick<RunConfig, "out" | "formats">, secrets: readonly string[]): Promise<{ files: string[]; toolReports: number }> {
  const outputs = batchOutputs(config, secrets);
  outputs.check();
  const tools = store.tools.forRun(run.id);
  await outputs.begin({ run, tools, resumed: false, skippedBadInput: [], skippedSinceLast: 0 }, store);
  const plan = run.plan;
  const outcomes = store.runOutcomes(run.id);
  for (const entry of tools) {
    const own = outcomes.filter((outcome) => outcome.toolId === entry.toolId);
    // A tool is complete when nothing planned for it is missing.
    const complete = plan ? resultsOf([entry], own, plan, 0, true)[0]!.failures.every((failure) => failure.kind !== "stopped") : own.length > 0;
    if (complete) outputs.toolDone!(entry);
  }
  return { files: await outputs.finish(store, run.id), toolReports: outputs.toolReports };
}
