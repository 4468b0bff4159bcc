import { PassThrough } from "node:stream";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { createProgressDisplay } from "../../src/cli/progress-display.js";

beforeEach(() => void vi.useFakeTimers({ now: 0 }));
afterEach(() => void vi.useRealTimers());

function capture(isTTY: boolean): { stream: PassThrough & { isTTY?: boolean; columns?: number }; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 160 });
  let text = "";
  stream.on("data", (chunk: Buffer) => void (text += chunk.toString()));
  return { stream, text: () => text };
}

const progress = { total: 100, done: 40, failed: 2, cached: 5, inputTokens: 9000, outputTokens: 1000, costUsd: 0.0123 };

test("off a terminal: one plain line every 5 seconds with done/total, failed, cached, rate, tokens, cost and ETA", async () => {
  const { stream, text } = capture(false);
  const display = createProgressDisplay(stream, () => Date.now());
  display.update(progress);
  await vi.advanceTimersByTimeAsync(4999);
  expect(text()).toBe("");
  await vi.advanceTimersByTimeAsync(1);
  // 42 finished in 5 s = 8.4/s; 58 left → ETA 7 s.
  expect(text()).toBe("progress: 42/100 reviews, 2 failed, 5 cached, 8.4/s, 10000 tokens, $0.0123, ETA 7 s\n");
  display.stop();
  await vi.advanceTimersByTimeAsync(10_000);
  expect(text().split("\n").filter(Boolean)).toHaveLength(1);
});

test("on a terminal: a bar with the same figures", async () => {
  const { stream, text } = capture(true);
  const display = createProgressDisplay(stream, () => Date.now());
  await vi.advanceTimersByTimeAsync(2000);
  display.update(progress);
  display.stop();
  expect(text()).toMatch(/42\/100 reviews · 2 failed · 5 cached · \d+(\.\d)?\/s · 10000 tokens · \$0\.0123 · ETA/);
});
