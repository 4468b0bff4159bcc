import type { ProviderError } from "../errors/provider-error.js";

/** How failed calls are retried. */
export interface RetryPolicy {
  /** Retries after the first attempt. Default 4. */
  maxRetries: number;
  /** First backoff delay in milliseconds; doubles per retry. Default 500. */
  baseDelayMs: number;
  /** Longest backoff delay in milliseconds. Default 30,000. */
  maxDelayMs: number;
}

/** The defaults: 4 retries, 0.5 s doubling to at most 30 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * The delay before retry number `retry` (1-based) after `error`, or undefined when the error is
 * not worth retrying or the retries are used up. A server's retry-after wins over backoff, since
 * it knows when capacity frees up; backoff gets full jitter so that calls that failed together do
 * not retry together.
 */
export function retryDelay(error: ProviderError, retry: number, policy: RetryPolicy, random: () => number = Math.random): number | undefined {
  if (!error.retryable || retry > policy.maxRetries) return undefined;
  if (error.retryAfterMs !== undefined) return error.retryAfterMs;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  // Half fixed, half random: never a zero wait, still spread out.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
