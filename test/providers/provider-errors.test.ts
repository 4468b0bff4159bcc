import { afterEach, describe, expect, test } from "vitest";
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
  test("Anthropic: the second persona call for a tool reads the dossier from cache", async () => {
    const provider = await providerFor("anthropic", { kind: "json", value: DEFAULT_VERDICT });
    const first = await provider.generate(request);
    const second = await provider.generate({ ...request, instructions: "You are The Futurist, reviewing the tool in the dossier above." });
    if (!first.ok || !second.ok) throw new Error("calls failed");
    expect(first.usage.cachedInputTokens).toBe(0);
    expect(second.usage.cachedInputTokens).toBeGreaterThan(100);
    expect(second.usage.inputTokens).toBeGreaterThan(second.usage.cachedInputTokens);
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
