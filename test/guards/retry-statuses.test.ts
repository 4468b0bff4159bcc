import { describe, expect, test } from "vitest";
import { main } from "../../src/cli/main.js";
import { callWithRetries } from "../../src/pipeline/call-with-retries.js";
import type { RetryPolicy } from "../../src/pipeline/retry-policy.js";
import { createAnthropicProvider } from "../../src/providers/anthropic-provider.js";
import { createOpenAIProvider } from "../../src/providers/openai-provider.js";
import type { GenerateRequest, Provider } from "../../src/providers/provider.js";
import { VERDICT_SCHEMA_NAME, verdictJsonSchema } from "../../src/verdict/verdict-schema.js";
import { DEFAULT_VERDICT, type FakeLlmServer } from "../support/fake-llm-server.js";
import { useFakeLlmServers } from "../support/panel-fixtures.js";

const servers = useFakeLlmServers();
const REQUEST: Omit<GenerateRequest, "signal"> = {
  system: "system text",
  dossier: "<tool_dossier>\nName: X\n</tool_dossier>",
  instructions: "You are The Skeptic, reviewing the tool in the dossier above.",
  schema: verdictJsonSchema(),
  schemaName: VERDICT_SCHEMA_NAME,
  maxOutputTokens: 256,
};
/** Backoff of zero: the retry decision is what is under test, so no time passes (no sleeps, no timers to fake). */
const NO_WAIT: RetryPolicy = { maxRetries: 3, baseDelayMs: 0, maxDelayMs: 0 };

describe.each(["openai", "anthropic"] as const)("which statuses are retried, through the %s SDK and the retry loop", (protocol) => {
  function providerFor(server: FakeLlmServer): Provider {
    return protocol === "openai"
      ? createOpenAIProvider({ id: "openai", model: "gpt-test", apiKey: "sk-test-statuses", baseURL: server.openaiBaseUrl, timeoutMs: 10_000, maxTokensParameter: "max_tokens" })
      : createAnthropicProvider({ model: "claude-test", apiKey: "sk-ant-test-statuses", baseURL: server.anthropicBaseUrl, timeoutMs: 10_000 });
  }

  test.each([408, 409])("%i is retried: the second attempt succeeds", async (status) => {
    const server = await servers.start({ handler: (call) => (call.attempt === 1 ? { kind: "error", status } : { kind: "json", value: DEFAULT_VERDICT }) });
    const { result, attempts } = await callWithRetries(providerFor(server), REQUEST, { policy: NO_WAIT, timeoutMs: 10_000 });
    expect(result.ok).toBe(true);
    expect(attempts).toBe(2);
    expect(server.calls).toHaveLength(2);
  });

  test.each([403, 404])("%i is tried exactly once and fails as http with that status", async (status) => {
    const server = await servers.start({ handler: () => ({ kind: "error", status }) });
    const { result, attempts } = await callWithRetries(providerFor(server), REQUEST, { policy: NO_WAIT, timeoutMs: 10_000 });
    expect(attempts).toBe(1);
    expect(server.calls).toHaveLength(1);
    if (result.ok) throw new Error("expected a failure");
    expect(result.error).toMatchObject({ kind: "http", status, retryable: false, provider: protocol });
  });
});

describe("exit code 3", () => {
  test("an error that is not Panelist's own (a stdout that throws) is an internal error: code 3, said plainly, without secrets", async () => {
    const key = "0123456789abcdef0123456789abcdef01234567";
    let stderr = "";
    const code = await main(["--version"], {
      stdout: () => {
        throw new TypeError(`stdout is gone (${key})`);
      },
      stderr: (text) => void (stderr += text),
      env: { TOGETHER_API_KEY: key },
      cwd: process.cwd(),
    });
    expect(code).toBe(3);
    expect(stderr).toMatch(/^panelist: internal error: TypeError: stdout is gone \(\[redacted\]\)/);
    expect(stderr).not.toContain(key);
  });
});
