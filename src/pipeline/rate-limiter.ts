import type { GenerateResult } from "../providers/provider.js";
import type { RateLimitInfo } from "../providers/rate-limit-headers.js";

/** Caps the user sets (`--rpm`, `--tpm`), for endpoints that send no rate-limit headers or to stay lower. */
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

/** One started call's claim on the limiter; released once with how the call went. */
export interface RateLimitPermit {
  /**
   * Set for a call started during the slow start, while no limit is known: its response headers
   * are what the other calls wait for, so it should report them through {@link accepted} as soon
   * as they arrive (a streamed answer's headers come before its first token) rather than with the
   * whole answer.
   */
  readonly probe: boolean;
  /**
   * Teaches the limiter from the call's response headers before its answer is in: an endpoint
   * that states no limit opens the window, one that states a limit is paced from now. At most once
   * a call; {@link release} then learns nothing more from a clean answer.
   */
  accepted(rateLimit: RateLimitInfo | undefined): void;
  /**
   * Frees the call's place and teaches the limiter from its answer (headers, a 429); undefined
   * when the call ended without one (it threw).
   */
  release(result: GenerateResult | undefined): void;
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
 * Share of a header's per-minute limit we pace at. Services enforce a per-minute limit over shorter
 * periods (OpenAI: "60,000 a minute may be enforced as 1,000 a second"), so exactly limit ÷ 60 a
 * second turns network jitter into 429s; user caps are taken exactly, the user chose them.
 */
export const HEADER_HEADROOM = 0.97;
/** Lowest share of the paced rate that repeated 429s can push us to. */
const MIN_FACTOR = 1 / 64;
/** A clean answer wins back this share of the paced rate after a 429 (additive increase). */
const RECOVERY_STEP = 1 / 40;
/** Timer lateness up to this (and half a spacing) is made up by the next start rather than lost. */
const MAX_CATCH_UP_MS = 20;
const NO_PERMIT: RateLimitPermit = { probe: false, accepted: () => {}, release: () => {} };

interface Waiter {
  tokens: number;
  signal: AbortSignal | undefined;
  grant(permit: RateLimitPermit): void;
}

/**
 * Paces the starts of calls to one endpoint (`provider:model`), shared by every call to it, so
 * that it stays under its limits instead of learning them from 429s:
 * - until a limit is known, a slow start: one call, then one more place per clean answer, which
 *   doubles the calls in flight every round trip; an answer with no rate-limit headers at all
 *   opens the window (the endpoint states no limit), until a 429. A call started then is a
 *   probe: its headers teach the limiter as soon as they arrive (a streamed answer's come before
 *   its first token), so the round trip the others wait is the time to first byte, not a whole answer;
 * - once a limit is known (the headers' per-minute limit, `--rpm`, `--tpm`), starts are spaced
 *   evenly at limit ÷ 60 a second, with no credit saved while idle, so never a burst; `remaining`
 *   over the time to reset can only slow that down, when something else is using the same key;
 * - a 429 halves the paced rate (or the slow-start window) for every call, once per round of
 *   calls that were in flight together, holds every start for its retry-after, and clean answers
 *   win the rate back step by step.
 */
export class RateLimiter {
  private readonly queue: Waiter[] = [];
  private inFlight = 0;
  /** Calls allowed in flight during the slow start; undefined once a rate limit is known. */
  private window: number | undefined = 1;
  /** Requests and tokens per millisecond that the limits allow, before any slow-down. */
  private requestCeiling: number | undefined;
  private tokenCeiling: number | undefined;
  /** What the last headers' remaining ÷ reset allow, per millisecond (only ever lower the pace). */
  private requestCap: number | undefined;
  private tokenCap: number | undefined;
  /** Share of the ceiling we pace at: halved by a 429, won back by clean answers. */
  private factor = 1;
  private nextRequestAt = -Infinity;
  private nextTokenAt = -Infinity;
  private heldUntil = -Infinity;
  /** Starts counted so far, and how many had started when the pace was last halved. */
  private started = 0;
  private startedAtBackOff = -1;
  private wake: AbortController | undefined;
  private wakeAt = Infinity;

