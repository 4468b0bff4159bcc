import type { GenerateRequest, GenerateResult, Provider } from "../providers/provider.js";
import type { RateLimiter } from "./rate-limiter.js";
import { retryDelay, type RetryPolicy } from "./retry-policy.js";

/** One attempt's outcome, for logs. */
export interface AttemptEvent {
  /** 1-based attempt number. */
  attempt: number;
  result: GenerateResult;
  /** The wait before the next attempt, when there will be one. */
  retryInMs?: number;
}

/** Options of {@link callWithRetries}. */
export interface CallWithRetriesOptions {
  policy: RetryPolicy;
  /** Per-attempt timeout in milliseconds: a call that hangs longer is abandoned and retried. */
  timeoutMs: number;
  /** Aborts waiting and any call in flight (e.g. a second Ctrl-C). */
  signal?: AbortSignal;
  /** Called after every attempt. */
  onAttempt?: (event: AttemptEvent) => void;
  /** Source of jitter; Math.random by default. */
  random?: () => number;
  /** Paces attempts to the endpoint's limits; told what each answer's headers said. */
  limiter?: RateLimiter;
  /** Estimated tokens of one attempt, for a tokens-per-minute limit. */
  estimatedTokens?: number;
  /**
   * Runs an attempt when the provider has a free slot (see `Provider.maxConcurrency`). The wait
   * for the slot comes before the attempt's timeout starts: queued is not slow.
   */
  slot?: <T>(attempt: () => Promise<T>) => Promise<T>;
}

/**
 * The one place that retries provider calls: retryable failures (408, 409, 429, 5xx, 529,
 * connection errors, timeouts) are tried again with backoff or the server's retry-after, up to
 * the policy's limit; others return at once. Returns the last result and how many attempts it took.
 */
export async function callWithRetries(
  provider: Provider,
  request: Omit<GenerateRequest, "signal">,
  options: CallWithRetriesOptions,
): Promise<{ result: GenerateResult; attempts: number }> {
  for (let attempt = 1; ; attempt += 1) {
    const result = await attemptOnce(provider, request, options);
    const delay = result.ok || options.signal?.aborted ? undefined : retryDelay(result.error, attempt, options.policy, options.random);
    options.onAttempt?.({ attempt, result, ...(delay === undefined ? {} : { retryInMs: delay }) });
    if (delay === undefined) return { result, attempts: attempt };
    await sleep(delay, options.signal);
    // Aborted while waiting: report the failure we have rather than start another call.
    if (options.signal?.aborted) return { result, attempts: attempt };
  }
}

async function attemptOnce(provider: Provider, request: Omit<GenerateRequest, "signal">, options: CallWithRetriesOptions): Promise<GenerateResult> {
  const start = async (): Promise<GenerateResult> => {
    const permit = await options.limiter?.acquire(options.estimatedTokens ?? 0, options.signal);
    let result: GenerateResult | undefined;
    try {
      // The slow start's probe reports its headers as they arrive (see GenerateRequest.onAccepted).
      result = await callOnce(provider, permit?.probe ? { ...request, onAccepted: permit.accepted } : request, options);
      return result;
    } finally {
      // The limiter learns from every answer: headers pace the next starts, a 429 slows them all.
      permit?.release(result);
    }
  };
  return options.slot ? options.slot(start) : start();
}

async function callOnce(provider: Provider, request: Omit<GenerateRequest, "signal">, options: CallWithRetriesOptions): Promise<GenerateResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  const onAbort = (): void => controller.abort();
  // Aborted while queued for a slot: the provider sees an aborted call and returns at once.
  if (options.signal?.aborted) controller.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    return await provider.generate({ ...request, signal: controller.signal });
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, milliseconds);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
