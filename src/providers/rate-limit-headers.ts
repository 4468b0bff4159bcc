import type { HeaderSource } from "./retry-after.js";

/**
 * What a provider's response headers say about its rate limits. OpenAI and Anthropic both state
 * limits per minute and replenish them continuously, so `remaining` and the reset describe a
 * bucket that refills at limit ÷ 60 a second, not a window that opens all at once.
 */
export interface RateLimitInfo {
  /** Requests allowed per minute. */
  requestsLimit?: number;
  /** Tokens allowed per minute. */
  tokensLimit?: number;
  /** Requests left in the current window. */
  remainingRequests?: number;
  /** Tokens left in the current window. */
  remainingTokens?: number;
  /** Milliseconds until the request window resets. */
  requestsResetMs?: number;
  /** Milliseconds until the token window resets. */
  tokensResetMs?: number;
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === "function") return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * OpenAI sends resets as durations ("1s", "6m0s", "250ms"); Anthropic as RFC 3339 times. Both
 * become milliseconds from now.
 */
export function parseReset(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d{4}-\d{2}-\d{2}T/.test(trimmed)) {
    const time = Date.parse(trimmed);
    return Number.isFinite(time) ? Math.max(0, time - now) : undefined;
  }
  let total = 0;
  let matched = false;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    matched = true;
    total += Number(amount) * (unit === "h" ? 3_600_000 : unit === "m" ? 60_000 : unit === "s" ? 1000 : 1);
  }
  if (matched) return total;
  const seconds = Number(trimmed);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/** Reads OpenAI (`x-ratelimit-*`) and Anthropic (`anthropic-ratelimit-*`) rate-limit headers. */
export function readRateLimitHeaders(headers: HeaderSource, now: number = Date.now()): RateLimitInfo | undefined {
  const number = (name: string): number | undefined => {
    const value = Number(header(headers, name));
    return header(headers, name) === undefined || !Number.isFinite(value) ? undefined : value;
  };
  const info: RateLimitInfo = {};
  const requestsLimit = number("x-ratelimit-limit-requests") ?? number("anthropic-ratelimit-requests-limit");
  const tokensLimit = number("x-ratelimit-limit-tokens") ?? number("anthropic-ratelimit-tokens-limit") ?? number("anthropic-ratelimit-input-tokens-limit");
  const remainingRequests = number("x-ratelimit-remaining-requests") ?? number("anthropic-ratelimit-requests-remaining");
  const remainingTokens = number("x-ratelimit-remaining-tokens") ?? number("anthropic-ratelimit-tokens-remaining") ?? number("anthropic-ratelimit-input-tokens-remaining");
  const requestsResetMs = parseReset(header(headers, "x-ratelimit-reset-requests") ?? header(headers, "anthropic-ratelimit-requests-reset"), now);
  const tokensResetMs = parseReset(header(headers, "x-ratelimit-reset-tokens") ?? header(headers, "anthropic-ratelimit-tokens-reset") ?? header(headers, "anthropic-ratelimit-input-tokens-reset"), now);
  if (requestsLimit !== undefined && requestsLimit > 0) info.requestsLimit = requestsLimit;
  if (tokensLimit !== undefined && tokensLimit > 0) info.tokensLimit = tokensLimit;
  if (remainingRequests !== undefined) info.remainingRequests = remainingRequests;
  if (remainingTokens !== undefined) info.remainingTokens = remainingTokens;
  if (requestsResetMs !== undefined) info.requestsResetMs = requestsResetMs;
  if (tokensResetMs !== undefined) info.tokensResetMs = tokensResetMs;
  return Object.keys(info).length === 0 ? undefined : info;
}
