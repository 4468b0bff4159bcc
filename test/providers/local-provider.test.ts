import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { resolveConfig } from "../../src/config/resolve-config.js";
import { FLAG_NAMES } from "../../src/cli/parse-command-line.js";
import { ConfigError } from "../../src/errors/config-error.js";
import { reviewTools } from "../../src/engine/review-tools.js";
import { grammarFriendlySchema } from "../../src/providers/grammar-friendly-schema.js";
import { createLocalProvider, defaultLocalThreads } from "../../src/providers/local-provider.js";
import { loadLocalRuntime, localRuntimeError, type LocalRuntime } from "../../src/providers/local-runtime.js";
import type { GenerateRequest, Provider } from "../../src/providers/provider.js";
import { reportSchema } from "../../src/report/report-schema.js";
import { verdictJsonSchema, verdictResponseSchema } from "../../src/verdict/verdict-schema.js";
import { temporaryDirectory } from "../support/run-cli.js";
import { writeTinyGguf } from "../support/tiny-gguf.js";

let modelPath: string;
let runtime: LocalRuntime;
let provider: Provider;

beforeAll(async () => {
  modelPath = join(await temporaryDirectory("panelist-local-"), "tiny.gguf");
  await writeTinyGguf(modelPath);
  runtime = await loadLocalRuntime();
  provider = await createLocalProvider({ model: modelPath, modelPath, threads: 1, runtime });
});
afterAll(async () => provider?.close?.());

const request = (overrides: Partial<GenerateRequest> = {}): GenerateRequest => ({
  system: "You review software tools.",
  dossier: "<tool_dossier>Name: Claw Code</tool_dossier>",
  instructions: "You are the skeptic. Give your verdict.",
  schema: verdictJsonSchema(),
  schemaName: "submit_verdict",
  maxOutputTokens: 400,
  ...overrides,
});

