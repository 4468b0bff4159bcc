import type Anthropic from "@anthropic-ai/sdk";
import type { Message, MessageCreateParamsNonStreaming, MessageParam } from "@anthropic-ai/sdk/resources/messages";
import { ProviderError } from "../errors/provider-error.js";
import type { FinishReason, GenerateRequest, GenerateResult } from "./provider.js";

/** Who a call was for, for the errors it may produce. */
export interface MessageCallContext {
  provider: string;
  model: string;
}

/**
 * The Messages API body for one request. Shared by direct calls and Message Batches, so a batched
 * request is the call Panelist would have made. Structured answers come from a forced tool call
 * whose input schema is the verdict schema; mode `prompt` asks for JSON in plain text.
 */
export function buildMessageParams(model: string, request: Omit<GenerateRequest, "signal">): MessageCreateParamsNonStreaming {
  // Two of the four cache breakpoints allowed: the system block's prefix (the tool definition and
  // the system prompt, which carries the whole panel) is the same for every call of a run, so even
  // a tool's first call reads it from the cache; the dossier block's prefix (tools, system, dossier)
  // is shared by every persona call for the same tool. Only the short tail after it is new per call.
  // A prefix below the model's minimum cacheable length (1,024 tokens for Sonnet 4.5, 4,096 for
  // Haiku 4.5) is simply not cached: the marks cost nothing then.
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
    system: [{ type: "text", text: request.system, cache_control: { type: "ephemeral" } }],
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

/** Reads a message into a result: the answer (a forced tool call's input as JSON), or a refusal or empty answer as a failure. */
export function readMessage(message: Message, context: MessageCallContext, latencyMs: number): GenerateResult {
  // A batch result file is read as untrusted JSON: a message without usage counts zero, not a crash.
  const counted = message.usage ?? { input_tokens: 0, output_tokens: 0 };
  const written = counted.cache_creation_input_tokens ?? 0;
  const usage = {
    // Anthropic counts cache reads and writes apart from `input_tokens`; Panelist's input count
    // includes them so cached ÷ input is a share.
    inputTokens: (counted.input_tokens ?? 0) + (counted.cache_read_input_tokens ?? 0) + written,
    cachedInputTokens: counted.cache_read_input_tokens ?? 0,
    outputTokens: counted.output_tokens ?? 0,
    // Kept apart because writes are billed at 1.25× input.
    ...(written > 0 ? { cacheWriteInputTokens: written } : {}),
  };
  const finishReason = normalizeStopReason(message.stop_reason ?? "unknown");
  const content = Array.isArray(message.content) ? message.content : [];
  const toolUse = content.find((block) => block.type === "tool_use");
  const text = toolUse ? JSON.stringify(toolUse.input) : content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("");
  if (finishReason.normalized === "refusal") {
    return {
      ok: false,
      error: new ProviderError(`refused${text ? `: ${text.slice(0, 300)}` : ""}`, { ...context, kind: "refusal", retryable: false, responseBody: text }),
      latencyMs,
    };
  }
  if (text.trim() === "") {
    return { ok: false, error: new ProviderError("empty answer", { ...context, kind: "empty", retryable: false }), latencyMs };
  }
  return { ok: true, text, usage, finishReason, latencyMs, responseModel: message.model ?? context.model };
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
