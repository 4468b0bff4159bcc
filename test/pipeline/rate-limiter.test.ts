import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { ProviderError } from "../../src/errors/provider-error.js";
import { HEADER_HEADROOM, RateLimiter, type RateLimitPermit } from "../../src/pipeline/rate-limiter.js";
import type { GenerateResult } from "../../src/providers/provider.js";
import { parseReset, readRateLimitHeaders, type RateLimitInfo } from "../../src/providers/rate-limit-headers.js";

beforeEach(() => void vi.useFakeTimers({ now: 0 }));
afterEach(() => void vi.useRealTimers());

const OK: GenerateResult = { ok: true, text: "{}", usage: { inputTokens: 1, cachedInputTokens: 0, outputTokens: 1 }, finishReason: { normalized: "stop", raw: "stop" }, latencyMs: 1, responseModel: "m" };
const answer = (rateLimit?: RateLimitInfo): GenerateResult => (rateLimit ? { ...OK, rateLimit } : OK);
const tooMany = (retryAfterMs?: number): GenerateResult => ({
  ok: false,
  latencyMs: 1,
  error: new ProviderError("HTTP 429", { provider: "openai", model: "m", kind: "http", status: 429, retryable: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) }),
});
/** Headers that name no limit yet (a remaining count far from running out): the slow start goes on. */
const NO_LIMIT_YET: RateLimitInfo = { remainingRequests: 1_000_000, requestsResetMs: 60_000 };
/** Headers of an endpoint allowing 1,200 requests a minute (20 a second), nearly untouched. */
const FRESH: RateLimitInfo = { requestsLimit: 1200, remainingRequests: 1199, requestsResetMs: 50 };
/** Spacing at 1,200 a minute with the headroom: 51.5 ms. */
const PACED = 60_000 / (1200 * HEADER_HEADROOM);

/** `count` calls queued at once; `started` holds the (fake) start time of each, `permits` their permits. */
function queue(limiter: RateLimiter, count: number, tokens = 0): { started: number[]; permits: RateLimitPermit[] } {
  const started: number[] = [];
  const permits: RateLimitPermit[] = [];
  for (let call = 0; call < count; call += 1) {
    void limiter.acquire(tokens).then((permit) => {
      started.push(Date.now());
      permits.push(permit);
    });
  }
  return { started, permits };
}

/** Fake timers fire on whole milliseconds, so a spacing of 51.5 ms shows as gaps of 51 and 52. */
const expectSpacing = (gap: number, spacing: number): void => void expect(Math.abs(gap - spacing)).toBeLessThanOrEqual(1);
const gaps = (times: number[]): number[] => times.slice(1).map((time, index) => time - times[index]!);

