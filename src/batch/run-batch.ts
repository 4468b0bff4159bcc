import type { RunConfig } from "../config/run-config.js";
import type { RunProgress } from "../engine/run-progress.js";
import { runReviews, type RunReviewsOptions } from "../engine/run-reviews.js";
import { credentialSecrets, type Credentials } from "../providers/credentials.js";
import type { SkippedTool } from "../report/report-schema.js";
import type { ReviewStore } from "../store/review-store.js";
import { batchOutputs } from "./batch-outputs.js";
import type { ProviderBatchOutcome } from "../engine/settle-provider-batches.js";

/** What a batch run needs. */
export interface BatchOptions extends Omit<RunReviewsOptions, "command" | "outputs" | "inputs" | "config" | "credentials" | "store" | "sinceLast"> {
  /** Tool files, folders, feed files or feed URLs. */
  inputs: readonly string[];
  config: RunConfig;
  /** API keys and base URLs, resolved once from the environment by the caller. */
  credentials: Credentials;
  store: ReviewStore;
  /** Skip tools already reviewed, with the same content, by the same personas (same files), prompts and models. */
  sinceLast: boolean;
}

/** Progress of a batch, reported after every finished review. */
export type BatchProgress = RunProgress;

/** How a batch ended. */
export interface BatchSummary {
  runId: string;
  resumed: boolean;
  /** The run stopped early (Ctrl-C); resume it with `--resume runId`. */
  interrupted: boolean;
  tools: number;
  /** Reviews stored for this run in total, from earlier sessions included. */
  reviewed: number;
  /** Of those made in this session, how many came from the response store. */
  cached: number;
  failed: number;
  /** Not started: --max-cost, or interrupted. */
  notStarted: number;
  /** Tools left out because --since-last found them reviewed already. */
  skippedSinceLast: number;
  /** Tools left out for bad input. */
  skippedBadInput: SkippedTool[];
  /** USD spent in this session. */
  costUsd: number;
  /** Output paths. */
  files: { index: string[]; results: string; toolReports: number };
  /** With `--via batch-api`: provider batches still running; the run finishes when a later run (or `--wait`) collects them. */
  pendingBatches: ProviderBatchOutcome["pending"];
}

/**
 * Reviews many tools unattended on the one engine: every review is stored as it finishes, so a
 * crash loses only the calls in flight and a resumed run does only what is missing. Writes a page
 * per tool when its panel is complete, `results.jsonl` as reviews finish, and an index.
 */
export async function runBatch(options: BatchOptions): Promise<BatchSummary> {
  const outputs = batchOutputs(options.config, credentialSecrets(options.credentials));
  const result = await runReviews({ ...options, command: "batch", outputs });
  return {
    runId: result.run.id,
    resumed: result.resumed,
    interrupted: result.interrupted,
    tools: result.tools.length,
    reviewed: result.reviewed,
    cached: result.cached,
    failed: result.failed,
    notStarted: result.notStarted,
    skippedSinceLast: result.skippedSinceLast,
    skippedBadInput: result.skippedBadInput,
    costUsd: result.costUsd,
    files: { index: [...outputs.indexFiles], results: outputs.resultsPath, toolReports: outputs.toolReports },
    pendingBatches: result.pendingBatches,
  };
}
