import type { ContentBlock, Message, RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";

/**
 * Folds a streamed Messages answer back into the message the same call would have returned
 * unstreamed: text blocks joined from their deltas, a tool call's input parsed from its JSON
 * deltas, the stop reason, the model, and the usage (the start event's, updated by the final
 * delta's cumulative counts). Only what {@link readMessage} reads is kept. A tool input whose JSON
 * does not parse (an answer cut off at the token limit) is kept as text, for the verdict parser
 * to repair or to name what is wrong; an event stream cut short throws from the SDK's iterator.
 */
export async function collectMessageStream(events: AsyncIterable<RawMessageStreamEvent>): Promise<Message> {
  let message: Message | undefined;
  const parts: StreamedBlock[] = [];
  for await (const event of events) {
    switch (event.type) {
      case "message_start":
        message = { ...event.message, content: [], usage: { ...event.message.usage } };
        break;
      case "content_block_start":
        parts[event.index] =
          event.content_block.type === "tool_use"
            ? { type: "tool_use", id: event.content_block.id, name: event.content_block.name, json: "" }
            : { type: "text", text: event.content_block.type === "text" ? event.content_block.text : "" };
        break;
      case "content_block_delta": {
        const part = parts[event.index];
        if (part?.type === "text" && event.delta.type === "text_delta") part.text += event.delta.text;
        else if (part?.type === "tool_use" && event.delta.type === "input_json_delta") part.json += event.delta.partial_json;
        break;
      }
      case "message_delta":
        if (!message) break;
        message.stop_reason = event.delta.stop_reason;
        message.stop_sequence = event.delta.stop_sequence;
        // The delta's counts are the whole message's so far; a null leaves the start's figure.
        for (const key of ["input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"] as const) {
          const value = event.usage[key];
          if (typeof value === "number") (message.usage as unknown as Record<string, number>)[key] = value;
        }
        break;
      default:
        break;
    }
  }
  if (!message) throw new Error("the event stream ended before its message_start event");
  message.content = parts.filter(Boolean).map(toContentBlock);
  return message;
}

/** A content block as its deltas arrive: a tool call's input is JSON text until the stream ends. */
type StreamedBlock = { type: "text"; text: string } | { type: "tool_use"; id: string; name: string; json: string };

function toContentBlock(part: StreamedBlock): ContentBlock {
  if (part.type === "text") return { type: "text", text: part.text, citations: null };
  try {
    return { type: "tool_use", id: part.id, name: part.name, input: part.json === "" ? {} : (JSON.parse(part.json) as unknown) } as ContentBlock;
  } catch {
    return { type: "text", text: part.json, citations: null };
  }
}
