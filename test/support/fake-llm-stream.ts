/**
 * The event streams the fake LLM server sends for a `stream: true` request: the answer it would
 * have sent whole, re-expressed as the services stream it (OpenAI's `chat.completion.chunk` data
 * lines ending in `[DONE]`; Anthropic's named events from `message_start` to `message_stop`), the
 * text cut into a few deltas so that a client has to join them.
 */

/** Splits text into `count` pieces (fewer when it is shorter). */
function pieces(text: string, count = 3): string[] {
  const size = Math.max(1, Math.ceil(text.length / count));
  const parts: string[] = [];
  for (let start = 0; start < text.length; start += size) parts.push(text.slice(start, start + size));
  return parts;
}

const data = (value: unknown): string => `data: ${JSON.stringify(value)}\n\n`;
const event = (name: string, value: unknown): string => `event: ${name}\n${data(value)}`;

/** OpenAI: a role chunk, content (or refusal) deltas, a finish chunk, the usage chunk when asked for, `[DONE]`. */
export function openaiStreamEvents(completion: any, includeUsage: boolean): string[] {
  const head = { id: completion.id, object: "chat.completion.chunk", created: completion.created, model: completion.model };
  const chunk = (delta: unknown, finishReason: string | null = null): string => data({ ...head, choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }] });
  const message = completion.choices[0].message;
  const events = [chunk({ role: "assistant", content: "" })];
  if (message.refusal) for (const part of pieces(message.refusal)) events.push(chunk({ refusal: part }));
  else for (const part of pieces(message.content ?? "")) events.push(chunk({ content: part }));
  events.push(chunk({}, completion.choices[0].finish_reason));
  if (includeUsage) events.push(data({ ...head, choices: [], usage: completion.usage }));
  events.push("data: [DONE]\n\n");
  return events;
}

/** Anthropic: message_start, each content block's start, deltas and stop, a ping, message_delta, message_stop. */
export function anthropicStreamEvents(message: any): string[] {
  const { usage } = message;
  const events = [event("message_start", { type: "message_start", message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } })];
  message.content.forEach((block: any, index: number) => {
    if (block.type === "tool_use") {
      events.push(event("content_block_start", { type: "content_block_start", index, content_block: { type: "tool_use", id: block.id, name: block.name, input: {} } }));
      for (const part of pieces(JSON.stringify(block.input))) events.push(event("content_block_delta", { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: part } }));
    } else {
      events.push(event("content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } }));
      for (const part of pieces(block.text)) events.push(event("content_block_delta", { type: "content_block_delta", index, delta: { type: "text_delta", text: part } }));
    }
    events.push(event("content_block_stop", { type: "content_block_stop", index }));
  });
  events.push(event("ping", { type: "ping" }));
  events.push(event("message_delta", { type: "message_delta", delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage }));
  events.push(event("message_stop", { type: "message_stop" }));
  return events;
}
