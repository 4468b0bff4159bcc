import type { RunConfig } from "../config/run-config.js";
import type { JobContext } from "../pipeline/run-review-job.js";
import { buildGenerateRequest } from "../pipeline/run-review-job.js";
import type { RunParts } from "../pipeline/run-parts.js";
import { requestHash } from "../pipeline/with-response-cache.js";
import { buildReviewPrompt } from "../prompts/build-review-prompt.js";
import type { BatchApi, BatchItem, BatchLimits } from "../providers/batch-api.js";
import { createBatchApi } from "../providers/create-batch-api.js";
import { resolveCredentials } from "../providers/credentials.js";
import { providerLabel } from "../providers/provider.js";
import type { Review } from "../report/report-schema.js";
import { reviewKey, type ReviewStore, type StoredTool } from "../store/review-store.js";
import { settleProviderBatches, type ProviderBatchOutcome } from "./provider-batches.js";

/**
 * The batch endpoint of every model of a run (`--via batch-api`). Built before the run is opened,
 * so a model without a batch API is refused before anything is stored.
 */
export function createBatchApis(parts: RunParts, config: RunConfig, env: Readonly<Record<string, string | undefined>>, limits?: BatchLimits): Promise<BatchApi[]> {
  return Promise.all(
    parts.providers.map((provider) =>
      createBatchApi(
        { provider: provider.id, model: provider.model },
        { credentials: resolveCredentials(env), timeoutMs: config.timeoutSeconds * 1000, ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}), ...(limits ? { limits } : {}) },
      ),
    ),
  );
}

/** What {@link settleRunBatches} needs from the batch run. */
export interface RunBatchesInput {
  runId: string;
  apis: readonly BatchApi[];
  tools: readonly StoredTool[];
  parts: RunParts;
  config: RunConfig;
  context: JobContext;
  store: ReviewStore;
  /** Reviews the run already has, keyed by {@link reviewKey}. */
  stored: ReadonlyMap<string, Review>;
  /** Whether answers in the response cache count as answered. */
  useCache: boolean;
  wait: boolean;
  signal?: AbortSignal;
  onStatus?: (line: string) => void;
}

/**
 * Sends the first ask of every review the run still lacks to the providers' batch APIs, or picks
 * up the batches an earlier session sent, and collects the results of those that ended. The
 * requests are built exactly as the direct pipeline builds them, so the answers are found again
 * by request hash when the run's reviews are made.
 */
export function settleRunBatches(input: RunBatchesInput): Promise<ProviderBatchOutcome> {
  const { parts, config, context, store } = input;
  function* firstRequests(model: string): Generator<BatchItem> {
    const provider = parts.providers.find((candidate) => providerLabel(candidate) === model)!;
    const mode = context.modes.modeFor(provider);
    for (const entry of input.tools) {
      for (const persona of parts.personas) {
        if (input.stored.has(reviewKey(entry.toolId, persona.id, model))) continue;
        const prompt = buildReviewPrompt(parts.templates, entry.tool, persona, parts.personas, config.spotlight);
        const request = buildGenerateRequest({ tool: entry.tool, persona, provider, prompt }, context, mode);
        yield { customId: requestHash(provider, request), request };
      }
    }
  }
  return settleProviderBatches({
    runId: input.runId,
    batches: store.batches,
    apis: input.apis,
    requests: firstRequests,
    ...(input.useCache ? { alreadyAnswered: (customId: string) => store.getResponse(customId) !== undefined } : {}),
    wait: input.wait,
    pollMs: config.pollSeconds * 1000,
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.onStatus ? { onStatus: input.onStatus } : {}),
  });
}
