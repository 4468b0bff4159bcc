import Anthropic from "@anthropic-ai/sdk";
import { buildMessageParams, readMessage } from "./anthropic-message-format.js";
import { collectMessageStream } from "./anthropic-message-stream.js";
import { withRateLimit, type GenerateRequest, type GenerateResult, type Provider } from "./provider.js";
import { readRateLimitHeaders } from "./rate-limit-headers.js";
import { toProviderError } from "./sdk-error.js";
import { createHttpFetch } from "./http-fetch.js";

/** Settings of an Anthropic Messages API endpoint. */
export interface AnthropicProviderOptions {
  /** Model id sent to the API, e.g. `claude-sonnet-5`. */
  model: string;
  apiKey: string;
  /** Base URL without `/v1`; the SDK adds it. */
  baseURL: string;
  /** Per-call timeout in milliseconds. */
  timeoutMs: number;
}

/** Creates a provider over the official Anthropic SDK's Messages API. */
export function createAnthropicProvider(options: AnthropicProviderOptions): Provider {
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs,
    // Retries are owned by Panelist's retry loop, so they are counted and logged in one place.
    maxRetries: 0,
    // Panelist prints its own one line per call; the SDK's logger would only format debug lines.
    logLevel: "off",
    // Node's http client under the SDK: less CPU and latency per call than the global fetch (http-fetch.ts).
    fetch: createHttpFetch(),
  });
  const context = { provider: "anthropic", model: options.model, secrets: [options.apiKey] };

  return {
    id: "anthropic",
    model: options.model,
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const started = performance.now();
      const elapsed = (): number => Math.round(performance.now() - started);
      const params = buildMessageParams(options.model, request);
      const callOptions = request.signal ? { signal: request.signal } : {};
      try {
        if (request.onAccepted) {
          // The limiter's probe: streamed, so its rate-limit headers arrive before its first token.
          const { data: events, response } = await client.messages.create({ ...params, stream: true }, callOptions).withResponse();
          const rateLimit = readRateLimitHeaders(response.headers);
          request.onAccepted(rateLimit);
          return withRateLimit(readMessage(await collectMessageStream(events), context, elapsed()), rateLimit);
        }
        const { data: message, response } = await client.messages.create(params, callOptions).withResponse();
        return withRateLimit(readMessage(message, context, elapsed()), readRateLimitHeaders(response.headers));
      } catch (error) {
        return { ok: false, error: toProviderError(error, Anthropic, context), latencyMs: elapsed() };
      }
    },
  };
}
