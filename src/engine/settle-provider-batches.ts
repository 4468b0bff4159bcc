import { setTimeout as delay } from "node:timers/promises";
import { ProviderError } from "../errors/provider-error.js";
import type { BatchApi, BatchItem, BatchItemResult } from "../providers/batch-api.js";
import type { GenerateResult } from "../providers/provider.js";
import type { ProviderBatchStore, StoredBatchResult } from "../store/provider-batch-store.js";

/** What {@link settleProviderBatches} works with. */
export interface ProviderBatchOptions {
  runId: string;
  batches: ProviderBatchStore;
  /** One batch endpoint per model of the run. */
  apis: readonly BatchApi[];
  /** The first ask of every review the run still needs, per model label, built lazily. */
  requests: (model: string) => Iterable<BatchItem>;
  /** Leaves out requests answered before (the response cache), when it applies. */
  alreadyAnswered?: (customId: string) => boolean;
  /** Keep polling until every batch has ended; otherwise check once and return. */
  wait: boolean;
  /** First wait between status checks in milliseconds; later waits grow ×1.5 up to {@link MAX_POLL_MS}. */
  pollMs: number;
  /** Stops waiting (Ctrl-C). */
  signal?: AbortSignal;
  /** One line per event worth telling: a batch submitted, its progress, collected, failed. */
  onStatus?: (line: string) => void;
}

/** How the batches of a run stand when {@link settleProviderBatches} returns. */
export interface ProviderBatchOutcome {
  /** Every batch has ended and its results are stored: the run can finish. */
  ready: boolean;
  /** Batches submitted by this call. */
  submitted: number;
  /** Batches still running at the provider. */
  pending: { id: string; model: string; requests: number; providerStatus: string | null }[];
}

/** The longest wait between two status checks: batches take minutes to hours. */
export const MAX_POLL_MS = 10 * 60 * 1000;

/**
 * Brings a run's provider batches forward: submits every request not yet in a batch (split at
 * each vendor's request and byte limits, one model per batch), then checks the open batches and
 * downloads the results of those that ended into the store. Each batch id is stored the moment the
 * provider accepts it, so a run killed at any point resubmits nothing; results are stored before a
 * batch is marked collected, so a kill mid-download only repeats the download.
 */
export async function settleProviderBatches(options: ProviderBatchOptions): Promise<ProviderBatchOutcome> {
  const { runId, batches } = options;
  const tell = options.onStatus ?? (() => {});
  let submitted = 0;
  for (const api of options.apis) submitted += await submitMissing(api, options, tell);

  let interval = options.pollMs;
  for (;;) {
    for (const batch of batches.batchesOf(runId).filter((record) => record.state === "submitted")) {
      const api = options.apis.find((candidate) => candidate.label === batch.model);
      if (!api) continue;
      await checkAndCollect(api, batch.id, options, tell);
    }
    const open = batches.batchesOf(runId).filter((record) => record.state === "submitted");
    if (open.length === 0) return { ready: true, submitted, pending: [] };
    if (!options.wait || options.signal?.aborted) {
      return { ready: false, submitted, pending: open.map((record) => ({ id: record.id, model: record.model, requests: record.requestCount, providerStatus: record.providerStatus })) };
    }
    try {
      await delay(interval, undefined, options.signal ? { signal: options.signal } : {});
    } catch {
      // Aborted: the next pass reports what is still open.
    }
    interval = Math.min(MAX_POLL_MS, Math.round(interval * 1.5));
  }
}

async function submitMissing(api: BatchApi, options: ProviderBatchOptions, tell: (line: string) => void): Promise<number> {
  const known = options.batches.batchedRequestIds(options.runId, api.label);
  let chunk: BatchItem[] = [];
  let bytes = 0;
  let count = 0;
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    const batch = await api.submit(chunk, options.runId);
    options.batches.saveBatch({ id: batch.id, runId: options.runId, model: api.label, ...(batch.inputFileId ? { inputFileId: batch.inputFileId } : {}) }, chunk.map((item) => item.customId));
    tell(`Submitted batch ${batch.id} to ${api.label}: ${chunk.length} requests (${formatBytes(bytes)})`);
    count += 1;
    chunk = [];
    bytes = 0;
  };
  for (const item of options.requests(api.label)) {
    // Identical requests (the same tool twice) share one batch line and one answer.
    if (known.has(item.customId) || options.alreadyAnswered?.(item.customId)) continue;
    known.add(item.customId);
    const size = api.sizeOf(item);
    if (chunk.length > 0 && (chunk.length >= api.limits.maxRequests || bytes + size > api.limits.maxBytes)) await flush();
    chunk.push(item);
    bytes += size;
  }
  await flush();
  return count;
}

async function checkAndCollect(api: BatchApi, batchId: string, options: ProviderBatchOptions, tell: (line: string) => void): Promise<void> {
  const { batches, runId } = options;
  let state;
  try {
    state = await api.status(batchId);
  } catch (error) {
    if (error instanceof ProviderError && error.status === 404) {
      batches.markFailed(batchId);
      tell(`Batch ${batchId} is unknown to ${api.label} (404): its requests will be made as ordinary calls`);
      return;
    }
    if (error instanceof ProviderError && error.retryable) {
      tell(`Batch ${batchId}: status check failed (${error.message}); will try again`);
      return;
    }
    throw error;
  }
  batches.noteStatus(batchId, state);
  if (state.phase === "running") {
    tell(`Batch ${batchId} (${api.label}): ${state.providerStatus}, ${state.succeeded + state.errored} of ${state.total} done`);
    return;
  }
  if (state.phase === "failed") {
    batches.markFailed(batchId);
    tell(`Batch ${batchId} failed at ${api.label}: ${state.error ?? "no reason given"}; its requests will be made as ordinary calls`);
    return;
  }
  let answered = 0;
  let errored = 0;
  try {
    let page: { customId: string; result: StoredBatchResult }[] = [];
    for await (const item of api.results(batchId)) {
      page.push({ customId: item.customId, result: toStored(item) });
      if (item.result.ok) answered += 1;
      else errored += 1;
      // Stored in pages, so a 50,000-request batch is never held in memory whole.
      if (page.length >= 1000) {
        batches.saveResults(runId, api.label, batchId, page);
        page = [];
      }
    }
    batches.saveResults(runId, api.label, batchId, page);
  } catch (error) {
    if (error instanceof ProviderError && error.retryable) {
      tell(`Batch ${batchId}: download failed (${error.message}); will try again`);
      return;
    }
    throw error;
  }
  batches.markCollected(batchId);
  tell(`Collected batch ${batchId} (${api.label}, ${state.providerStatus}): ${answered} answers, ${errored} errors`);
}

function toStored(item: BatchItemResult): StoredBatchResult {
  const result: GenerateResult = item.result;
  if (result.ok) return { ok: true, text: result.text, usage: result.usage, finishReason: result.finishReason, responseModel: result.responseModel };
  const { error } = result;
  // The stored message leaves out the provider:model prefix the error adds again when rebuilt.
  const message = error.message.startsWith(`${error.provider}:${error.model}: `) ? error.message.slice(error.provider.length + error.model.length + 3) : error.message;
  return { ok: false, kind: error.kind, message, retryable: error.retryable, ...(error.status === undefined ? {} : { status: error.status }) };
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
