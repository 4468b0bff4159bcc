import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { ProviderError } from "../../src/errors/provider-error.js";
import { main } from "../../src/cli/main.js";
import { callWithRetries } from "../../src/pipeline/call-with-retries.js";
import { RateLimiter } from "../../src/pipeline/rate-limiter.js";
import { DEFAULT_RETRY_POLICY } from "../../src/pipeline/retry-policy.js";
import { createAnthropicProvider } from "../../src/providers/anthropic-provider.js";
import { createOpenAIProvider } from "../../src/providers/openai-provider.js";
import type { GenerateRequest, GenerateResult, Provider } from "../../src/providers/provider.js";
import { VERDICT_SCHEMA_NAME, verdictJsonSchema } from "../../src/verdict/verdict-schema.js";
import type { FakeLlmServer } from "../support/fake-llm-server.js";
import { useFakeLlmServers } from "../support/panel-fixtures.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";

const servers = useFakeLlmServers();
const REQUEST: Omit<GenerateRequest, "signal"> = {
  system: "system text",
  dossier: "<tool_dossier>\nName: X\n</tool_dossier>",
  instructions: "You are The Skeptic, reviewing the tool in the dossier above.",
  schema: verdictJsonSchema(),
  schemaName: VERDICT_SCHEMA_NAME,
  maxOutputTokens: 256,
};
const OK: GenerateResult = { ok: true, text: "{}", usage: { inputTokens: 1, cachedInputTokens: 0, outputTokens: 1 }, finishReason: { normalized: "stop", raw: "stop" }, latencyMs: 1, responseModel: "m" };
const CLAW = "fixtures/tools/claw-code.md";

/** A provider that answers from a script and notes the (fake) time of every request. */
function scriptedProvider(script: GenerateResult[]): Provider & { startedAt: number[] } {
  const startedAt: number[] = [];
  return {
    id: "openai",
    model: "m",
    startedAt,
    generate() {
      startedAt.push(Date.now());
      return Promise.resolve(script[startedAt.length - 1] ?? OK);
    },
  };
}

describe("a 429 holds the shared limiter (fake timers)", () => {
  beforeEach(() => void vi.useFakeTimers({ now: 0 }));
  afterEach(() => void vi.useRealTimers());

  test("a call that starts after another call's 429 waits out that 429's retry-after too", async () => {
    const limiter = new RateLimiter();
    const tooMany: GenerateResult = { ok: false, latencyMs: 1, error: new ProviderError("HTTP 429", { provider: "openai", model: "m", kind: "http", status: 429, retryable: true, retryAfterMs: 2000 }) };
    const first = scriptedProvider([tooMany, OK]);
    const second = scriptedProvider([OK]);
    const options = { policy: DEFAULT_RETRY_POLICY, timeoutMs: 60_000, limiter, random: () => 0 };
    const firstDone = callWithRetries(first, REQUEST, options);
    await vi.advanceTimersByTimeAsync(100);
    // The 429 came back at 0; a call of another job starting now shares the endpoint's limiter.
    const secondDone = callWithRetries(second, REQUEST, options);
    await vi.advanceTimersByTimeAsync(1800);
    expect(second.startedAt).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    await Promise.all([firstDone, secondDone]);
    expect(first.startedAt).toEqual([0, 2000]);
    expect(second.startedAt).toEqual([2000]);
  });
});

