import type { JobOutcome } from "../pipeline/job-outcome.js";
import type { ReviewJob } from "../pipeline/run-review-job.js";
import type { ReviewStore, StoredTool } from "../store/review-store.js";
import type { OpenedRun } from "./open-run.js";

/**
 * What a command writes besides the store, fed by the engine as the run goes: `review` and
 * `compare` write the report files at the end; `batch` writes results.jsonl as reviews are stored,
 * a page per tool as its panel completes, and the index at the end. Every file is rendered from
 * what the store holds.
 */
export interface RunOutputs {
  /**
   * Checks the output paths can be written; throws a ConfigError naming the flag if not. Called
   * before anything is loaded, downloaded or called.
   */
  check(): void;
  /** The run is open; what the store already holds for it is there to write. */
  begin(opened: OpenedRun, store: ReviewStore): Promise<void>;
  /** An outcome is committed to the store. */
  stored?(job: ReviewJob, outcome: JobOutcome): void;
  /** Every planned job of this tool is reviewed or failed (never called for a tool left unfinished). */
  toolDone?(tool: StoredTool): void;
  /** The jobs are over (finished or stopped): writes what remains and returns every path written. */
  finish(store: ReviewStore, runId: string): Promise<string[]>;
}
