import { afterEach, describe, expect, test } from "vitest";
import { createAnthropicProvider } from "../../src/providers/anthropic-provider.js";
import { createOpenAIProvider } from "../../src/providers/openai-provider.js";
import type { GenerateRequest, GenerateResult, Provider } from "../../src/providers/provider.js";
import type { RateLimitInfo } from "../../src/providers/rate-limit-headers.js";
import { VERDICT_SCHEMA_NAME, verdictJsonSchema } from "../../src/verdict/verdict-schema.js";
import { DEFAULT_VERDICT, startFakeLlmServer, type FakeLlmServer, type FakeLlmServerOptions, type FakeReply } from "../support/fake-llm-server.js";

// The rate limiter's probe (GenerateRequest.onAccepted) is asked as a stream, through the official
// SDKs, so that its headers arrive before its answer; the answer must be the one it would have been whole.

let server: FakeLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const request: GenerateRequest = {
  system: "system text",
  dossier: `<tool_dossier>\nName: X\n${"long dossier ".repeat(400)}\n</tool_dossier>`,
  instructions: "You are The Skeptic, reviewing the tool in the dossier above.",
  schema: verdictJsonSchema(),
  schemaName: VERDICT_SCHEMA_NAME,
  maxOutputTokens: 512,
};

type Protocol = "openai" | "anthropic";

async function providerFor(protocol: Protocol, handler: (call: { body: any; index: number }) => FakeReply, options: FakeLlmServerOptions = {}): Promise<Provider> {
  server = await startFakeLlmServer({ ...options, handler });
  return protocol === "openai"
    ? createOpenAIProvider({ id: "openai", model: "gpt-test", apiKey: "sk-test-probe", baseURL: server.openaiBaseUrl, timeoutMs: 10_000, maxTokensParameter: "max_tokens" })
    : createAnthropicProvider({ model: "claude-test", apiKey: "sk-ant-test-probe", baseURL: server.anthropicBaseUrl, timeoutMs: 10_000 });
}

/** The result without its wall time, which differs between any two calls. */
const withoutLatency = (result: GenerateResult): unknown => ({ ...result, latencyMs: undefined, ...(result.ok ? {} : { error: { ...result.error, message: result.error.message } }) });

describe.each(["openai", "anthropic"] as const)("the %s probe, streamed", (protocol) => {
  const replies: [string, FakeReply, GenerateRequest["mode"]?][] = [
    ["a verdict", { kind: "json", value: DEFAULT_VERDICT }],
    ["prose around JSON", { kind: "text", text: 'Here you go: {"verdict":"skip"} — done.' }, "prompt"],
    ["an answer cut off at the token limit", { kind: "text", text: '{"verdict":"ship","quote":"Half', finishReason: "length" }, "prompt"],
    ["a refusal", { kind: "refusal", text: "I can't help with that." }],
    ["an empty answer", { kind: "empty" }],
  ];

  test.each(replies)("%s comes back as it would have whole: text, usage, finish reason, model", async (_name, reply, mode) => {
    const provider = await providerFor(protocol, () => reply, { promptCache: false });
    const asked = mode ? { ...request, mode } : request;
    const whole = await provider.generate(asked);
    const accepted: (RateLimitInfo | undefined)[] = [];
    const streamed = await provider.generate({ ...asked, onAccepted: (info) => accepted.push(info) });
    expect(server!.calls.map((call) => call.body.stream)).toEqual([undefined, true]);
    if (protocol === "openai") expect(server!.calls[1]!.body.stream_options).toEqual({ include_usage: true });
    expect(accepted).toEqual([undefined]);
    expect(withoutLatency(streamed)).toEqual(withoutLatency(whole));
    if (reply.kind === "json") expect(streamed.ok && JSON.parse(streamed.text)).toEqual(DEFAULT_VERDICT);
  });

  test("the prompt cache's reads are counted on a streamed answer too", async () => {
    const provider = await providerFor(protocol, () => ({ kind: "json", value: DEFAULT_VERDICT }), { cacheMinTokens: 128 });
    await provider.generate(request);
    const streamed = await provider.generate({ ...request, onAccepted: () => {} });
    if (!streamed.ok) throw streamed.error;
    const billed = server!.calls[1]!.promptCache!;
    expect(billed.cacheReadTokens).toBeGreaterThan(0);
    expect(streamed.usage.cachedInputTokens).toBe(billed.cacheReadTokens);
    expect(streamed.usage.inputTokens).toBe(billed.promptTokens);
  });

  test("its rate-limit headers reach the limiter before its answer does", async () => {
    // The answer takes a minute; the headers come when the server accepts the request.
    const provider = await providerFor(protocol, () => ({ kind: "json", value: DEFAULT_VERDICT, delayMs: 60_000 }), { requestsPerSecond: 10 });
    const controller = new AbortController();
    let settled = false;
    const headers = new Promise<RateLimitInfo | undefined>((resolve) => {
      void provider.generate({ ...request, signal: controller.signal, onAccepted: resolve }).then(() => (settled = true));
    });
    expect(await headers).toMatchObject({ requestsLimit: 600, remainingRequests: 599 });
    expect(settled).toBe(false);
    expect(server!.calls[0]!.answeredAt).toBeUndefined();
    controller.abort();
  });

  test("a stream cut off mid-answer is a dropped connection, to be retried", async () => {
    const provider = await providerFor(protocol, () => ({ kind: "truncated-body" }));
    const result = await provider.generate({ ...request, onAccepted: () => {} });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ kind: "connection", retryable: true });
  });

  test("an error status comes back as it would have whole, and the limiter is not told of headers", async () => {
    const provider = await providerFor(protocol, () => ({ kind: "error", status: 429, headers: { "retry-after-ms": "250" } }));
    const accepted: unknown[] = [];
    const result = await provider.generate({ ...request, onAccepted: (info) => accepted.push(info) });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 250 });
    expect(accepted).toEqual([]);
  });
});

describe("an OpenAI-compatible server that takes no streams", () => {
  test("is asked whole, then and from then on, when its 400 names the stream", async () => {
    const provider = await providerFor("openai", (call) =>
      call.body.stream ? { kind: "error", status: 400, message: "Unrecognized request argument supplied: stream_options" } : { kind: "json", value: DEFAULT_VERDICT },
    );
    const first = await provider.generate({ ...request, onAccepted: () => {} });
    const second = await provider.generate({ ...request, onAccepted: () => {} });
    expect([first.ok, second.ok]).toEqual([true, true]);
    expect(server!.calls.map((call) => call.body.stream ?? false)).toEqual([true, false, false]);
  });

  test("any other 400 is the request's own: returned, not asked again", async () => {
    const provider = await providerFor("openai", () => ({ kind: "error", status: 400, message: "response_format json_schema is not supported" }));
    const result = await provider.generate({ ...request, onAccepted: () => {} });
    expect(result.ok).toBe(false);
    expect(server!.calls).toHaveLength(1);
  });
});
