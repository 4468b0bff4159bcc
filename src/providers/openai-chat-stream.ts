import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";

/**
 * Folds a streamed Chat Completion back into the completion the same call would have returned
 * unstreamed: the first choice's text and refusal joined from their deltas, its finish reason, the
 * model, and the usage of the last chunk (asked for with `stream_options.include_usage`). Only
 * what {@link readChatCompletion} reads is kept; an event stream cut short throws from the SDK's
 * iterator, and the call fails as a dropped connection.
 */
export async function collectChatStream(chunks: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletion> {
  let model = "";
  let id = "";
  let created = 0;
  let content: string | null = null;
  let refusal: string | null = null;
  let finishReason: ChatCompletion.Choice["finish_reason"] | null = null;
  let usage: ChatCompletion["usage"];
  for await (const chunk of chunks) {
    id ||= chunk.id ?? "";
    model ||= chunk.model ?? "";
    created ||= chunk.created ?? 0;
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices?.find((candidate) => candidate.index === 0);
    if (!choice) continue;
    if (typeof choice.delta?.content === "string") content = (content ?? "") + choice.delta.content;
    if (typeof choice.delta?.refusal === "string") refusal = (refusal ?? "") + choice.delta.refusal;
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }
  return {
    id,
    object: "chat.completion",
    created,
    model,
    // A stream that ended without a finish reason was not a complete answer.
    choices: [{ index: 0, message: { role: "assistant", content, refusal }, finish_reason: finishReason ?? ("unknown" as ChatCompletion.Choice["finish_reason"]), logprobs: null }],
    ...(usage ? { usage } : {}),
  };
}
