import type { CallEvent } from "../pipeline/call-event.js";

/** One `--verbose` line: tool, persona, model, attempt, status, latency, tokens. */
export function formatCallEvent(event: CallEvent): string {
  const parts = [
    `${event.tool} / ${event.persona} / ${event.model}`,
    `attempt ${event.attempt}${event.phase === "repair" ? " (repair)" : ""}`,
    `mode ${event.mode}`,
    `${event.latencyMs} ms`,
  ];
  if (event.usage) parts.push(`tokens in ${event.usage.inputTokens} (cached ${event.usage.cachedInputTokens}) out ${event.usage.outputTokens}`);
  if (event.httpStatus !== undefined) parts.push(`HTTP ${event.httpStatus}`);
  if (event.error) parts.push(event.error);
  if (event.retryInMs !== undefined) parts.push(`retry in ${event.retryInMs} ms`);
  return `[${event.status}] ${parts.join(" · ")}`;
}

/** One `--log-json` line: the event as JSON with a timestamp, for scheduled jobs. */
export function formatCallEventJson(event: CallEvent, now: Date = new Date()): string {
  return JSON.stringify({ time: now.toISOString(), event: "call", ...event });
}
