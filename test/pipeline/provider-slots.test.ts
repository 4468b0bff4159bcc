import pLimit from "p-limit";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { ProviderError } from "../../src/errors/provider-error.js";
import { callWithRetries } from "../../src/pipeline/call-with-retries.js";
import type { GenerateRequest, GenerateResult, Provider } from "../../src/providers/provider.js";

const POLICY = { maxRetries: 0, baseDelayMs: 500, maxDelayMs: 30_000 };
const REQUEST = { system: "s", dossier: "d", instructions: "i", schema: {}, schemaName: "submit_verdict", maxOutputTokens: 100 };

/**
 * A provider that takes `workMs` of (fake) time per call and fails with a timeout if its signal
 * is aborted first, as the local provider does. It counts how many calls run at once.
 */
function slowProvider(workMs: number): Provider & { peak: number } {
  let running = 0;
  const provider = {
    id: "local",
    model: "m",
    maxConcurrency: 1,
    peak: 0,
    generate(request: GenerateRequest): Promise<GenerateResult> {
      running += 1;
      provider.peak = Math.max(provider.peak, running);
      return new Promise((resolve) => {
        const done = (result: GenerateResult): void => {
          running -= 1;
          clearTimeout(timer);
          resolve(result);
        };
        const timer = setTimeout(() => done({ ok: true, text: "{}", usage: { inputTokens: 1, cachedInputTokens: 0, outputTokens: 1 }, finishReason: { normalized: "stop", raw: "stop" }, latencyMs: workMs, responseModel: "m" }), workMs);
        if (request.signal?.aborted) done({ ok: false, error: new ProviderError("timed out", { provider: "local", model: "m", kind: "timeout", retryable: false }), latencyMs: 0 });
        request.signal?.addEventListener("abort", () => done({ ok: false, error: new ProviderError("timed out", { provider: "local", model: "m", kind: "timeout", retryable: false }), latencyMs: 0 }));
      });
    },
  };
  return provider;
}

describe("a provider's own concurrency limit (slots)", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test("calls wait for a slot, one at a time, and the wait does not count against the timeout", async () => {
    const provider = slowProvider(1000);
    const slot = pLimit(1);
    // Three calls of 1 s each, a 1.5 s timeout: the third finishes at 3 s, after 2 s queued.
    const calls = [1, 2, 3].map(() => callWithRetries(provider, REQUEST, { policy: POLICY, timeoutMs: 1500, slot }));
    await vi.advanceTimersByTimeAsync(3500);
    const results = await Promise.all(calls);
    expect(results.map(({ result }) => result.ok)).toEqual([true, true, true]);
    expect(provider.peak).toBe(1);
  });

  test("without the slot the same timeout would cut the queued calls (the engine's own queue is timed)", async () => {
    const provider = slowProvider(1000);
    // The provider serialises nothing here, so this shows what the timeout measures: one attempt.
    const engineQueue = pLimit(1);
    const queued = { ...provider, generate: (request: GenerateRequest) => engineQueue(() => provider.generate(request)) };
    const calls = [1, 2, 3].map(() => callWithRetries(queued, REQUEST, { policy: POLICY, timeoutMs: 1500 }));
    await vi.advanceTimersByTimeAsync(3500);
    const results = await Promise.all(calls);
    expect(results.map(({ result }) => result.ok)).toEqual([true, false, false]);
  });

  test("a call aborted while queued starts aborted and ends at once", async () => {
    const provider = slowProvider(1000);
    const slot = pLimit(1);
    const controller = new AbortController();
    const first = callWithRetries(provider, REQUEST, { policy: POLICY, timeoutMs: 5000, slot });
    const second = callWithRetries(provider, REQUEST, { policy: POLICY, timeoutMs: 5000, slot, signal: controller.signal });
    controller.abort();
    await vi.advanceTimersByTimeAsync(1000);
    const [a, b] = await Promise.all([first, second]);
    expect(a.result.ok).toBe(true);
    expect(!b.result.ok && b.result.error.kind).toBe("timeout");
  });
});
