import OpenAI, { toFile } from "openai";
import type { ChatCompletion } from "openai/resources/chat/completions";
import { ProviderError } from "../errors/provider-error.js";
import type { BatchApi, BatchItem, BatchItemResult, BatchLimits, BatchState } from "./batch-api.js";
import { buildChatParams, type ChatParamSettings } from "./openai-chat-format.js";
import { readChatCompletion } from "./openai-chat-format.js";
import { isRetryableStatus } from "./retry-after.js";
import { toProviderError } from "./sdk-error.js";
import { createHttpFetch } from "./http-fetch.js";

/** OpenAI's published limits: 50,000 requests and a 200 MB input file per batch. */
export const OPENAI_BATCH_LIMITS: BatchLimits = { maxRequests: 50_000, maxBytes: 200 * 1024 * 1024 };

/** Settings of OpenAI's Batch API for one model. */
export interface OpenAIBatchApiOptions extends ChatParamSettings {
  /** Provider id, `openai`. */
  id: string;
  apiKey: string;
  /** Base URL ending in `/v1`. */
  baseURL: string;
  /** Timeout of each API call (upload, create, status, download) in milliseconds. */
  timeoutMs: number;
  /** Overrides the vendor limits (tests use small ones to see a run split). */
  limits?: BatchLimits;
}

/** One line of a batch's output or error file. */
interface OutputLine {
  custom_id?: unknown;
  response?: { status_code?: number; body?: unknown } | null;
  error?: { code?: string; message?: string } | null;
}

/**
 * OpenAI's Batch API over the official SDK: the requests go up as a JSONL file through the Files
 * API, then `/v1/batches` runs them against `/v1/chat/completions`. Answers land in the batch's
 * output file and failed requests in its separate error file; either id is null when it has no
 * lines.
 */
export function createOpenAIBatchApi(options: OpenAIBatchApiOptions): BatchApi {
  const client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, timeout: options.timeoutMs, maxRetries: 2, logLevel: "off", fetch: createHttpFetch() });
  const context = { provider: options.id, model: options.model, secrets: [options.apiKey] };
  const line = (item: BatchItem): string =>
    JSON.stringify({ custom_id: item.customId, method: "POST", url: "/v1/chat/completions", body: buildChatParams(options, item.request) });
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw toProviderError(error, OpenAI, context);
    }
  };

  return {
    label: `${options.id}:${options.model}`,
    limits: options.limits ?? OPENAI_BATCH_LIMITS,
    sizeOf: (item) => Buffer.byteLength(line(item)) + 1,
    async submit(items, runId) {
      const body = Buffer.from(`${items.map(line).join("\n")}\n`);
      const file = await call(async () =>
        client.files.create({ file: await toFile(body, `panelist-${runId}.jsonl`, { type: "application/jsonl" }), purpose: "batch" }),
      );
      const batch = await call(() =>
        client.batches.create({
          input_file_id: file.id,
          endpoint: "/v1/chat/completions",
          completion_window: "24h",
          metadata: { panelist_run: runId },
        }),
      );
      return { id: batch.id, inputFileId: file.id };
    },
    async status(batchId) {
      const batch = await call(() => client.batches.retrieve(batchId));
      const counts = batch.request_counts ?? { completed: 0, failed: 0, total: 0 };
      const state: BatchState = {
        phase: batch.status === "failed" ? "failed" : ENDED.has(batch.status) ? "ended" : "running",
        providerStatus: batch.status,
        total: counts.total,
        succeeded: counts.completed,
        errored: counts.failed,
      };
      const reasons = (batch.errors?.data ?? []).map((error) => error.message ?? error.code).filter(Boolean);
      return batch.status === "failed" ? { ...state, error: reasons.join("; ") || "the batch failed validation" } : state;
    },
    async *results(batchId) {
      const batch = await call(() => client.batches.retrieve(batchId));
      // Answers and failures are in two files; results come back in any order in both.
      for (const fileId of [batch.output_file_id, batch.error_file_id]) {
        if (!fileId) continue;
        const response = await call(() => client.files.content(fileId));
        for await (const text of readLines(response)) {
          const result = readOutputLine(text, context);
          if (result) yield result;
        }
      }
    },
  };
}

/** Batch statuses after which the output and error files are final. */
const ENDED = new Set(["completed", "expired", "cancelled"]);

/** Reads one output or error line; undefined for a line that is not a batch result. */
function readOutputLine(text: string, context: { provider: string; model: string }): BatchItemResult | undefined {
  let parsed: OutputLine;
  try {
    parsed = JSON.parse(text) as OutputLine;
  } catch {
    return undefined;
  }
  if (typeof parsed.custom_id !== "string") return undefined;
  const customId = parsed.custom_id;
  const status = parsed.response?.status_code;
  if (status === 200 && parsed.response?.body && typeof parsed.response.body === "object") {
    return { customId, result: readChatCompletion(parsed.response.body as ChatCompletion, context, 0) };
  }
  const bodyError = (parsed.response?.body as { error?: { message?: string } } | undefined)?.error;
  if (typeof status === "number") {
    const message = `HTTP ${status} in batch: ${bodyError?.message ?? "no message"}`;
    return { customId, result: { ok: false, latencyMs: 0, error: new ProviderError(message, { ...context, kind: "http", status, retryable: isRetryableStatus(status) }) } };
  }
  // No response at all: the batch expired or was cancelled before this request ran.
  const code = parsed.error?.code ?? "no_response";
  const message = `not answered by the batch (${code})${parsed.error?.message ? `: ${parsed.error.message}` : ""}`;
  return { customId, result: { ok: false, latencyMs: 0, error: new ProviderError(message, { ...context, kind: "batch", retryable: true }) } };
}

/** The lines of a streamed text response, without holding the whole file. */
async function* readLines(response: Response): AsyncGenerator<string> {
  if (!response.body) return;
  let rest = "";
  const decoder = new TextDecoder();
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    rest += decoder.decode(chunk, { stream: true });
    let newline = rest.indexOf("\n");
    while (newline !== -1) {
      const text = rest.slice(0, newline).trim();
      if (text) yield text;
      rest = rest.slice(newline + 1);
      newline = rest.indexOf("\n");
    }
  }
  rest += decoder.decode();
  if (rest.trim()) yield rest.trim();
}
