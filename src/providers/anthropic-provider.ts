import Anthropic from "@anthropic-ai/sdk";
import type { MessageCreateParamsNonStreaming, MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { ProviderError } from "../errors/provider-error.js";
import type { FinishReason, GenerateRequest, GenerateResult, Provider } from "./provider.js";
import { readRateLimitHeaders } from "./rate-limit-headers.js";
import { toProviderError } from "./sdk-error.js";

/** Settings of an Anthropic Messages API endpoint. */
export interface AnthropicProviderOptions {
  /** Model id sent to the API, e.g. `claude-sonnet-4-5`. */
  model: string;
  apiKey: string;
  /** Base URL without `/v1`; the SDK adds it. */
  baseURL: string;
  /** Per-call timeout in milliseconds. */
  timeoutMs: number;
}

/**
 * Creates a provider over the official Anthropic SDK. Structured answers come from a forced tool
 * call whose input schema is the verdict schema; mode `prompt` asks for JSON in plain text.
 */
export function createAnthropicProvider(options: AnthropicProviderOptions): Provider {
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    timeout: options.timeoutMs,
    // Retries are owned by Panelist's retry loop, so they are counted and logged in one place.
    maxRetries: 0,
    // Panelist prints its own one line per call; the SDK's logger would only format debug lines.
    logLevel: "off",
  });
  const context = { provider: "anthropic", model: options.model, secrets: [options.apiKey] };

  return {
    id: "anthropic",
    model: options.model,
    async generate(request: GenerateRequest): Promise<GenerateResult> {
      const started = performance.now();
      const elapsed = (): number => Math.round(performance.now() - started);
      try {
        const { data: message, response } = await client.messages
          .create(buildParams(options.model, request), { ...(request.signal ? { signal: request.signal } : {}) })
          .withResponse();
        const rateLimit = readRateLimitHeaders(response.headers);
        const usage = {
          // Anthropic counts cache reads and writes apart from `input_tokens`; Panelist's input
          // count includes them so cached ÷ input is a share.
          inputTokens:
            message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0) + (message.usage.cache_creation_input_tokens ?? 0),
          cachedInputTokens: message.usage.cache_read_input_tokens ?? 0,
          outputTokens: message.usage.output_tokens,
        };
        const finishReason = normalizeStopReason(message.stop_reason ?? "unknown");
        const toolUse = message.content.find((block) => block.type === "tool_use");
        const text = toolUse
          ? JSON.stringify(toolUse.input)
          : message.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("");
        if (finishReason.normalized === "refusal") {
          return {
            ok: false,
            error: new ProviderError(`refused${text ? `: ${text.slice(0, 300)}` : ""}`, { ...context, kind: "refusal", retryable: false, responseBody: text }),
            latencyMs: elapsed(),
          };
        }
        if (text.trim() === "") {
          return { ok: false, error: new ProviderError("empty answer", { ...context, kind: "empty", retryable: false }), latencyMs: elapsed() };
        }
        return { ok: true, text, usage, finishReason, latencyMs: elapsed(), responseModel: message.model ?? options.model, ...(rateLimit ? { rateLimit } : {}) };
      } catch (error) {
        return { ok: false, error: toProviderError(error, Anthropic, context), latencyMs: elapsed() };
      }
    },
  };
}

function buildParams(model: string, request: GenerateRequest): MessageCreateParamsNonStreaming {
  // The dossier block carries cache_control, so the cached prefix (tools, system, dossier) is
  // shared by every persona call for the same tool.
  const messages: MessageParam[] = [
    {
      role: "user",
      content: [
        { type: "text", text: request.dossier, cache_control: { type: "ephemeral" } },
        { type: "text", text: request.instructions },
      ],
    },
  ];
  if (request.followUp) {
    messages.push({ role: "assistant", content: request.followUp.answer }, { role: "user", content: request.followUp.correction });
  }
  const useTool = (request.mode ?? "tool") !== "prompt";
  return {
    model,
    max_tokens: request.maxOutputTokens,
    system: request.system,
    messages,
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(useTool
      ? {
          tools: [
            {
              name: request.schemaName,
              description: "Submit your verdict on the tool.",
              input_schema: request.schema as Anthropic.Messages.Tool.InputSchema,
            },
          ],
          tool_choice: { type: "tool", name: request.schemaName },
        }
      : {}),
  };
}

function normalizeStopReason(raw: string): FinishReason {
  switch (raw) {
    case "end_turn":
    case "tool_use":
    case "stop_sequence":
      return { normalized: "stop", raw };
    case "max_tokens":
      return { normalized: "length", raw };
    case "refusal":
      return { normalized: "refusal", raw };
    default:
      return { normalized: "other", raw };
  }
}
