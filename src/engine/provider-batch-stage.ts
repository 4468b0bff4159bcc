import type { RunConfig } from "../config/run-config.js";
import type { JobContext, ReviewJob } from "../pipeline/run-review-job.js";
import { buildGenerateRequest } from "../pipeline/run-review-job.js";
import type { RunParts } from "../pipeline/run-parts.js";
import { requestHash } from "../pipeline/request-hash.js";
import type { BatchApi, BatchItem, BatchLimits } from "../providers/batch-api.js";
import { createBatchApi } from "../providers/create-batch-api.js";
import type { Credentials } from "../providers/credentials.js";
import { providerLabel } from "../providers/provider.js";
import type { ReviewStore } from "../store/review-store.js";
import { settleProviderBatches, type ProviderBatchOutcome } from "./settle-provider-batches.js";

/**
 * The batch endpoint of every model of a run (`--via batch-api`). Built before the run is opened,
 * so a model without a batch API is refused before anything is stored.
 */
export function createBatchApis(parts: RunParts, config: RunConfig, credentials: Credentials, limits?: BatchLimits): Promise<BatchApi[]> {
  return Promise.all(
    parts.providers.map((provider) =>
      createBatchApi(
        { provider: provider.id, model: provider.model },
        { credentials, timeoutMs: config.timeoutSeconds * 1000, ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}), ...(limits ? { limits } : {}) },
      ),
    ),
  );
}

/** What {@link settleRunBatches} needs from the run. */
export interface RunBatchesInput {
  runId: string;
  apis: readonly BatchApi[];
  /** The run's planner: the jobs it still lacks, the same ones the scheduler will run. */
  jobs: () => Iterable<ReviewJob>;
  context: JobContext;
  store: ReviewStore;
  config: RunConfig;
  /** Whether answers in the response store count as answered. */
  useCache: boolean;
  wait: boolean;
  signal?: AbortSignal;
  onStatus?: (line: string) => void;
}

/**
 * Sends the first ask of every job the run still lacks to the providers' batch APIs, or picks up
 * the batches an earlier session sent, and collects the results of those that ended. The jobs
 * come from the run's own planner and their requests are built as the job runner builds them, so
 * the answers are found again by request hash when the scheduler runs the jobs.
 */
export function settleRunBatches(input: RunBatchesInput): Promise<ProviderBatchOutcome> {
  const { context, store } = input;
  function* firstRequests(model: string): Generator<BatchItem> {
    for (const job of input.jobs()) {
      if (providerLabel(job.provider) !== model) continue;
      const request = buildGenerateRequest(job, context, context.modes.modeFor(job.provider));
      yield { customId: requestHash(job.provider, request), request };
    }
  }
  return settleProviderBatches({
    runId: input.runId,
    batches: store.batches,
    apis: input.apis,
    requests: firstRequests,
    ...(input.useCache ? { alreadyAnswered: (customId: string) => store.responses.getResponse(customId) !== undefined } : {}),
    wait: input.wait,
    pollMs: input.config.pollSeconds * 1000,
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.onStatus ? { onStatus: input.onStatus } : {}),
  });
}
