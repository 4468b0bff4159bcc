import type { RateLimitInfo } from "../providers/rate-limit-headers.js";

/** Caps for an endpoint that sends no rate-limit headers. */
export interface RateLimits {
  /** Requests per minute. */
  rpm?: number;
  /** Tokens (input estimate + output limit) per minute. */
  tpm?: number;
}

/** Time, injectable so that tests can use fake timers. */
export interface Clock {
  now(): number;
  /** Resolves after `milliseconds`, or as soon as `signal` aborts. */
  sleep(milliseconds: number, signal?: AbortSignal): Promise<void>;
}

const realClock: Clock = {
  now: () => Date.now(),
  sleep: (milliseconds, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, milliseconds);
      signal?.addEventListener("abort", done, { once: true });
    }),
};
const MINUTE = 60_000;

/**
 * Paces the start of calls to one endpoint so that they stay under its limits instead of only
 * reacting to 429s: `--rpm` spaces starts evenly, `--tpm` keeps a one-minute window of tokens, and
 * the provider's own headers spread the remaining requests or tokens over the time left until
 * their reset. A 429's retry-after holds every start, not just the call that got it.
 */
export class RateLimiter {
  private nextStart = 0;
  private heldUntil = 0;
  /** Spacing between starts that the last headers call for. */
  private headerSpacing = 0;
  private readonly window: { time: number; tokens: number }[] = [];

  constructor(
    private readonly limits: RateLimits = {},
    private readonly clock: Clock = realClock,
  ) {}

  /**
   * Waits until a call estimated at `tokens` may start, then counts it. An abort ends the wait
   * without counting: a `--tpm` window can hold a call for a minute, longer than a Ctrl-C should take.
   */
  async acquire(tokens: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) return;
      const now = this.clock.now();
      let wait = Math.max(this.heldUntil - now, this.nextStart - now, 0);
      if (this.limits.tpm !== undefined) {
        while (this.window.length > 0 && this.window[0]!.time <= now - MINUTE) this.window.shift();
        const used = this.window.reduce((sum, entry) => sum + entry.tokens, 0);
        if (used + tokens > this.limits.tpm && this.window.length > 0) wait = Math.max(wait, this.window[0]!.time + MINUTE - now);
      }
      if (wait <= 0) break;
      await this.clock.sleep(wait, signal);
    }
    const now = this.clock.now();
    const spacing = Math.max(this.limits.rpm ? MINUTE / this.limits.rpm : 0, this.headerSpacing);
    this.nextStart = Math.max(now, this.nextStart) + spacing;
    if (this.limits.tpm !== undefined) this.window.push({ time: now, tokens });
  }

  /** Learns from a response's rate-limit headers. */
  observe(info: RateLimitInfo | undefined): void {
    if (!info) return;
    const spacings: number[] = [];
    if (info.remainingRequests !== undefined && info.requestsResetMs !== undefined) {
      if (info.remainingRequests <= 0) this.hold(info.requestsResetMs);
      else spacings.push(info.requestsResetMs / info.remainingRequests);
    }
    if (info.remainingTokens !== undefined && info.tokensResetMs !== undefined && info.remainingTokens <= 0) this.hold(info.tokensResetMs);
    this.headerSpacing = spacings.length === 0 ? 0 : Math.max(...spacings);
  }

  /** Holds every start for `milliseconds` (a 429's retry-after, an exhausted window). */
  hold(milliseconds: number): void {
    this.heldUntil = Math.max(this.heldUntil, this.clock.now() + milliseconds);
  }
}
