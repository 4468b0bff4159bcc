import OpenAI from "openai";
import { buildChatParams, readChatCompletion } from "./openai-chat-format.js";
import type { GenerateRequest, GenerateResult, Provider } from "./provider.js";
import { readRateLimitHeaders } from "./rate-limit-headers.js";
import { toProviderError } from "./sdk-error.js";
import { createHttpFetch } from "./http-fetch.js";

/** Settings of an OpenAI-compatible endpoint. */
export interface OpenAIProviderOptions {
  /** Provider id shown in reports, e.g. `openai`, `ollama`, `openrouter`. */
  id: string;
  /** Model id sent to the API. */
  model: string;
  /** API key; servers that need none still get a placeholder, since the SDK insists on one. */
  apiKey: string;
  /** Base URL ending in `/v1` (or the host's equivalent). */
  baseURL: string;
  /** Per-call timeout in milliseconds. */
  timeoutMs: number;
  /**
   * Which token-limit parameter the host understands: OpenAI's own API wants
   * `max_completion_tokens` (reasoning models reject `max_tokens`); most compatible servers only
   * know `max_tokens`.
   */
  maxTokensParameter: "max_tokens" | "max_completion_tokens";
  /** Extra headers some hosts ask for (e.g. OpenRouter's attribution headers). */
  headers?: Record<string, string>;
}

/** Creates a provider over the official `openai` SDK's Chat Completions API. */
export function createOpenAIProvider(options: OpenAIProviderOptions): Provider {
  const client = new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs,
    // Retries are owned by Panelist's retry loop, so they are counted and logged in one place.
    maxRetries: 0,
    // Panelist prints its own one line per call; the SDK's logger would only format debug lines.
    logLevel: "off",
    // Node's http client under the SDK: less CPU and latency per call than the global fetch (http-fetch.ts).
    fetch: createHttpFetch(),
    ...(options.headers ? { defaultHeaders: options.headers } : {}),
  });
  const context = { provider: options.id, model: options.model, secrets: [options.apiKey] };

  return {
    id: options.id,
    model: options.model,
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const started = performance.now();
      const elapsed = (): number => Math.round(performance.now() - started);
      try {
        const { data: completion, response } = await client.chat.completions
          .create(buildChatParams(options, request), { ...(request.signal ? { signal: request.signal } : {}) })
          .withResponse();
        const rateLimit = readRateLimitHeaders(response.headers);
        const result = readChatCompletion(completion, context, elapsed());
        return result.ok && rateLimit ? { ...result, rateLimit } : result;
      } catch (error) {
        return { ok: false, error: toProviderError(error, OpenAI, context), latencyMs: elapsed() };
      }
    },
  };
}
