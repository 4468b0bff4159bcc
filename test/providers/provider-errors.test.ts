import { afterEach, describe, expect, test } from "vitest";
import { costOf, findPrice, maxCostOf } from "../../src/cost/price-table.js";
import { createAnthropicProvider } from "../../src/providers/anthropic-provider.js";
import { createOpenAIProvider } from "../../src/providers/openai-provider.js";
import type { GenerateRequest, GenerateResult, Provider } from "../../src/providers/provider.js";
import { VERDICT_SCHEMA_NAME, verdictJsonSchema } from "../../src/verdict/verdict-schema.js";
import { DEFAULT_VERDICT, startFakeLlmServer, type FakeLlmServer, type FakeReply } from "../support/fake-llm-server.js";

const KEY = "sk-test-provider-key-123456";
let server: FakeLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const request: GenerateRequest = {
  system: "system text",
  dossier: `<tool_dossier>\nName: X\n${"long dossier ".repeat(50)}\n</tool_dossier>`,
  instructions: "You are The Skeptic, reviewing the tool in the dossier above.",
  schema: verdictJsonSchema(),
  schemaName: VERDICT_SCHEMA_NAME,
  maxOutputTokens: 512,
};

type Protocol = "openai" | "anthropic";

async function providerFor(protocol: Protocol, reply: FakeReply | ((attempt: number) => FakeReply), timeoutMs = 5000): Promise<Provider> {
  server = await startFakeLlmServer({ requireKey: KEY, handler: (call) => (typeof reply === "function" ? reply(call.attempt) : reply) });
  return protocol === "openai"
    ? createOpenAIProvider({ id: "openai", model: "gpt-test", apiKey: KEY, baseURL: server.openaiBaseUrl, timeoutMs, maxTokensParameter: "max_tokens" })
    : createAnthropicProvider({ model: "claude-test", apiKey: KEY, baseURL: server.anthropicBaseUrl, timeoutMs });
}

function failure(result: GenerateResult) {
  if (result.ok) throw new Error(`expected a failure, got ${result.text}`);
  return result.error;
}

describe.each(["openai", "anthropic"] as const)("%s provider through the official SDK", (protocol) => {
  test("a verdict comes back with usage, latency, finish reason and the model the API named", async () => {
    const provider = await providerFor(protocol, { kind: "json", value: DEFAULT_VERDICT });
    const result = await provider.generate(request);
    if (!result.ok) throw result.error;
    expect(JSON.parse(result.text)).toEqual(DEFAULT_VERDICT);
    expect(result.finishReason.normalized).toBe("stop");
    expect(result.finishReason.raw).toBe(protocol === "openai" ? "stop" : "tool_use");
    expect(result.usage.inputTokens).toBeGreaterThan(100);
    expect(result.usage.outputTokens).toBeGreaterThan(10);
    expect(result.responseModel).toBe(protocol === "openai" ? "gpt-test" : "claude-test");
  });

  test("429 with retry-after is retryable and carries the wait", async () => {
    const provider = await providerFor(protocol, { kind: "error", status: 429, headers: { "retry-after": "2" } });
    const error = failure(await provider.generate(request));
    expect(error).toMatchObject({ kind: "http", status: 429, retryable: true, retryAfterMs: 2000, provider: protocol });
  });

  test("retry-after-ms wins over retry-after", async () => {
    const provider = await providerFor(protocol, { kind: "error", status: 503, headers: { "retry-after-ms": "150", "retry-after": "9" } });
    expect(failure(await provider.generate(request))).toMatchObject({ status: 503, retryable: true, retryAfterMs: 150 });
  });

  test("400 is not retryable", async () => {
    const provider = await providerFor(protocol, { kind: "error", status: 400, message: "response_format is not supported" });
    const error = failure(await provider.generate(request));
    expect(error).toMatchObject({ kind: "http", status: 400, retryable: false });
    expect(error.message).toContain("response_format is not supported");
  });

  test("a hanging call times out", async () => {
    const provider = await providerFor(protocol, { kind: "hang" }, 200);
    expect(failure(await provider.generate(request))).toMatchObject({ kind: "timeout", retryable: true });
  });

  test("a reset connection and a cut-off body are retryable connection failures", async () => {
    const reset = await providerFor(protocol, { kind: "reset" });
    expect(failure(await reset.generate(request))).toMatchObject({ kind: "connection", retryable: true });
    await server?.close();
    const truncated = await providerFor(protocol, { kind: "truncated-body" });
    expect(failure(await truncated.generate(request))).toMatchObject({ retryable: true });
  });

  test("a refusal is its own failure, not retried", async () => {
    const provider = await providerFor(protocol, { kind: "refusal", text: "I can't help with that." });
    const error = failure(await provider.generate(request));
    expect(error).toMatchObject({ kind: "refusal", retryable: false, responseBody: "I can't help with that." });
  });

  test("an empty answer is its own failure", async () => {
    const provider = await providerFor(protocol, { kind: "empty" });
    expect(failure(await provider.generate(request))).toMatchObject({ kind: "empty" });
  });

  test("an answer cut off at the token limit says so", async () => {
    const provider = await providerFor(protocol, { kind: "text", text: '{"verdict": "ship", "conf', finishReason: "length" });
    const result = await provider.generate(request);
    expect(result.ok && result.finishReason.normalized).toBe("length");
  });

  test("a wrong key is a 401 whose message never shows the key", async () => {
    server = await startFakeLlmServer({ requireKey: "the-right-key-0000" });
    const provider =
      protocol === "openai"
        ? createOpenAIProvider({ id: "openai", model: "m", apiKey: KEY, baseURL: server.openaiBaseUrl, timeoutMs: 5000, maxTokensParameter: "max_tokens" })
        : createAnthropicProvider({ model: "m", apiKey: KEY, baseURL: server.anthropicBaseUrl, timeoutMs: 5000 });
    const error = failure(await provider.generate(request));
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect(`${error.message} ${error.responseBody ?? ""}`).not.toContain(KEY);
  });
});

