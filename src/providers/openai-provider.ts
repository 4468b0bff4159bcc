import OpenAI from "openai";
import { buildChatParams, readChatCompletion } from "./openai-chat-format.js";
import { collectChatStream } from "./openai-chat-stream.js";
import { withRateLimit, type GenerateRequest, type GenerateResult, type Provider } from "./provider.js";
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
  // Cleared by a compatible server that refuses a streamed call: its probes are then asked whole.
  let streamsProbes = true;

  return {
    id: options.id,
    model: options.model,
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const started = performance.now();
      const elapsed = (): number => Math.round(performance.now() - started);
      const params = buildChatParams(options, request);
      const callOptions = request.signal ? { signal: request.signal } : {};
      try {
        if (request.onAccepted && streamsProbes) {
          try {
            // The limiter's probe: streamed, so its rate-limit headers arrive before its first token.
            const { data: chunks, response } = await client.chat.completions
              .create({ ...params, stream: true, stream_options: { include_usage: true } }, callOptions)
              .withResponse();
            const rateLimit = readRateLimitHeaders(response.headers);
            request.onAccepted(rateLimit);
            return withRateLimit(readChatCompletion(await collectChatStream(chunks), context, elapsed()), rateLimit);
          } catch (error) {
            // A compatible server that takes no streams or no stream_options says so with a 400
            // naming them: ask it whole, now and from then on (a 400 costs nothing). Any other
            // 400 is the request's own, and asking again would only repeat it.
            if (!(error instanceof OpenAI.APIError && error.status === 400 && /stream/i.test(error.message))) throw error;
            streamsProbes = false;
          }
        }
        const { data: completion, response } = await client.chat.completions.create(params, callOptions).withResponse();
        return withRateLimit(readChatCompletion(completion, context, elapsed()), readRateLimitHeaders(response.headers));
      } catch (error) {
        return { ok: false, error: toProviderError(error, OpenAI, context), latencyMs: elapsed() };
      }
    },
  };
}
