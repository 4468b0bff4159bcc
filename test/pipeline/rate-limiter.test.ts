import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { RateLimiter } from "../../src/pipeline/rate-limiter.js";
import { parseReset, readRateLimitHeaders } from "../../src/providers/rate-limit-headers.js";

beforeEach(() => void vi.useFakeTimers({ now: 0 }));
afterEach(() => void vi.useRealTimers());

/** Starts `count` acquisitions at once and records when each got through. */
async function startTimes(limiter: RateLimiter, count: number, tokens = 0, runFor = 10 * 60_000): Promise<number[]> {
  const times: number[] = [];
  const all = Promise.all(Array.from({ length: count }, () => limiter.acquire(tokens).then(() => times.push(Date.now()))));
  await vi.advanceTimersByTimeAsync(runFor);
  await all;
  return times;
}

describe("RateLimiter", () => {
  test("--rpm spaces starts evenly: 60 rpm is one a second", async () => {
    expect(await startTimes(new RateLimiter({ rpm: 60 }), 4)).toEqual([0, 1000, 2000, 3000]);
  });

  test("--tpm keeps a one-minute window of tokens", async () => {
    // 2,500 tokens per call under 5,000 per minute: two now, two a minute later.
    expect(await startTimes(new RateLimiter({ tpm: 5000 }), 4, 2500)).toEqual([0, 0, 60_000, 60_000]);
  });

  test("headers spread the remaining requests over the time to reset", async () => {
    const limiter = new RateLimiter();
    await limiter.acquire(0);
    limiter.observe({ remainingRequests: 4, requestsResetMs: 2000 });
    expect(await startTimes(limiter, 3)).toEqual([0, 500, 1000]);
  });

  test("an exhausted window or a 429 holds every start until it resets", async () => {
    const limiter = new RateLimiter();
    limiter.observe({ remainingRequests: 0, requestsResetMs: 1500 });
    expect(await startTimes(limiter, 2)).toEqual([1500, 1500]);
    limiter.hold(700);
    const later = await startTimes(limiter, 1);
    expect(later[0]! - Date.now()).toBeLessThanOrEqual(0);
    expect(later[0]).toBeGreaterThanOrEqual(1500 + 700 - 1);
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
    expect(readRateLimitHeaders({ "x-ratelimit-remaining-requests": "59", "x-ratelimit-reset-requests": "1s", "x-ratelimit-remaining-tokens": "149000", "x-ratelimit-reset-tokens": "6m0s" }, 0)).toEqual({
      remainingRequests: 59, remainingTokens: 149_000, requestsResetMs: 1000, tokensResetMs: 360_000,
    });
    expect(readRateLimitHeaders({ "anthropic-ratelimit-requests-remaining": "3", "anthropic-ratelimit-requests-reset": "1970-01-01T00:00:05Z" }, 0)).toEqual({ remainingRequests: 3, requestsResetMs: 5000 });
    expect(readRateLimitHeaders({}, 0)).toBeUndefined();
  });
});
