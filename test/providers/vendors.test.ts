import { afterEach, describe, expect, test } from "vitest";
import { resolveConfig } from "../../src/config/resolve-config.js";
import { ConfigError } from "../../src/errors/config-error.js";
import { StructuredModes } from "../../src/pipeline/structured-modes.js";
import { assertBatchApiModels, BATCH_API_PROVIDERS, createBatchApi } from "../../src/providers/create-batch-api.js";
import { createProvider } from "../../src/providers/create-provider.js";
import { resolveCredentials } from "../../src/providers/credentials.js";
import { DEFAULT_LOCAL_MODEL } from "../../src/providers/local-models.js";
import type { Provider } from "../../src/providers/provider.js";
import { findVendor, KNOWN_PROVIDERS, VENDORS } from "../../src/providers/vendors.js";
import { VERDICT_SCHEMA_NAME, verdictJsonSchema } from "../../src/verdict/verdict-schema.js";
import { startFakeLlmServer, type FakeLlmServer } from "../support/fake-llm-server.js";

const base = { flags: {}, flagNames: {}, dotenv: {}, environment: {} };
const SETTINGS = { timeoutMs: 5000 };
let server: FakeLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A provider that is never called: StructuredModes reads only its id and model. */
function idle(id: string): Provider {
  return { id, model: "m", generate: async () => { throw new Error("not called"); } };
}