describe("prompt caching", () => {
  /** Two persona calls for one tool through Anthropic, with a run-wide system prompt long enough to cache. */
  async function twoAnthropicPersonaCalls() {
    const provider = await providerFor("anthropic", { kind: "json", value: DEFAULT_VERDICT });
    // A run-wide system prompt past the 1,024-token minimum (the fake server counts four characters a token).
    const long = { ...request, system: "panel rules ".repeat(400) };
    const first = await provider.generate(long);
    const second = await provider.generate({ ...long, instructions: "You are The Futurist, reviewing the tool in the dossier above." });
    if (!first.ok || !second.ok) throw new Error("calls failed");
    return { long, first, second };
  }

  test("Anthropic: the second persona call for a tool reads the system prompt and dossier from cache", async () => {
    const { long, first, second } = await twoAnthropicPersonaCalls();
    expect(first.usage.cachedInputTokens).toBe(0);
    // Everything up to the dossier's breakpoint: tool definition, system prompt, dossier.
    const body = server!.calls[1]!.body;
    const prefixChars = JSON.stringify(body.tools[0]).length + long.system.length + long.dossier.length;
    expect(second.usage.cachedInputTokens).toBe(Math.ceil(prefixChars / 4));
    expect(second.usage.inputTokens).toBeGreaterThan(second.usage.cachedInputTokens);
  });

  test("Anthropic: the call that writes the cache reports the write, and its cost prices it at 1.25× input", async () => {
    const { first, second } = await twoAnthropicPersonaCalls();
    const written = first.usage.cacheWriteInputTokens ?? 0;
    expect(written).toBeGreaterThan(1024);
    expect(written).toBeLessThan(first.usage.inputTokens);
    expect(second.usage.cacheWriteInputTokens ?? 0).toBe(0);
    const price = findPrice("anthropic:claude-sonnet-5")!;
    expect(price).toMatchObject({ input: 2, cachedInput: 0.2, cacheWrite: 2.5 });
    const plain = first.usage.inputTokens - written;
    expect(costOf(first.usage, price)).toBeCloseTo((plain * 2 + written * 2.5 + first.usage.outputTokens * 10) / 1e6, 12);
    const read = second.usage.cachedInputTokens;
    expect(costOf(second.usage, price)).toBeCloseTo(((second.usage.inputTokens - read) * 2 + read * 0.2 + second.usage.outputTokens * 10) / 1e6, 12);
    // What a budget reserves before the call covers the dearest case: every input token a write.
    expect(maxCostOf(first.usage.inputTokens, first.usage.outputTokens, price)).toBeGreaterThanOrEqual(costOf(first.usage, price));
  });

  test("Anthropic: a prefix shorter than the model's minimum cacheable length is not cached", async () => {
    server = await startFakeLlmServer();
    const short = createAnthropicProvider({ model: "claude-opus-4-1", apiKey: KEY, baseURL: server.anthropicBaseUrl, timeoutMs: 5000 });
    // About 1,200 tokens: enough for Opus 4.1 (1,024, as for Sonnet 4.5), not for Haiku 4.5 (4,096).
    const long = { ...request, system: "panel rules ".repeat(400) };
    const haiku = createAnthropicProvider({ model: "claude-haiku-4-5", apiKey: KEY, baseURL: server.anthropicBaseUrl, timeoutMs: 5000 });
    for (const provider of [short, haiku]) await provider.generate(long);
    const again = await Promise.all([short, haiku].map((provider) => provider.generate({ ...long, instructions: "Another reviewer." })));
    expect(again.map((result) => (result.ok ? result.usage.cachedInputTokens : -1))).toEqual([expect.any(Number), 0]);
    expect(again[0]!.ok && again[0]!.usage.cachedInputTokens).toBeGreaterThan(1024);
    // The short prompt of the other tests (under 1,024 tokens) is not cached at all.
    await short.generate(request);
    const repeat = await short.generate(request);
    expect(repeat.ok && repeat.usage.cachedInputTokens).toBe(0);
  });

  test("a cache entry is readable only once the call that wrote it is answered, as with the services", async () => {
    server = await startFakeLlmServer({ latencyMs: 60 });
    const provider = createAnthropicProvider({ model: "claude-opus-4-1", apiKey: KEY, baseURL: server.anthropicBaseUrl, timeoutMs: 5000 });
    const long = { ...request, system: "panel rules ".repeat(400) };
    // Two calls in flight together both miss; a call after them reads the entry.
    const together = await Promise.all(["One.", "Two."].map((instructions) => provider.generate({ ...long, instructions })));
    expect(together.map((result) => result.ok && result.usage.cachedInputTokens)).toEqual([0, 0]);
    const after = await provider.generate({ ...long, instructions: "Three." });
    expect(after.ok && after.usage.cachedInputTokens).toBeGreaterThan(1024);
  });

  test("OpenAI: nothing is cached under 1,024 tokens; past it, in steps of 128", async () => {
    server = await startFakeLlmServer();
    const provider = createOpenAIProvider({ id: "openai", model: "m", apiKey: KEY, baseURL: server.openaiBaseUrl, timeoutMs: 5000, maxTokensParameter: "max_tokens" });
    await provider.generate(request);
    const short = await provider.generate({ ...request, instructions: "Someone else." });
    expect(short.ok && short.usage.cachedInputTokens).toBe(0);
    // A system prompt of 4,800 characters (1,200 tokens here): the shared prefix (system, newline,
    // dossier, blank line) rounds down to whole blocks of 128 tokens (512 characters).
    const long = { ...request, system: "panel rules ".repeat(400) };
    await provider.generate(long);
    const second = await provider.generate({ ...long, instructions: "Someone else." });
    const sharedChars = long.system.length + 1 + long.dossier.length + 2;
    expect(second.ok && second.usage.cachedInputTokens).toBe(Math.floor(sharedChars / 512) * 128);
    expect(Math.floor(sharedChars / 512) * 128).toBeGreaterThanOrEqual(1024);
  });

  test("OpenAI: cached_tokens is reported as cached input", async () => {
    server = await startFakeLlmServer({ cacheMinTokens: 64 });
    const provider = createOpenAIProvider({ id: "openai", model: "m", apiKey: KEY, baseURL: server.openaiBaseUrl, timeoutMs: 5000, maxTokensParameter: "max_tokens" });
    const long = { ...request, dossier: `<tool_dossier>\n${"word ".repeat(400)}\n</tool_dossier>` };
    await provider.generate(long);
    const second = await provider.generate({ ...long, instructions: "You are someone else." });
    // The shared prefix (system + dossier, about 2,060 characters ≈ 515 tokens) rounds down to 4 × 128.
    expect(second.ok && second.usage.cachedInputTokens).toBe(512);
  });
});