describe("RateLimiter: slow start before any limit is known", () => {
  test("the first call goes alone, then the calls in flight double while answers come back clean", async () => {
    const limiter = new RateLimiter();
    const { started, permits } = queue(limiter, 20);
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toHaveLength(1);
    const waves = [1];
    for (let round = 0; round < 3; round += 1) {
      const before = started.length;
      for (const permit of permits.slice(before - waves.at(-1)!, before)) permit.release(answer(NO_LIMIT_YET));
      await vi.advanceTimersByTimeAsync(1000);
      waves.push(started.length - before);
    }
    expect(waves).toEqual([1, 2, 4, 8]);
  });

  test("an answer with no rate-limit headers opens the window; a 429 then closes it to half of what is in flight", async () => {
    const limiter = new RateLimiter();
    const { started, permits } = queue(limiter, 40);
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toHaveLength(1);
    permits[0]!.release(answer());
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toHaveLength(40);
    expect(limiter.pace.window).toBeUndefined();
    // 39 in flight, the endpoint refuses: the window is 20 and every start waits out the retry-after.
    permits[1]!.release(tooMany(100));
    expect(limiter.pace.window).toBe(20);
    const more = queue(limiter, 30);
    await vi.advanceTimersByTimeAsync(100);
    expect(more.started).toHaveLength(0);
    for (const permit of permits.slice(2, 22)) permit.release(answer());
    await vi.advanceTimersByTimeAsync(0);
    // 18 still in flight of 38; the window grew by one per clean answer (to 40): 22 more start.
    expect(more.started).toHaveLength(22);
  });

  test("a 429 halves the window for every call, once for calls that were in flight together", async () => {
    const limiter = new RateLimiter();
    const { started, permits } = queue(limiter, 40);
    await vi.advanceTimersByTimeAsync(0);
    for (const wave of [1, 2, 4]) {
      for (const permit of permits.slice(-wave)) permit.release(answer(NO_LIMIT_YET));
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(limiter.pace.window).toBe(8);
    // All eight in flight are refused: one halving (to 4), not eight (to 1).
    for (const permit of permits.slice(-8)) permit.release(tooMany(100));
    expect(limiter.pace.window).toBe(4);
    const before = started.length;
    await vi.advanceTimersByTimeAsync(99);
    expect(started.length).toBe(before);
    await vi.advanceTimersByTimeAsync(10);
    expect(started.length - before).toBe(4);
  });
});

describe("RateLimiter: the slow start's probe learns from its headers, before its answer", () => {
  test("a call started while no limit is known is a probe; headers with no limit open the window at once", async () => {
    const limiter = new RateLimiter();
    const { started, permits } = queue(limiter, 10);
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toHaveLength(1);
    expect(permits[0]!.probe).toBe(true);
    // The probe's headers are in; its answer is not: the other nine start now.
    permits[0]!.accepted(undefined);
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toHaveLength(10);
    expect(permits.slice(1).map((permit) => permit.probe)).toEqual(Array(9).fill(false));
  });

  test("headers that state a limit pace the rest from the probe's headers; its answer then teaches nothing twice", async () => {
    const limiter = new RateLimiter();
    const { started, permits } = queue(limiter, 4);
    await vi.advanceTimersByTimeAsync(0);
    permits[0]!.accepted(FRESH);
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toHaveLength(4);
    for (const gap of gaps(started.slice(1))) expectSpacing(gap, PACED);
    permits[0]!.release(answer(FRESH));
    expect(limiter.pace.requestsPerSecond).toBeCloseTo(20 * HEADER_HEADROOM, 5);
  });

  test("a probe counts once: headers with no limit yet, then its answer, widen the window by one place", async () => {
    const limiter = new RateLimiter();
    const { started, permits } = queue(limiter, 10);
    await vi.advanceTimersByTimeAsync(0);
    permits[0]!.accepted(NO_LIMIT_YET);
    permits[0]!.release(answer(NO_LIMIT_YET));
    await vi.advanceTimersByTimeAsync(1000);
    expect(limiter.pace.window).toBe(2);
    expect(started).toHaveLength(3);
  });

  test("with --rpm given, no call is a probe: the limit is known before the first", async () => {
    const limiter = new RateLimiter({ rpm: 600 });
    const permit = await limiter.acquire(0);
    expect(permit.probe).toBe(false);
  });
});

describe("RateLimiter: pacing once the headers state a limit", () => {
  test("limit ÷ 60 a second, evenly spaced, no window: 1,200 a minute is one start every 51.5 ms", async () => {
    const limiter = new RateLimiter();
    const { started, permits } = queue(limiter, 8);
    await vi.advanceTimersByTimeAsync(0);
    permits[0]!.release(answer(FRESH));
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toHaveLength(8);
    expect(limiter.pace.window).toBeUndefined();
    for (const gap of gaps(started.slice(1))) expectSpacing(gap, PACED);
    expect(limiter.pace.requestsPerSecond).toBeCloseTo(20 * HEADER_HEADROOM, 5);
  });

  test("a minute's remaining is never spent at once: remaining ÷ reset only slows the pace", async () => {
    const limiter = new RateLimiter();
    const first = queue(limiter, 1);
    await vi.advanceTimersByTimeAsync(0);
    // 1,199 left and full again in 50 ms: remaining ÷ reset would allow 24 a millisecond.
    first.permits[0]!.release(answer(FRESH));
    const { started } = queue(limiter, 5);
    await vi.advanceTimersByTimeAsync(2000);
    for (const gap of gaps(started)) expect(gap).toBeGreaterThanOrEqual(PACED - 1);
  });

  test("remaining low: slower; after the reset: back to the limit's pace, never a burst", async () => {
    const limiter = new RateLimiter();
    const first = queue(limiter, 1);
    await vi.advanceTimersByTimeAsync(0);
    // Something else is using the key: 10 left, full again in 30 s. 10 over 30 s is one per 3 s.
    first.permits[0]!.release(answer({ requestsLimit: 1200, remainingRequests: 10, requestsResetMs: 30_000 }));
    const slow = queue(limiter, 3);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(gaps(slow.started)).toEqual([3000, 3000]);
    // Idle, then the window is full again: the next starts are paced, not a burst of saved-up credit.
    for (const permit of slow.permits) permit.release(answer({ requestsLimit: 1200, remainingRequests: 1200, requestsResetMs: 0 }));
    await vi.advanceTimersByTimeAsync(60_000);
    const after = queue(limiter, 6);
    await vi.advanceTimersByTimeAsync(1000);
    expect(after.started[0]).toBe(Date.now() - 1000);
    for (const gap of gaps(after.started)) expectSpacing(gap, PACED);
  });

  test("nothing remaining holds every start until one request has refilled (reset ÷ limit)", async () => {
    const limiter = new RateLimiter();
    const first = queue(limiter, 1);
    await vi.advanceTimersByTimeAsync(0);
    first.permits[0]!.release(answer({ requestsLimit: 1200, remainingRequests: 0, requestsResetMs: 60_000 }));
    const { started } = queue(limiter, 1);
    await vi.advanceTimersByTimeAsync(49);
    expect(started).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual([50]);
  });

  test("a 429 halves the shared pace for every call and holds them for its retry-after; clean answers win it back", async () => {
    const limiter = new RateLimiter();
    const first = queue(limiter, 1);
    await vi.advanceTimersByTimeAsync(0);
    first.permits[0]!.release(answer(FRESH));
    const { started, permits } = queue(limiter, 3);
    await vi.advanceTimersByTimeAsync(200);
    expect(started).toHaveLength(3);
    // Two calls started together are refused: one halving, held 500 ms.
    const refusedAt = Date.now();
    permits[0]!.release(tooMany(500));
    permits[1]!.release(tooMany(500));
    expect(limiter.pace.requestsPerSecond).toBeCloseTo(10 * HEADER_HEADROOM, 5);
    const later = queue(limiter, 4);
    await vi.advanceTimersByTimeAsync(2000);
    expect(later.started[0]).toBe(refusedAt + 500);
    for (const gap of gaps(later.started)) expectSpacing(gap, 2 * PACED);
    for (const permit of [permits[2]!, ...later.permits]) permit.release(answer(FRESH));
    expect(limiter.pace.requestsPerSecond).toBeCloseTo(20 * HEADER_HEADROOM * (0.5 + 5 / 40), 5);
    for (let clean = 0; clean < 40; clean += 1) {
      const next = queue(limiter, 1);
      await vi.advanceTimersByTimeAsync(200);
      next.permits[0]!.release(answer(FRESH));
    }
    expect(limiter.pace.requestsPerSecond).toBeCloseTo(20 * HEADER_HEADROOM, 5);
  });

  test("token limits pace by each call's estimated tokens", async () => {
    const limiter = new RateLimiter();
    const first = queue(limiter, 1, 1000);
    await vi.advanceTimersByTimeAsync(0);
    // 60,000 tokens a minute is 1,000 a second (970 with the headroom): one 1,000-token call every 1.03 s.
    first.permits[0]!.release(answer({ tokensLimit: 60_000, remainingTokens: 59_000, tokensResetMs: 1000 }));
    const { started } = queue(limiter, 3, 1000);
    await vi.advanceTimersByTimeAsync(5000);
    for (const gap of gaps(started)) expectSpacing(gap, 1000 / HEADER_HEADROOM);
  });
});

describe("RateLimiter: --rpm and --tpm", () => {
  test("--rpm paces from the first call, no slow start: 60 rpm is one a second", async () => {
    const { started } = queue(new RateLimiter({ rpm: 60 }), 4);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(started).toEqual([0, 1000, 2000, 3000]);
  });

  test("--tpm paces tokens evenly over the minute: 2,500-token calls under 5,000 a minute start 30 s apart", async () => {
    const { started } = queue(new RateLimiter({ tpm: 5000 }), 4, 2500);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(started).toEqual([0, 30_000, 60_000, 90_000]);
  });

  test("the lower of --rpm and the headers' limit wins", async () => {
    for (const { rpm, spacing } of [{ rpm: 600, spacing: 100 }, { rpm: 6000, spacing: PACED }]) {
      const limiter = new RateLimiter({ rpm });
      const first = queue(limiter, 1);
      await vi.advanceTimersByTimeAsync(0);
      first.permits[0]!.release(answer(FRESH));
      const { started } = queue(limiter, 3);
      await vi.advanceTimersByTimeAsync(2000);
      for (const gap of gaps(started)) expectSpacing(gap, spacing);
    }
  });

  test("an abort ends the wait with a permit that counts nothing", async () => {
    const limiter = new RateLimiter({ tpm: 1000 });
    await limiter.acquire(1000);
    const controller = new AbortController();
    const waiting = limiter.acquire(1000, controller.signal);
    controller.abort();
    const permit = await waiting;
    permit.release(answer());
    expect(Date.now()).toBe(0);
  });
});

describe("rate-limit headers", () => {
  test.each([
    { value: "1s", expected: 1000 },
    { value: "6m0s", expected: 360_000 },
    { value: "250ms", expected: 250 },
    { value: "1m30.5s", expected: 90_500 },
    { value: "1970-01-01T00:00:02Z", expected: 2000 },
    { value: "nonsense", expected: undefined },
  ])("reset $value → $expected ms", ({ value, expected }) => {
    expect(parseReset(value, 0)).toBe(expected);
  });

  test("OpenAI and Anthropic header names", () => {
    expect(readRateLimitHeaders({ "x-ratelimit-limit-requests": "60", "x-ratelimit-limit-tokens": "150000", "x-ratelimit-remaining-requests": "59", "x-ratelimit-reset-requests": "1s", "x-ratelimit-remaining-tokens": "149000", "x-ratelimit-reset-tokens": "6m0s" }, 0)).toEqual({
      requestsLimit: 60, tokensLimit: 150_000, remainingRequests: 59, remainingTokens: 149_000, requestsResetMs: 1000, tokensResetMs: 360_000,
    });
    expect(readRateLimitHeaders({ "anthropic-ratelimit-requests-limit": "50", "anthropic-ratelimit-requests-remaining": "3", "anthropic-ratelimit-requests-reset": "1970-01-01T00:00:05Z" }, 0)).toEqual({ requestsLimit: 50, remainingRequests: 3, requestsResetMs: 5000 });
    expect(readRateLimitHeaders({}, 0)).toBeUndefined();
  });
});
