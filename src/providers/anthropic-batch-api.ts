import Anthropic from "@anthropic-ai/sdk";
import { ProviderError } from "../errors/provider-error.js";
import { buildMessageParams, readMessage } from "./anthropic-message-format.js";
import type { BatchApi, BatchItem, BatchLimits } from "./batch-api.js";
import { toProviderError } from "./sdk-error.js";
import { createHttpFetch } from "./http-fetch.js";

/** Anthropic's published limits: 100,000 requests or 256 MB per batch, whichever comes first. */
export const ANTHROPIC_BATCH_LIMITS: BatchLimits = { maxRequests: 100_000, maxBytes: 256 * 1024 * 1024 };

/** Settings of Anthropic's Message Batches API for one model. */
export interface AnthropicBatchApiOptions {
  model: string;
  apiKey: string;
  /** Base URL without `/v1`. */
  baseURL: string;
  /** Timeout of each API call in milliseconds. */
  timeoutMs: number;
  /** Overrides the vendor limits (tests use small ones to see a run split). */
  limits?: BatchLimits;
}

/** Error types worth asking again as an ordinary call. */
const RETRYABLE_ERROR_TYPES = new Set(["api_error", "overloaded_error", "rate_limit_error", "timeout_error"]);

/** Anthropic's Message Batches API (`/v1/messages/batches`) over the official SDK. */
export function createAnthropicBatchApi(options: AnthropicBatchApiOptions): BatchApi {
  const client = new Anthropic({ apiKey: options.apiKey, baseURL: options.baseURL, timeout: options.timeoutMs, maxRetries: 2, logLevel: "off", fetch: createHttpFetch() });
  const context = { provider: "anthropic", model: options.model, secrets: [options.apiKey] };
  const entry = (item: BatchItem) => ({ custom_id: item.customId, params: buildMessageParams(options.model, item.request) });
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw toProviderError(error, Anthropic, context);
    }
  };

  return {
    label: `anthropic:${options.model}`,
    limits: options.limits ?? ANTHROPIC_BATCH_LIMITS,
    sizeOf: (item) => Buffer.byteLength(JSON.stringify(entry(item))) + 1,
    async submit(items) {
      const batch = await call(() => client.messages.batches.create({ requests: items.map(entry) }));
      return { id: batch.id };
    },
    async status(batchId) {
      const batch = await call(() => client.messages.batches.retrieve(batchId));
      const counts = batch.request_counts;
      const errored = counts.errored + counts.expired + counts.canceled;
      return {
        phase: batch.processing_status === "ended" ? "ended" : "running",
        providerStatus: batch.processing_status,
        total: counts.processing + counts.succeeded + errored,
        succeeded: counts.succeeded,
        errored,
      };
    },
    async *results(batchId) {
      const stream = await call(() => client.messages.batches.results(batchId));
      for await (const { custom_id: customId, result } of stream) {
        if (result.type === "succeeded") {
          yield { customId, result: readMessage(result.message, context, 0) };
        } else if (result.type === "errored") {
          const { type, message } = result.error.error;
          const error = new ProviderError(`${type} in batch: ${message}`, { ...context, kind: "http", retryable: RETRYABLE_ERROR_TYPES.has(type) });
          yield { customId, result: { ok: false, latencyMs: 0, error } };
        } else {
          const error = new ProviderError(`not answered by the batch (${result.type})`, { ...context, kind: "batch", retryable: true });
          yield { customId, result: { ok: false, latencyMs: 0, error } };
        }
      }
    },
  };
}
