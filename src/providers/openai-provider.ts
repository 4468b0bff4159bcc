import OpenAI from "openai";
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { ProviderError } from "../errors/provider-error.js";
import type { FinishReason, GenerateRequest, GenerateResult, Provider, StructuredMode } from "./provider.js";
import { readRateLimitHeaders } from "./rate-limit-headers.js";
import { toProviderError } from "./sdk-error.js";

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
          .create(buildParams(options, request), { ...(request.signal ? { signal: request.signal } : {}) })
          .withResponse();
        const rateLimit = readRateLimitHeaders(response.headers);
        const choice = completion.choices[0];
        const message = choice?.message;
        const usage = {
          inputTokens: completion.usage?.prompt_tokens ?? 0,
          cachedInputTokens: completion.usage?.prompt_tokens_details?.cached_tokens ?? 0,
          outputTokens: completion.usage?.completion_tokens ?? 0,
        };
        if (message?.refusal) {
          return failure(new ProviderError(`refused: ${message.refusal}`, { ...context, kind: "refusal", retryable: false, responseBody: message.refusal }), elapsed());
        }
        const text = message?.content ?? "";
        if (text.trim() === "") {
          return failure(new ProviderError("empty answer", { ...context, kind: "empty", retryable: false }), elapsed());
        }
        return {
          ok: true,
          text,
          usage,
          finishReason: normalizeFinishReason(choice?.finish_reason ?? "unknown"),
          latencyMs: elapsed(),
          responseModel: completion.model ?? options.model,
          ...(rateLimit ? { rateLimit } : {}),
        };
      } catch (error) {
        return failure(toProviderError(error, OpenAI, context), elapsed());
      }
    },
  };
}

function failure(error: ProviderError, latencyMs: number): GenerateResult {
  return { ok: false, error, latencyMs };
}

function buildParams(options: OpenAIProviderOptions, request: GenerateRequest): ChatCompletionCreateParamsNonStreaming {
  // System first, then one user message that opens with the dossier, so every persona call for
  // one tool shares a byte-identical prefix (OpenAI caches prompt prefixes automatically).
  const messages: ChatCompletionMessageParam[] = [
    { role: "system", content: request.system },
    { role: "user", content: `${request.dossier}\n\n${request.instructions}` },
  ];
  if (request.followUp) {
    messages.push({ role: "assistant", content: request.followUp.answer }, { role: "user", content: request.followUp.correction });
  }
  return {
    model: options.model,
    messages,
    [options.maxTokensParameter]: request.maxOutputTokens,
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.seed === undefined ? {} : { seed: request.seed }),
    ...responseFormat(request.mode ?? "json_schema", request),
  };
}

function responseFormat(mode: StructuredMode, request: GenerateRequest): Partial<ChatCompletionCreateParamsNonStreaming> {
  switch (mode) {
    case "json_schema":
    case "tool":
      return {
        response_format: {
          type: "json_schema",
          json_schema: { name: request.schemaName, schema: request.schema, strict: true },
        },
      };
    case "json_object":
      return { response_format: { type: "json_object" } };
    case "prompt":
      return {};
  }
}

function normalizeFinishReason(raw: string): FinishReason {
  switch (raw) {
    case "stop":
      return { normalized: "stop", raw };
    case "length":
      return { normalized: "length", raw };
    case "content_filter":
      return { normalized: "refusal", raw };
    default:
      return { normalized: "other", raw };
  }
}