describe("the vendor registry drives everything that knows about vendors", () => {
  // Each vendor as Panelist knew it before the registry: base URL, key and base-URL variables, key optional, token parameter.
  test.each([
    ["anthropic", "anthropic", "https://api.anthropic.com", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", false, undefined],
    ["openai", "openai-compatible", "https://api.openai.com/v1", "OPENAI_API_KEY", "OPENAI_BASE_URL", false, "max_completion_tokens"],
    ["gemini", "openai-compatible", "https://generativelanguage.googleapis.com/v1beta/openai/", "GEMINI_API_KEY", "GEMINI_BASE_URL", false, "max_tokens"],
    ["ollama", "openai-compatible", "http://localhost:11434/v1", undefined, "OLLAMA_BASE_URL", true, "max_tokens"],
    ["vllm", "openai-compatible", undefined, "VLLM_API_KEY", "VLLM_BASE_URL", true, "max_tokens"],
    ["openrouter", "openai-compatible", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", "OPENROUTER_BASE_URL", false, "max_tokens"],
    ["groq", "openai-compatible", "https://api.groq.com/openai/v1", "GROQ_API_KEY", "GROQ_BASE_URL", false, "max_tokens"],
    ["together", "openai-compatible", "https://api.together.xyz/v1", "TOGETHER_API_KEY", "TOGETHER_BASE_URL", false, "max_tokens"],
    ["deepseek", "openai-compatible", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY", "DEEPSEEK_BASE_URL", false, "max_tokens"],
    ["local", "local", undefined, undefined, undefined, true, undefined],
  ])("%s: %s, %s, key %s, base URL %s", (id, protocol, baseURL, apiKeyVariable, baseUrlVariable, keyOptional, maxTokensParameter) => {
    const vendor = findVendor(id)!;
    expect(vendor).toMatchObject({ id, protocol, keyOptional });
    expect(vendor.baseURL).toBe(baseURL);
    expect(vendor.apiKeyVariable).toBe(apiKeyVariable);
    expect(vendor.baseUrlVariable).toBe(baseUrlVariable);
    expect(vendor.protocol === "openai-compatible" ? vendor.maxTokensParameter : undefined).toBe(maxTokensParameter);
  });

  test("KNOWN_PROVIDERS is the registry's ids, in its order, and an unknown one lists them", async () => {
    expect(KNOWN_PROVIDERS).toEqual(VENDORS.map((vendor) => vendor.id));
    expect(KNOWN_PROVIDERS).toEqual(["anthropic", "openai", "gemini", "ollama", "vllm", "openrouter", "groq", "together", "deepseek", "local"]);
    await expect(createProvider({ provider: "acme", model: "m" }, { ...SETTINGS, credentials: resolveCredentials({}) })).rejects.toThrow(
      `--model: unknown provider "acme"; known: ${KNOWN_PROVIDERS.join(", ")}`,
    );
  });

  test.each([
    ["anthropic", ["tool", "prompt"]],
    ["openai", ["json_schema", "json_object", "prompt"]],
    ["gemini", ["json_schema", "json_object", "prompt"]],
    ["ollama", ["json_schema", "json_object", "prompt"]],
    ["local", ["json_schema", "json_object", "prompt"]],
    ["some-other-server", ["json_schema", "json_object", "prompt"]],
  ])("structured-output ladder of %s: %j", (id, ladder) => {
    if (findVendor(id)) expect(findVendor(id)!.structuredModes).toEqual(ladder);
    const modes = new StructuredModes("auto");
    const provider = idle(id);
    const walked = [modes.modeFor(provider)];
    for (let next = modes.fallBack(provider, walked.at(-1)!); next !== undefined; next = modes.fallBack(provider, walked.at(-1)!)) walked.push(next);
    expect(walked).toEqual(ladder);
  });

  test.each(VENDORS.map((vendor) => [vendor.id, vendor.batchApi !== undefined] as const))("batch API of %s: %s", (id, has) => {
    expect(BATCH_API_PROVIDERS.includes(id)).toBe(has);
    const check = () => assertBatchApiModels([`${id}:m`]);
    if (has) expect(check).not.toThrow();
    else expect(check).toThrow(`--via: batch-api works with anthropic: and openai: models, not ${id}:m`);
  });

  test("a vendor without a batch API is refused by createBatchApi too, before any key is read", async () => {
    await expect(createBatchApi({ provider: "groq", model: "m" }, { ...SETTINGS, credentials: resolveCredentials({ GROQ_API_KEY: "gsk_test_key_1234" }) })).rejects.toThrow(
      "--via: batch-api works with anthropic: and openai: models, not groq:m",
    );
  });

  test.each([
    ["ANTHROPIC_API_KEY wins over the others", { ANTHROPIC_API_KEY: "k", OPENAI_API_KEY: "k" }, "anthropic:claude-sonnet-5", "Using anthropic:claude-sonnet-5 (ANTHROPIC_API_KEY is set; pass --model to choose)."],
    ["OPENAI_API_KEY", { OPENAI_API_KEY: "k" }, "openai:gpt-4.1-mini", "Using openai:gpt-4.1-mini (OPENAI_API_KEY is set; pass --model to choose)."],
    ["OPENAI_API_KEY wins over GEMINI_API_KEY", { GEMINI_API_KEY: "k", OPENAI_API_KEY: "k" }, "openai:gpt-4.1-mini", "Using openai:gpt-4.1-mini (OPENAI_API_KEY is set; pass --model to choose)."],
    ["GEMINI_API_KEY alone", { GEMINI_API_KEY: "k" }, "gemini:gemini-2.5-flash", "Using gemini:gemini-2.5-flash (GEMINI_API_KEY is set; pass --model to choose)."],
    ["GEMINI_BASE_URL alone is not a key", { GEMINI_BASE_URL: "http://127.0.0.1:1/" }, `local:${DEFAULT_LOCAL_MODEL}`, `Using local:${DEFAULT_LOCAL_MODEL}, run on this machine (no ANTHROPIC_API_KEY, OPENAI_API_KEY, OPENAI_BASE_URL or GEMINI_API_KEY is set; pass --model to choose).`],
    ["OPENAI_BASE_URL alone", { OPENAI_BASE_URL: "http://127.0.0.1:1/v1" }, "openai:gpt-4.1-mini", "Using openai:gpt-4.1-mini (OPENAI_BASE_URL is set; pass --model to choose)."],
    ["a key of a vendor without a default model", { GROQ_API_KEY: "k" }, `local:${DEFAULT_LOCAL_MODEL}`, `Using local:${DEFAULT_LOCAL_MODEL}, run on this machine (no ANTHROPIC_API_KEY, OPENAI_API_KEY, OPENAI_BASE_URL or GEMINI_API_KEY is set; pass --model to choose).`],
    ["blank keys", { ANTHROPIC_API_KEY: "  ", OPENAI_API_KEY: "" }, `local:${DEFAULT_LOCAL_MODEL}`, `Using local:${DEFAULT_LOCAL_MODEL}, run on this machine (no ANTHROPIC_API_KEY, OPENAI_API_KEY, OPENAI_BASE_URL or GEMINI_API_KEY is set; pass --model to choose).`],
  ])("default model, %s", (_name, environment, model, note) => {
    const resolved = resolveConfig({ ...base, environment });
    expect(resolved.config.models).toEqual([model]);
    expect(resolved.modelNote).toBe(note);
  });
});

describe("providers and batch APIs are built from the registry and the resolved credentials", () => {
  const openAICompatible = VENDORS.filter((vendor) => vendor.protocol === "openai-compatible" && vendor.apiKeyVariable !== undefined);

  test.each(openAICompatible.map((vendor) => [vendor.id, vendor.apiKeyVariable!, vendor.baseUrlVariable!] as const))(
    "%s: the key from %s goes as a Bearer token to the address in %s",
    async (id, keyVariable, baseUrlVariable) => {
      server = await startFakeLlmServer();
      const key = `sk-test-${id}-0000`;
      const provider = await createProvider({ provider: id, model: `${id}-model` }, { ...SETTINGS, credentials: resolveCredentials({ [keyVariable]: key, [baseUrlVariable]: server.openaiBaseUrl }) });
      const result = await provider.generate({ system: "s", dossier: "d", instructions: "i", schema: verdictJsonSchema(), schemaName: VERDICT_SCHEMA_NAME, maxOutputTokens: 64 });
      expect(result.ok).toBe(true);
      expect(provider.id).toBe(id);
      expect(server.calls).toHaveLength(1);
      expect(server.calls[0]).toMatchObject({ path: "/v1/chat/completions", model: `${id}-model` });
      expect(server.calls[0]!.headers.authorization).toBe(`Bearer ${key}`);
      // Another address than the vendor's own gets the parameter look-alike servers know.
      expect(server.calls[0]!.body.max_tokens).toBe(64);
    },
  );

  test.each(VENDORS.filter((vendor) => !vendor.keyOptional).map((vendor) => [vendor.id, vendor.apiKeyVariable!] as const))(
    "%s without %s: one ConfigError naming the variable, nothing called",
    async (id, keyVariable) => {
      const error = await createProvider({ provider: id, model: "m" }, { ...SETTINGS, credentials: resolveCredentials({ OTHER_API_KEY: "sk-other-1234567" }) }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toBe(`${keyVariable}: is not set; ${id}:m needs it (environment or .env)`);
    },
  );

  test("a self-hosted vendor with no address asks for one", async () => {
    await expect(createProvider({ provider: "vllm", model: "llama" }, { ...SETTINGS, credentials: resolveCredentials({}) })).rejects.toThrow(
      "--base-url: vllm:llama needs a server address: pass --base-url or set VLLM_BASE_URL",
    );
  });

  test("the openai batch API needs its key even at another base URL", async () => {
    await expect(createBatchApi({ provider: "openai", model: "m" }, { ...SETTINGS, credentials: resolveCredentials({ OPENAI_BASE_URL: "http://127.0.0.1:1/v1" }) })).rejects.toThrow(
      "OPENAI_API_KEY: is not set; the batch API of openai:m needs it (environment or .env)",
    );
  });
});
