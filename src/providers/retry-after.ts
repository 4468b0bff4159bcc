/** Longest wait a server may ask of us; past this a retry-after is taken as this long. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** A minimal view of response headers (the SDKs' Headers objects and plain records both fit). */
export type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined> | undefined;

function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === "function") {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * How long the server asked us to wait, in milliseconds: `retry-after-ms` first (OpenAI and
 * Anthropic send it, and it is exact), then `retry-after` as seconds or an HTTP date. Capped at
 * {@link MAX_RETRY_AFTER_MS}; undefined when there is no usable header.
 */
export function retryAfterMs(headers: HeaderSource, now: number = Date.now()): number | undefined {
  const milliseconds = Number.parseFloat(header(headers, "retry-after-ms") ?? "");
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return Math.min(milliseconds, MAX_RETRY_AFTER_MS);
  const value = header(headers, "retry-after")?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(value);
  if (Number.isFinite(date)) return Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
  return undefined;
}

/**
 * Whether an HTTP status is worth retrying: request timeout (408), conflict/lock (409), rate limit
 * (429) and server errors, Anthropic's 529 "overloaded" among them. Client errors such as 400, 401,
 * 403 and 404 will fail the same way again.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}
