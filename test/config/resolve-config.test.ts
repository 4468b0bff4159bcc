import { describe, expect, test } from "vitest";
import { FLAG_NAMES } from "../../src/cli/parse-command-line.js";
import { resolveConfig } from "../../src/config/resolve-config.js";
import { ConfigError } from "../../src/errors/config-error.js";

const base = { flags: {}, flagNames: FLAG_NAMES, dotenv: {}, environment: {} };

describe("resolveConfig", () => {
  test("defaults apply when nothing is set but a model", () => {
    const { config } = resolveConfig({ ...base, flags: { models: ["openai:gpt-4.1-mini"] } });
    expect(config).toMatchObject({ models: ["openai:gpt-4.1-mini"], concurrency: 8, out: "./panelist-out", formats: ["md", "json"], timeoutSeconds: 120, maxOutputTokens: 1024 });
  });
  test("priority: defaults < .env < environment < flags", () => {
    const dotenv = { PANELIST_CONCURRENCY: "3", PANELIST_OUT: "from-dotenv", PANELIST_FORMAT: "md", PANELIST_MODEL: "openai:a" };
    const environment = { PANELIST_CONCURRENCY: "5", PANELIST_OUT: "from-env" };
    const { config } = resolveConfig({ ...base, dotenv, environment, flags: { concurrency: "7" } });
    expect(config.concurrency).toBe(7);
    expect(config.out).toBe("from-env");
    expect(config.formats).toEqual(["md"]);
    expect(config.models).toEqual(["openai:a"]);
  });
  test("the environment overrides .env for API keys too", () => {
    const { env } = resolveConfig({ ...base, flags: { models: ["openai:x"] }, dotenv: { OPENAI_API_KEY: "dot" }, environment: { OPENAI_API_KEY: "env" } });
    expect(env.OPENAI_API_KEY).toBe("env");
  });
  test("a bad value names the flag or the variable it came from", () => {
    expect(() => resolveConfig({ ...base, flags: { models: ["openai:x"], concurrency: "zero" } })).toThrow(/^--concurrency: /);
    expect(() => resolveConfig({ ...base, flags: { models: ["openai:x"] }, environment: { PANELIST_CONCURRENCY: "-1" } })).toThrow(/^PANELIST_CONCURRENCY: /);
    expect(() => resolveConfig({ ...base, flags: { models: ["openai:x"], formats: "md,pdf" } })).toThrow(/^--format: /);
    expect(() => resolveConfig({ ...base, flags: { models: ["openai:x"], baseUrl: "not a url" } })).toThrow(ConfigError);
  });
  test("without --model the model follows the keys that are set, with a note why", () => {
    const anthropic = resolveConfig({ ...base, environment: { ANTHROPIC_API_KEY: "k", OPENAI_API_KEY: "k" } });
    expect(anthropic.config.models).toEqual(["anthropic:claude-sonnet-4-5"]);
    expect(anthropic.modelNote).toContain("ANTHROPIC_API_KEY");
    const openai = resolveConfig({ ...base, dotenv: { OPENAI_BASE_URL: "http://127.0.0.1:1/v1" } });
    expect(openai.config.models).toEqual(["openai:gpt-4.1-mini"]);
    expect(openai.modelNote).toContain("OPENAI_BASE_URL");
  });
  test("with no model and no keys the error lists the ways to configure one", () => {
    expect(() => resolveConfig(base)).toThrow(/--model: no provider configured: pass --model .*ANTHROPIC_API_KEY or OPENAI_API_KEY.*OPENAI_BASE_URL/);
  });
});
