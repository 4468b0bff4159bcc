import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { ProviderError } from "../errors/provider-error.js";
import type { FinishReason, GenerateRequest, GenerateResult, StructuredMode } from "./provider.js";

/** What the Chat Completions body depends on besides the request. */
export interface ChatParamSettings {
  /** Model id sent to the API. */
  model: string;
  /** `max_completion_tokens` for OpenAI's own API, `max_tokens` for most compatible servers. */
  maxTokensParameter: "max_tokens" | "max_completion_tokens";
}

/** Who a call was for, for the errors it may produce. */
export interface ChatCallContext {
  provider: string;
  model: string;
}

/**
 * The Chat Completions body for one request. Shared by direct calls and the Batch API's JSONL
 * lines, so a batched request is byte-for-byte the call Panelist would have made.
 */
export function buildChatParams(settings: ChatParamSettings, request: Omit<GenerateRequest, "signal">): ChatCompletionCreateParamsNonStreaming {
  // System first (the same for every call of a run: it carries the whole panel), then one user
  // message that opens with the dossier and ends with the short per-call tail, so every call of a
  // run shares a byte-identical prefix and every persona call for one tool a longer one. OpenAI
  // caches prompt prefixes automatically from 1,024 tokens, in steps of 128.
  const messages: ChatCompletionMessageParam[] = [
    { role: "system", content: request.system },
    { role: "user", content: `${request.dossier}\n\n${request.instructions}` },
  ];
  if (request.followUp) {
    messages.push({ role: "assistant", content: request.followUp.answer }, { role: "user", content: request.followUp.correction });
  }
  return {
    model: settings.model,
    messages,
    [settings.maxTokensParameter]: request.maxOutputTokens,
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(request.seed === undefined ? {} : { seed: request.seed }),
    ...responseFormat(request.mode ?? "json_schema", request),
  };
}

/** Reads a completion into a result: the answer, or a refusal or empty answer as a failure. */
export function readChatCompletion(completion: ChatCompletion, context: ChatCallContext, latencyMs: number): GenerateResult {
  const choice = completion.choices?.[0];
  const message = choice?.message;
  const usage = {
    inputTokens: completion.usage?.prompt_tokens ?? 0,
    cachedInputTokens: completion.usage?.prompt_tokens_details?.cached_tokens ?? 0,
    outputTokens: completion.usage?.completion_tokens ?? 0,
  };
  if (message?.refusal) {
    return { ok: false, error: new ProviderError(`refused: ${message.refusal}`, { ...context, kind: "refusal", retryable: false, responseBody: message.refusal }), latencyMs };
  }
  const text = message?.content ?? "";
  if (text.trim() === "") {
    return { ok: false, error: new ProviderError("empty answer", { ...context, kind: "empty", retryable: false }), latencyMs };
  }
  return {
    ok: true,
    text,
    usage,
    finishReason: normalizeFinishReason(choice?.finish_reason ?? "unknown"),
    latencyMs,
    responseModel: completion.model ?? context.model,
  };
}

function responseFormat(mode: StructuredMode, request: Omit<GenerateRequest, "signal">): Partial<ChatCompletionCreateParamsNonStreaming> {
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
