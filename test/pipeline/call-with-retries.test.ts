import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { ProviderError, type ProviderErrorDetails } from "../../src/errors/provider-error.js";
import { callWithRetries, type AttemptEvent } from "../../src/pipeline/call-with-retries.js";
import { retryDelay, type RetryPolicy } from "../../src/pipeline/retry-policy.js";
import type { GenerateRequest, GenerateResult, Provider } from "../../src/providers/provider.js";
import { retryAfterMs } from "../../src/providers/retry-after.js";

const POLICY: RetryPolicy = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 30_000 };
const REQUEST = { system: "s", dossier: "d", instructions: "i", schema: {}, schemaName: "submit_verdict", maxOutputTokens: 100 };

function error(details: Partial<ProviderErrorDetails>): ProviderError {
  return new ProviderError("failed", { provider: "openai", model: "m", kind: "http", retryable: true, ...details });
}

const OK: GenerateResult = { ok: true, text: "{}", usage: { inputTokens: 1, cachedInputTokens: 0, outputTokens: 1 }, finishReason: { normalized: "stop", raw: "stop" }, latencyMs: 1, responseModel: "m" };

/** A provider that answers from a script, one entry per call; "hang" waits for the abort signal. */
function scriptedProvider(script: (GenerateResult | "hang")[]): Provider & { requests: GenerateRequest[] } {
  const requests: GenerateRequest[] = [];
  return {
    id: "openai",
    model: "m",
    requests,
    generate(request) {
      requests.push(request);
      const next = script[requests.length - 1] ?? OK;
      if (next !== "hang") return Promise.resolve(next);
      return new Promise((resolve) =>
        request.signal?.addEventListener("abort", () => resolve({ ok: false, error: error({ kind: "timeout" }), latencyMs: 0 })),
      );
    },
  };
}

const failure = (details: Partial<ProviderErrorDetails>): GenerateResult => ({ ok: false, error: error(details), latencyMs: 1 });

describe("retryDelay", () => {
  test.each([
    { name: "first retry: between half and all of the base", retry: 1, random: 0, expected: 250 },
    { name: "first retry, full jitter", retry: 1, random: 1, expected: 500 },
    { name: "doubles per retry", retry: 3, random: 1, expected: 2000 },
    { name: "capped at maxDelayMs", retry: 4, random: 1, expected: 4000 },
  ])("$name", ({ retry, random, expected }) => {
    expect(retryDelay(error({ status: 500 }), retry, POLICY, () => random)).toBe(expected);
  });
  test("the cap", () => {
    expect(retryDelay(error({ status: 500 }), 4, { ...POLICY, maxDelayMs: 1500 }, () => 1)).toBe(1500);
  });
  test("retry-after wins over backoff", () => {
    expect(retryDelay(error({ status: 429, retryAfterMs: 7000 }), 1, POLICY, () => 0)).toBe(7000);
  });
  test("nothing after the last retry, nothing for a non-retryable error", () => {
    expect(retryDelay(error({ status: 500 }), 5, POLICY)).toBeUndefined();
    expect(retryDelay(error({ status: 400, retryable: false }), 1, POLICY)).toBeUndefined();
  });
});

describe("retryAfterMs", () => {
  const now = Date.parse("2026-11-25T00:00:00Z");
  test.each([
    { headers: { "retry-after-ms": "150" }, expected: 150 },
    { headers: { "retry-after-ms": "150", "retry-after": "9" }, expected: 150 },
    { headers: { "retry-after": "2" }, expected: 2000 },
    { headers: { "retry-after": "0.5" }, expected: 500 },
    { headers: { "retry-after": "Wed, 25 Nov 2026 00:00:03 GMT" }, expected: 3000 },
    { headers: { "retry-after": "Tue, 24 Nov 2026 23:00:00 GMT" }, expected: 0 },
    { headers: { "retry-after": "3600" }, expected: 60_000 },
    { headers: { "retry-after": "soon" }, expected: undefined },
    { headers: {}, expected: undefined },
  ])("$headers → $expected", ({ headers, expected }) => {
    expect(retryAfterMs(headers, now)).toBe(expected);
  });
});

describe("callWithRetries (fake timers)", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  test("waits out retry-after, then backoff, and succeeds on the third attempt", async () => {
    const provider = scriptedProvider([failure({ status: 429, retryAfterMs: 2000 }), failure({ status: 503 }), OK]);
    const events: AttemptEvent[] = [];
    const done = callWithRetries(provider, REQUEST, { policy: POLICY, timeoutMs: 60_000, random: () => 1, onAttempt: (event) => events.push(event) });
    await vi.advanceTimersByTimeAsync(1999);
    expect(provider.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(provider.requests).toHaveLength(2);
    // Second retry: backoff 2 × 500 ms with full jitter.
    await vi.advanceTimersByTimeAsync(999);
    expect(provider.requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    const { result, attempts } = await done;
    expect(result.ok).toBe(true);
    expect(attempts).toBe(3);
    expect(events.map((event) => event.retryInMs)).toEqual([2000, 1000, undefined]);
  });

  test("never retries 400, 401, 403 or 404", async () => {
    for (const status of [400, 401, 403, 404]) {
      const provider = scriptedProvider([failure({ status, retryable: false })]);
      const { result, attempts } = await callWithRetries(provider, REQUEST, { policy: POLICY, timeoutMs: 1000 });
      expect(result.ok).toBe(false);
      expect(attempts).toBe(1);
    }
  });

  test("gives up after maxRetries and returns the last error", async () => {
    const provider = scriptedProvider(Array.from({ length: 10 }, () => failure({ status: 529 })));
    const done = callWithRetries(provider, REQUEST, { policy: { ...POLICY, maxRetries: 2 }, timeoutMs: 1000, random: () => 0 });
    await vi.runAllTimersAsync();
    const { result, attempts } = await done;
    expect(attempts).toBe(3);
    expect(!result.ok && result.error.status).toBe(529);
  });

  test("a call that hangs is abandoned at the timeout and retried", async () => {
    const provider = scriptedProvider(["hang", OK]);
    const done = callWithRetries(provider, REQUEST, { policy: POLICY, timeoutMs: 5000, random: () => 0 });
    await vi.advanceTimersByTimeAsync(4999);
    expect(provider.requests).toHaveLength(1);
    expect(provider.requests[0]!.signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(provider.requests[0]!.signal?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(250);
    const { result, attempts } = await done;
    expect(result.ok).toBe(true);
    expect(attempts).toBe(2);
  });

  test("an abort stops the waiting: no further attempt", async () => {
    const controller = new AbortController();
    const provider = scriptedProvider([failure({ status: 500 }), OK]);
    const done = callWithRetries(provider, REQUEST, { policy: POLICY, timeoutMs: 1000, signal: controller.signal, random: () => 1 });
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    const { result, attempts } = await done;
    expect(result.ok).toBe(false);
    expect(attempts).toBe(1);
  });
});