describe("local provider on a real (tiny) GGUF model", () => {
  test("a grammar-constrained answer that passes the verdict schema, with real token counts", async () => {
    const result = await provider.generate(request());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(verdictResponseSchema.safeParse(JSON.parse(result.text)).success).toBe(true);
    expect(result.finishReason).toEqual({ normalized: "stop", raw: expect.any(String) });
    expect(result.usage.inputTokens).toBeGreaterThan(20);
    expect(result.usage.outputTokens).toBeGreaterThan(10);
    expect(result.usage.outputTokens).toBeLessThanOrEqual(400);
    expect(result.responseModel).toBe("tiny.gguf");
    expect(provider.maxConcurrency).toBe(1);
  });

  test("a second call with the same prefix reuses it: cached input tokens", async () => {
    await provider.generate(request({ instructions: "You are the futurist." }));
    const second = await provider.generate(request({ instructions: "You are the business reviewer." }));
    expect(second.ok && second.usage.cachedInputTokens).toBeGreaterThan(10);
    expect(second.ok && second.usage.cachedInputTokens).toBeLessThan(second.ok ? second.usage.inputTokens : 0);
  });

  test("cut at the output limit: finish reason length, the partial text kept", async () => {
    const result = await provider.generate(request({ maxOutputTokens: 12 }));
    expect(result.ok && result.finishReason).toEqual({ normalized: "length", raw: "maxTokens" });
    expect(result.ok && result.usage.outputTokens).toBe(12);
    expect(result.ok && result.text.startsWith("{")).toBe(true);
  });

  test("a repair re-ask replays the bad answer as a model turn", async () => {
    const result = await provider.generate(request({ followUp: { answer: "{\"verdict\":", correction: "That was cut off. Answer again, in full." } }));
    expect(result.ok && verdictResponseSchema.safeParse(JSON.parse(result.text)).success).toBe(true);
  });

  test("the same seed and temperature give the same answer", async () => {
    const first = await provider.generate(request({ temperature: 1, seed: 7 }));
    const again = await provider.generate(request({ temperature: 1, seed: 7 }));
    expect(first.ok && again.ok && first.text === again.text).toBe(true);
  });

  test("calls made at once run one after another, all answered", async () => {
    const results = await Promise.all([1, 2, 3].map((n) => provider.generate(request({ instructions: `Reviewer ${n}.` }))));
    expect(results.map((result) => result.ok)).toEqual([true, true, true]);
  });

  test("an aborted call is a timeout that is not retried (the CPU would only do it again)", async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await provider.generate(request({ signal: controller.signal }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe("timeout");
    expect(result.error.retryable).toBe(false);
    expect(result.error.message).toMatch(/--timeout/);
  });

  test("numbers out of range are clamped before the text is handed back", async () => {
    // A schema that only allows 0: whatever the model writes (it favours 0.x), 0 comes back.
    const schema = { type: "object", properties: { score: { type: "number", minimum: 0, maximum: 0 } }, required: ["score"], additionalProperties: false };
    const result = await provider.generate(request({ schema }));
    expect(result.ok && JSON.parse(result.text)).toEqual({ score: 0 });
  });

  test("the grammar-friendly verdict schema compiles; the raw one's 2,000-character rationale does not", async () => {
    const llama = await runtime.getLlama({ build: "never", skipDownload: true, gpu: false, logLevel: runtime.LlamaLogLevel.error, progressLogs: false });
    try {
      await expect(llama.createGrammarForJsonSchema(grammarFriendlySchema(verdictJsonSchema()))).resolves.toBeDefined();
      const verdictsOwnLimit = { type: "object", properties: { rationale: { type: "string", maxLength: 2000 } } };
      await expect(llama.createGrammarForJsonSchema(verdictsOwnLimit)).rejects.toThrow(/grammar/i);
    } finally {
      await llama.dispose();
    }
  });

  test("a file that is not a GGUF model is a configuration error", async () => {
    const bad = join(await temporaryDirectory("panelist-local-"), "notes.gguf");
    await writeFile(bad, "not a model");
    await expect(createLocalProvider({ model: bad, modelPath: bad, threads: 1, runtime })).rejects.toThrow(
      new ConfigError("--model", `local:${bad}: ${bad} is not a GGUF model file (llama.cpp reads only GGUF)`),
    );
  });

  // Last in this block: it closes the shared provider.
  test("after close() (twice is harmless) the model answers nothing", async () => {
    await provider.close!();
    await provider.close!();
    const result = await provider.generate(request());
    expect(!result.ok && result.error.kind).toBe("local");
  });
});

describe("the local runtime package", () => {
  test("not installed: one line saying how to install it", async () => {
    const error = await loadLocalRuntime("node-llama-cpp-not-installed").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      "--model: local: models need node-llama-cpp, an optional dependency that is not installed; install it with: npm install node-llama-cpp@3.21.1",
    );
  });

  test("installed without a binary for this platform: says so, and how to reinstall", async () => {
    const { NoBinaryFoundError } = (await import("node-llama-cpp")) as unknown as { NoBinaryFoundError: new (message: string) => Error };
    const mapped = localRuntimeError(new NoBinaryFoundError("NoBinaryFoundError: no binary found\n  at stack"));
    expect(mapped?.message).toMatch(/^--model: local: node-llama-cpp has no prebuilt binary for \w+-\w+ \(.*\); reinstall it with: npm install node-llama-cpp@3\.21\.1$/);
    expect(localRuntimeError(new TypeError("a bug"))).toBeUndefined();
  });
});

describe("default threads", () => {
  test.each([
    [1, 1],
    [2, 1],
    [4, 2],
    [8, 4],
    [16, 8],
  ])("%i logical cores: %i threads", (cores, threads) => {
    expect(defaultLocalThreads(cores)).toBe(threads);
  });
});

describe("a review through local: via the library", () => {
  test("compare two tools: schema-valid verdicts, the shared prompt reused, cost 0 under --max-cost", async () => {
    const out = await temporaryDirectory("panelist-local-out-");
    const { config, credentials } = resolveConfig({
      flags: { models: [`local:${modelPath}`], personas: "skeptic", threads: "1", out, store: join(out, "panelist.db"), maxCost: "0.01" },
      flagNames: FLAG_NAMES,
      dotenv: {},
      environment: {},
    });
    const { report } = await reviewTools({ toolFiles: ["fixtures/tools/claw-code.md", "fixtures/tools/smolvlm2-turbo.md"], config, credentials, compare: true });
    expect(reportSchema.safeParse(report).success).toBe(true);
    const reviews = report.tools.flatMap((tool) => tool.reviews);
    expect(reviews).toHaveLength(2);
    for (const review of reviews) {
      expect(review.model).toBe(`local:${modelPath}`);
      expect(["ship", "skip"]).toContain(review.verdict);
      expect(review.confidence).toBeGreaterThanOrEqual(0);
      expect(review.confidence).toBeLessThanOrEqual(1);
      expect(review.costUsd).toBe(0);
    }
    // The second tool's call reuses the run-wide system prompt already in the sequence.
    expect(reviews[1]!.usage.cachedInputTokens).toBeGreaterThan(100);
    expect(report.costUsd).toBe(0);
    expect(report.pick).toBeDefined();
  });
});
