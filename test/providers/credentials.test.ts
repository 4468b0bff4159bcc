import { describe, expect, test } from "vitest";
import { credentialSecrets, credentialsOf, resolveCredentials } from "../../src/providers/credentials.js";
import { secretValues } from "../../src/providers/redact-secrets.js";
import { VENDORS } from "../../src/providers/vendors.js";

describe("resolveCredentials", () => {
  test("every vendor's key and base URL, trimmed; the Hugging Face endpoint and token", () => {
    const credentials = resolveCredentials({
      OPENAI_API_KEY: "  sk-test-openai-1234 \n",
      OPENAI_BASE_URL: " http://127.0.0.1:8080/v1 ",
      ANTHROPIC_API_KEY: "sk-ant-test-5678",
      HF_ENDPOINT: " https://hf-mirror.example/ ",
      HF_TOKEN: "hf_test_token_9999",
      UNRELATED: "x",
    });
    expect(credentials.vendors.openai).toEqual({ apiKey: "sk-test-openai-1234", baseUrl: "http://127.0.0.1:8080/v1" });
    expect(credentials.vendors.anthropic).toEqual({ apiKey: "sk-ant-test-5678" });
    expect(credentials.huggingFace).toEqual({ endpoint: "https://hf-mirror.example/", token: "hf_test_token_9999" });
    expect(Object.keys(credentials.vendors)).toEqual(VENDORS.map((vendor) => vendor.id));
  });

  test.each([
    ["empty", ""],
    ["blank", "   "],
    ["absent", undefined],
  ])("an %s value counts as not set", (_name, value) => {
    const credentials = resolveCredentials({ OPENAI_API_KEY: value, OPENAI_BASE_URL: value, HF_ENDPOINT: value, HF_TOKEN: value });
    expect(credentials.vendors.openai).toEqual({});
    expect(credentials.huggingFace).toEqual({});
    expect(credentialSecrets(credentials)).toEqual([]);
  });

  test("credentialsOf gives an empty entry for an id no vendor has", () => {
    expect(credentialsOf(resolveCredentials({}), "acme")).toEqual({});
  });

  test("credentialSecrets lists every API key and the Hugging Face token, not base URLs", () => {
    const env = {
      OPENAI_API_KEY: "sk-test-openai-1234",
      OPENAI_BASE_URL: "http://127.0.0.1:8080/v1",
      GROQ_API_KEY: " gsk_test_groq_5678 ",
      VLLM_API_KEY: "vllm-test-key-0000",
      HF_TOKEN: "hf_test_token_9999",
      HF_ENDPOINT: "https://hf-mirror.example/",
    };
    const secrets = credentialSecrets(resolveCredentials(env));
    expect(secrets.sort()).toEqual(["gsk_test_groq_5678", "hf_test_token_9999", "sk-test-openai-1234", "vllm-test-key-0000"]);
    // The CLI still redacts with the environment's values; both cover the same keys.
    for (const secret of secrets) expect(secretValues(env).map((value) => value.trim())).toContain(secret);
  });
});