describe.each(["openai", "anthropic"] as const)("rate-limit headers through the %s SDK", (protocol) => {
  async function providerFor(server: FakeLlmServer): Promise<Provider> {
    return protocol === "openai"
      ? createOpenAIProvider({ id: "openai", model: "gpt-test", apiKey: "sk-test-limits", baseURL: server.openaiBaseUrl, timeoutMs: 10_000, maxTokensParameter: "max_tokens" })
      : createAnthropicProvider({ model: "claude-test", apiKey: "sk-ant-test-limits", baseURL: server.anthropicBaseUrl, timeoutMs: 10_000 });
  }

  test("a real response's rate-limit headers come back on the result, per minute as the services send them", async () => {
    const server = await servers.start({ requestsPerSecond: 5 });
    const result = await (await providerFor(server)).generate(REQUEST);
    if (!result.ok) throw result.error;
    expect(result.rateLimit).toMatchObject({ requestsLimit: 300, remainingRequests: 299 });
    // One request used of a bucket refilling at 5 a second: full again in about 200 ms.
    expect(result.rateLimit?.requestsResetMs).toBeGreaterThan(0);
    expect(result.rateLimit?.requestsResetMs).toBeLessThanOrEqual(1000);
  });

  test("40 reviews at once against a per-minute limit enforced per second: every review back, no 429 storm", async () => {
    // 10 a second, stated as 600 a minute with 599 remaining: a client that spends `remaining`
    // sends all 40 at once and 30 get a 429. Paced at limit ÷ 60 a second, none should.
    const server = await servers.start({ requestsPerSecond: 10 });
    let answered = 0;
    server.setHandler(() => {
      answered += 1;
      return { kind: "json", value: { verdict: "ship", confidence: 0.8, quote: `q${answered}`, rationale: "r", strengths: [], risks: [], pricingRead: null } };
    });
    const env = protocol === "openai" ? { OPENAI_API_KEY: "sk-test-paced", OPENAI_BASE_URL: server.openaiBaseUrl } : { ANTHROPIC_API_KEY: "sk-ant-test-paced", ANTHROPIC_BASE_URL: server.anthropicBaseUrl };
    const model = protocol === "openai" ? "openai:m" : "anthropic:claude-test";
    const run = await runCli(["review", CLAW, "--personas", "skeptic", "--samples", "40", "--concurrency", "40", "--model", model, "--out", await temporaryDirectory()], env);
    expect(run.code).toBe(0);
    expect(answered).toBe(40);
    const refused = server.calls.length - answered;
    expect(refused).toBeLessThanOrEqual(0.02 * server.calls.length);
  });

  test("the first call is streamed: the others start on its headers, before its answer is in", async () => {
    // Eight tools, one reviewer each: eight lead calls, none waiting on another for the prompt
    // cache. The first answer takes a second; headers, stating no limit, come when it is accepted.
    const server = await servers.start();
    server.setHandler((call) => ({ kind: "json", value: { verdict: "ship", confidence: 0.8, quote: `q${call.index}`, rationale: "r", strengths: [], risks: [], pricingRead: null }, delayMs: call.index === 0 ? 1000 : 0 }));
    const dir = await temporaryDirectory();
    const tools = join(dir, "tools.jsonl");
    await writeFile(tools, Array.from({ length: 8 }, (_, index) => JSON.stringify({ name: `Tool ${index}`, tagline: "t", category: "Dev tools", description: `Tool number ${index}.` })).join("\n"));
    const env = protocol === "openai" ? { OPENAI_API_KEY: "sk-test-probe", OPENAI_BASE_URL: server.openaiBaseUrl } : { ANTHROPIC_API_KEY: "sk-ant-test-probe", ANTHROPIC_BASE_URL: server.anthropicBaseUrl };
    const model = protocol === "openai" ? "openai:m" : "anthropic:claude-test";
    const run = await runCli(["batch", tools, "--personas", "skeptic", "--concurrency", "8", "--model", model, "--store", join(dir, "p.db"), "--out", join(dir, "out")], env);
    expect(run.code).toBe(0);
    expect(server.calls).toHaveLength(8);
    expect(server.calls.map((call) => call.body.stream === true)).toEqual([true, ...Array(7).fill(false)]);
    const probe = server.calls[0]!;
    // Every other call arrived while the probe's answer was still being made.
    for (const call of server.calls.slice(1)) expect(call.arrivedAt).toBeLessThan(probe.answeredAt!);
  });

  test("followed, they keep a run of calls under the server's limit: the server never answers 429", async () => {
    // Two requests a second, stated as 120 a minute: the limiter paces at limit ÷ 60 a second.
    // Without the headers the third call gets a 429.
    const server = await servers.start({ requestsPerSecond: 2 });
    const provider = await providerFor(server);
    const limiter = new RateLimiter();
    const statuses: (number | "ok")[] = [];
    for (let call = 0; call < 4; call += 1) {
      const { result } = await callWithRetries(provider, REQUEST, {
        policy: DEFAULT_RETRY_POLICY,
        timeoutMs: 10_000,
        limiter,
        onAttempt: (event) => statuses.push(event.result.ok ? "ok" : (event.result.error.status ?? 0)),
      });
      expect(result.ok).toBe(true);
    }
    expect(statuses).toEqual(["ok", "ok", "ok", "ok"]);
    expect(server.calls).toHaveLength(4);
  });
});

describe("--rpm and --tpm through the CLI", () => {
  test("--rpm 300 spaces the starts of 10 calls at least 200 ms apart", async () => {
    const arrivals: number[] = [];
    const server = await servers.start({
      handler: (call) => {
        arrivals.push(Date.now());
        return { kind: "json", value: { verdict: "ship", confidence: 0.8, quote: `q${call.index}`, rationale: "r", strengths: [], risks: [], pricingRead: null } };
      },
    });
    const run = await runCli(
      ["review", CLAW, "--personas", "skeptic", "--samples", "10", "--concurrency", "10", "--model", "openai:m", "--rpm", "300", "--out", await temporaryDirectory()],
      { OPENAI_API_KEY: "sk-test-rpm", OPENAI_BASE_URL: server.openaiBaseUrl },
    );
    expect(run.code).toBe(0);
    expect(arrivals).toHaveLength(10);
    // Starts are 200 ms apart; arrival order and transit vary, so only a generous lower bound on
    // the whole span (9 gaps: 1,800 ms) and never an upper one. Unpaced, ten calls arrive together.
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(1500);
  });

  test("--tpm paces calls by their estimated tokens; Ctrl-C ends the wait", async () => {
    // Each call is estimated at ~1,204 input + 100 output tokens: at 3,000 a minute (50 a second)
    // the second may start only about 26 s after the first.
    const listeners: (() => void)[] = [];
    const server = await servers.start();
    const dir = await temporaryDirectory();
    const done = main(
      ["review", CLAW, "--personas", "skeptic", "--samples", "3", "--concurrency", "3", "--max-output-tokens", "100", "--model", "openai:m", "--tpm", "3000", "--out", join(dir, "out"), "--store", join(dir, "p.db")],
      {
        stdout: () => {},
        stderr: () => {},
        env: { OPENAI_API_KEY: "sk-test-tpm", OPENAI_BASE_URL: server.openaiBaseUrl },
        cwd: dir,
        onInterrupt: (listener) => {
          listeners.push(listener);
          return () => void listeners.splice(listeners.indexOf(listener), 1);
        },
      },
    );
    await vi.waitFor(() => expect(server.calls).toHaveLength(1), { timeout: 10_000, interval: 20 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(server.calls).toHaveLength(1);
    // Twice: stop starting, then abort what waits.
    for (const listener of [...listeners]) listener();
    for (const listener of [...listeners]) listener();
    expect(await done).toBe(130);
    expect(server.calls).toHaveLength(1);
  });
});
