import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { FLAG_NAMES } from "../../src/cli/parse-command-line.js";
import { LOCAL_TIMEOUT_SECONDS, resolveConfig } from "../../src/config/resolve-config.js";
import { ConfigError } from "../../src/errors/config-error.js";
import { DEFAULT_LOCAL_MODEL } from "../../src/providers/local-models.js";

const base = { flags: {}, flagNames: FLAG_NAMES, dotenv: {}, environment: {} };

describe("resolveConfig", () => {
  test("a relative --out is taken from the command's folder when one is given, and kept as given otherwise", () => {
    const flags = { models: ["openai:gpt-4.1-mini"], out: "drafts" };
    expect(resolveConfig({ ...base, flags, cwd: "/srv/editor" }).config.out).toBe("/srv/editor/drafts");
    expect(resolveConfig({ ...base, flags: { ...flags, out: "/var/pages" }, cwd: "/srv/editor" }).config.out).toBe("/var/pages");
    expect(resolveConfig({ ...base, flags: { models: ["openai:gpt-4.1-mini"] }, cwd: "/srv/editor" }).config.out).toBe("/srv/editor/panelist-out");
    expect(resolveConfig({ ...base, flags }).config.out).toBe("drafts");
  });

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
    expect(anthropic.config.models).toEqual(["anthropic:claude-sonnet-5"]);
    expect(anthropic.modelNote).toContain("ANTHROPIC_API_KEY");
    const openai = resolveConfig({ ...base, dotenv: { OPENAI_BASE_URL: "http://127.0.0.1:1/v1" } });
    expect(openai.config.models).toEqual(["openai:gpt-4.1-mini"]);
    expect(openai.modelNote).toContain("OPENAI_BASE_URL");
  });
  test.each([
    ["ANTHROPIC_API_KEY wins over the others", { ANTHROPIC_API_KEY: "k", OPENAI_API_KEY: "k", OPENAI_BASE_URL: "http://127.0.0.1:1/v1" }, "anthropic:claude-sonnet-5", "ANTHROPIC_API_KEY is set"],
    ["OPENAI_API_KEY alone", { OPENAI_API_KEY: "k" }, "openai:gpt-4.1-mini", "OPENAI_API_KEY is set"],
    ["OPENAI_BASE_URL alone (a local OpenAI-compatible server)", { OPENAI_BASE_URL: "http://127.0.0.1:1/v1" }, "openai:gpt-4.1-mini", "OPENAI_BASE_URL is set"],
    ["nothing set: the built-in local model", {}, `local:${DEFAULT_LOCAL_MODEL}`, "no ANTHROPIC_API_KEY, OPENAI_API_KEY, OPENAI_BASE_URL or GEMINI_API_KEY is set"],
    ["an empty key counts as unset", { ANTHROPIC_API_KEY: "", OPENAI_API_KEY: "" }, `local:${DEFAULT_LOCAL_MODEL}`, "run on this machine"],
  ])("default provider, %s", (_name, environment, model, why) => {
    const { config, modelNote } = resolveConfig({ ...base, environment });
    expect(config.models).toEqual([model]);
    expect(modelNote).toContain(model);
    expect(modelNote).toContain(why);
    expect(modelNote).not.toContain("\n");
  });
  test("--model given: no note, whatever keys are set", () => {
    const resolved = resolveConfig({ ...base, flags: { models: ["local:/models/x.gguf"] }, environment: { ANTHROPIC_API_KEY: "k" } });
    expect(resolved.config.models).toEqual(["local:/models/x.gguf"]);
    expect(resolved.modelNote).toBeUndefined();
  });
  test("the models folder: PANELIST_MODELS_DIR, else the XDG cache, else ~/.cache", () => {
    const folder = (environment: Record<string, string>, flags = {}) => resolveConfig({ ...base, flags: { models: ["local:x"], ...flags }, environment }).config.modelsDir;
    expect(folder({ HOME: "/home/ada" })).toBe(join("/home/ada", ".cache", "panelist", "models"));
    expect(folder({ HOME: "/home/ada", XDG_CACHE_HOME: "/var/cache/ada" })).toBe(join("/var/cache/ada", "panelist", "models"));
    expect(folder({ HOME: "/home/ada", PANELIST_MODELS_DIR: "/srv/models" })).toBe("/srv/models");
    expect(folder({ PANELIST_MODELS_DIR: "/srv/models" }, { modelsDir: "/flag/models" })).toBe("/flag/models");
    expect(folder({})).toBeUndefined();
  });
  test("a local: model in the run (chosen, listed or assigned) gets a 10-minute default timeout; a given one stays", () => {
    const timeout = (flags: Record<string, unknown>, environment: Record<string, string> = {}) => resolveConfig({ ...base, flags, environment }).config.timeoutSeconds;
    expect(timeout({ models: ["openai:m"] }, { OPENAI_API_KEY: "k" })).toBe(120);
    expect(timeout({})).toBe(LOCAL_TIMEOUT_SECONDS);
    expect(timeout({ models: ["openai:m", "local:/m.gguf"] })).toBe(600);
    expect(timeout({}, { PANELIST_MODEL: "openai:m,local:/m.gguf" })).toBe(600);
    expect(timeout({ models: ["openai:m"], assign: "skeptic=local:/m.gguf" })).toBe(600);
    expect(timeout({ models: ["local:/m.gguf"], timeoutSeconds: "30" })).toBe(30);
    expect(timeout({ models: ["local:/m.gguf"] }, { PANELIST_TIMEOUT: "45" })).toBe(45);
  });
  test("--threads and PANELIST_THREADS: whole numbers from 1", () => {
    expect(resolveConfig({ ...base, flags: { models: ["local:x"], threads: "2" } }).config.threads).toBe(2);
    expect(resolveConfig({ ...base, flags: { models: ["local:x"] }, environment: { PANELIST_THREADS: "1" } }).config.threads).toBe(1);
    expect(resolveConfig({ ...base, flags: { models: ["local:x"] } }).config.threads).toBeUndefined();
    expect(() => resolveConfig({ ...base, flags: { models: ["local:x"], threads: "0" } })).toThrow(/^--threads: /);
    expect(() => resolveConfig({ ...base, flags: { models: ["local:x"] }, environment: { PANELIST_THREADS: "1.5" } })).toThrow(/^PANELIST_THREADS: /);
  });
});