  constructor(
    private readonly limits: RateLimits = {},
    private readonly clock: Clock = realClock,
  ) {
    if (limits.rpm !== undefined) this.requestCeiling = limits.rpm / MINUTE;
    if (limits.tpm !== undefined) this.tokenCeiling = limits.tpm / MINUTE;
    if (this.requestCeiling !== undefined || this.tokenCeiling !== undefined) this.window = undefined;
  }

  /**
   * Waits until a call estimated at `tokens` may start, then counts it; release the permit when
   * the call ends. An abort ends the wait with a permit that counts nothing: a `--tpm` pace can
   * hold a call for a minute, longer than a Ctrl-C should take.
   */
  acquire(tokens: number, signal?: AbortSignal): Promise<RateLimitPermit> {
    if (signal?.aborted) return Promise.resolve(NO_PERMIT);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        tokens,
        signal,
        grant: (permit) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(permit);
        },
      };
      const onAbort = (): void => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        waiter.grant(NO_PERMIT);
        this.pump();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(waiter);
      this.pump();
    });
  }

  /** Holds every start for `milliseconds` (a 429's retry-after, an exhausted window). */
  hold(milliseconds: number): void {
    this.heldUntil = Math.max(this.heldUntil, this.clock.now() + milliseconds);
    this.pump();
  }

  /** The pace in force, for logs and tests: calls in flight allowed, requests and tokens a second. */
  get pace(): { window?: number; requestsPerSecond?: number; tokensPerSecond?: number } {
    const requests = this.rate(this.requestCeiling, this.requestCap);
    const tokens = this.rate(this.tokenCeiling, this.tokenCap);
    return {
      ...(this.window === undefined ? {} : { window: this.window }),
      ...(requests === undefined ? {} : { requestsPerSecond: requests * 1000 }),
      ...(tokens === undefined ? {} : { tokensPerSecond: tokens * 1000 }),
    };
  }

  private rate(ceiling: number | undefined, cap: number | undefined): number | undefined {
    const allowed = ceiling === undefined ? cap : cap === undefined ? ceiling : Math.min(ceiling, cap);
    return allowed === undefined ? undefined : allowed * this.factor;
  }

  /** Starts every waiter at the head of the queue that may start now, then sleeps until the next may. */
  private pump(): void {
    for (;;) {
      const head = this.queue[0];
      if (!head) return;
      const now = this.clock.now();
      const wait = this.waitFor(head.tokens, now);
      if (wait === Infinity) return; // A release will pump again.
      if (wait > 0) return this.sleepUntil(now + wait);
      this.queue.shift();
      this.start(head.tokens, now);
      head.grant(this.permit(this.started));
    }
  }

  private waitFor(tokens: number, now: number): number {
    if (this.window !== undefined && this.inFlight >= this.window) return Infinity;
    const tokenWait = tokens > 0 && this.rate(this.tokenCeiling, this.tokenCap) !== undefined ? this.nextTokenAt - now : 0;
    return Math.max(this.heldUntil - now, this.nextRequestAt - now, tokenWait, 0);
  }

  private start(tokens: number, now: number): void {
    this.inFlight += 1;
    this.started += 1;
    const requests = this.rate(this.requestCeiling, this.requestCap);
    if (requests !== undefined) this.nextRequestAt = next(this.nextRequestAt, now, 1 / requests);
    const tokenRate = this.rate(this.tokenCeiling, this.tokenCap);
    if (tokenRate !== undefined && tokens > 0) this.nextTokenAt = next(this.nextTokenAt, now, tokens / tokenRate);
  }

  /** `order`: how many calls had started when this one did. */
  private permit(order: number): RateLimitPermit {
    let released = false;
    let learnt = false;
    return {
      probe: this.window !== undefined,
      accepted: (rateLimit) => {
        if (released || learnt) return;
        learnt = true;
        this.learn(rateLimit);
        this.pump();
      },
      release: (result) => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
        // A 429 means the endpoint is full for everyone: slow every call, not just this one's retry.
        if (result && !result.ok && result.error.status === 429) this.backOff(order, result.error.retryAfterMs ?? 1000);
        else if (result?.ok && !learnt) this.learn(result.rateLimit);
        this.pump();
      },
    };
  }

  private learn(info: RateLimitInfo | undefined): void {
    this.factor = Math.min(1, this.factor + RECOVERY_STEP);
    if (!info) {
      // An endpoint that answers with no rate-limit headers at all (a local or self-hosted
      // server) states no limit to stay under: ramping would only idle its first round trips.
      // Until it refuses a call; then the window grows back from half of what was in flight.
      // (startedAtBackOff is set by the first 429.)
      if (this.window !== undefined) this.window = this.startedAtBackOff >= 0 ? this.window + 1 : undefined;
      return;
    }
    if (this.window !== undefined) this.window += 1;
    const now = this.clock.now();
    if (info.requestsLimit !== undefined) this.requestCeiling = lower(this.limits.rpm, info.requestsLimit * HEADER_HEADROOM) / MINUTE;
    if (info.tokensLimit !== undefined) this.tokenCeiling = lower(this.limits.tpm, info.tokensLimit * HEADER_HEADROOM) / MINUTE;
    if (this.requestCeiling !== undefined || this.tokenCeiling !== undefined) this.window = undefined;
    this.requestCap = this.capFrom(info.remainingRequests, info.requestsResetMs, info.requestsLimit, now);
    this.tokenCap = this.capFrom(info.remainingTokens, info.tokensResetMs, info.tokensLimit, now);
  }

  /**
   * Remaining over the time to reset, as a rate. Nothing left holds every start until one request
   * has refilled: the services replenish continuously, so that is reset ÷ limit, not the whole reset.
   */
  private capFrom(remaining: number | undefined, resetMs: number | undefined, limit: number | undefined, now: number): number | undefined {
    if (remaining === undefined || resetMs === undefined || resetMs <= 0) return undefined;
    if (remaining > 0) return remaining / resetMs;
    this.heldUntil = Math.max(this.heldUntil, now + (limit === undefined ? resetMs : resetMs / limit));
    return undefined;
  }

  private backOff(order: number, retryAfterMs: number): void {
    this.heldUntil = Math.max(this.heldUntil, this.clock.now() + retryAfterMs);
    // Calls that were in flight together hit the same full endpoint: halve once for all of them.
    if (order <= this.startedAtBackOff) return;
    this.startedAtBackOff = this.started;
    this.factor = Math.max(MIN_FACTOR, this.factor / 2);
    const paced = this.requestCeiling !== undefined || this.tokenCeiling !== undefined;
    // With no limit known and the window open, the calls in flight were too many: half of them.
    if (this.window === undefined && !paced) this.window = Math.max(1, Math.ceil((this.inFlight + 1) / 2));
    else if (this.window !== undefined) this.window = Math.max(1, Math.floor(this.window / 2));
  }

  private sleepUntil(time: number): void {
    if (this.wake && this.wakeAt <= time) return;
    this.wake?.abort();
    const wake = new AbortController();
    this.wake = wake;
    this.wakeAt = time;
    void this.clock.sleep(time - this.clock.now(), wake.signal).then(() => {
      if (wake.signal.aborted) return;
      this.wake = undefined;
      this.wakeAt = Infinity;
      this.pump();
    });
  }
}

/**
 * The next start after one at `now`: `spacing` after the planned time when the timer was only a
 * little late (so lateness is not lost), after `now` when the endpoint sat idle (so idle time is
 * not saved up as a burst).
 */
function next(planned: number, now: number, spacing: number): number {
  const onTime = now - planned <= Math.min(spacing / 2, MAX_CATCH_UP_MS);
  return (onTime ? planned : now) + spacing;
}

function lower(user: number | undefined, header: number): number {
  return user === undefined ? header : Math.min(user, header);
}
