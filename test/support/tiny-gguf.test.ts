import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { temporaryDirectory } from "./run-cli.js";
import { writeTinyGguf } from "./tiny-gguf.js";

type NodeLlamaCpp = typeof import("node-llama-cpp");

// node-llama-cpp is an optional dependency: a machine without it skips this file, CI must not.
const nodeLlamaCpp: NodeLlamaCpp | undefined = await import("node-llama-cpp").catch(() => undefined);
const runLocalModel = nodeLlamaCpp !== undefined || Boolean(process.env.CI);

/** A verdict schema within what node-llama-cpp's JSON-schema grammar supports. */
const VERDICT_GRAMMAR_SCHEMA = {
  type: "object",
  properties: {
    verdict: { enum: ["ship", "skip"] },
    confidence: { type: "number" },
    quote: { type: "string", maxLength: 200 },
    rationale: { type: "string", maxLength: 300 },
    strengths: { type: "array", items: { type: "string", maxLength: 120 }, maxItems: 3 },
    risks: { type: "array", items: { type: "string", maxLength: 120 }, maxItems: 3 },
    pricingRead: { type: "string", maxLength: 200 },
  },
  additionalProperties: false,
} as const;

const SYSTEM_PROMPT =
  "You are a skeptical senior engineer reviewing developer tools for a review site. Read the tool " +
  "description and answer only with JSON: verdict ship or skip, a confidence from 0 to 1, a pull quote in " +
  "your own voice, a rationale, strengths, risks and a read on the pricing.";
const USER_PROMPT =
  "Tool: tinyq. A 300-line job queue on SQLite with retries and a web dashboard; a single binary with no " +
  "dependencies. MIT licensed, no pricing. Maintained by one person, last release six months ago — ünïcödé ✓.";

/**
 * Greedy answers of seeds 1-5 took 113 tokens and sampled ones (temperature 0.7-1.5, 48 runs) at most
 * 160; a model that fills its strings to maxLength would need well over 1,000.
 */
const MAX_ANSWER_TOKENS = 200;

describe.runIf(runLocalModel)("writeTinyGguf", () => {
  let directory: string;
  let modelPath: string;

  beforeAll(async () => {
    if (nodeLlamaCpp === undefined) throw new Error("node-llama-cpp could not be imported (CI=true, so this is a failure, not a skip)");
    directory = await temporaryDirectory("panelist-gguf-");
    modelPath = join(directory, "tiny.gguf");
    await writeTinyGguf(modelPath, { seed: 3 });
  });

  afterAll(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  test("writes the same bytes for the same seed, other bytes for another seed, under a megabyte", async () => {
    const again = join(directory, "again.gguf");
    const other = join(directory, "other.gguf");
    await writeTinyGguf(again, { seed: 3 });
    await writeTinyGguf(other, { seed: 4 });
    const [first, second, third] = await Promise.all([readFile(modelPath), readFile(again), readFile(other)]);
    expect(first.subarray(0, 4).toString("ascii")).toBe("GGUF");
    expect(first.readUInt32LE(4)).toBe(3);
    expect(first.length).toBeLessThan(1024 * 1024);
    expect(second.equals(first)).toBe(true);
    expect(third.length).toBe(first.length);
    expect(third.equals(first)).toBe(false);
  });

  test("loads in node-llama-cpp as a ChatML llama model and answers the verdict grammar briefly", async () => {
    const { getLlama, LlamaChatSession, LlamaLogLevel } = nodeLlamaCpp!;
    const llama = await getLlama({ build: "never", gpu: false, logLevel: LlamaLogLevel.error });
    const model = await llama.loadModel({ modelPath });
    const context = await model.createContext({ contextSize: 1024, threads: 1 });
    try {
      const { metadata } = model.fileInfo;
      expect(metadata.general.architecture).toBe("llama");
      const tokens = metadata.tokenizer.ggml.tokens;
      const types = metadata.tokenizer.ggml.token_type!;
      const output = model.fileInfo.tensorInfo?.find((tensor) => tensor.name === "output.weight");
      expect(output?.dimensions).toEqual([64, tokens.length]);
      expect(model.tokens.eos).toBe(tokens.indexOf("<|im_end|>"));
      expect(types[tokens.indexOf("<|im_start|>")]).toBe(3); // control
      expect(types[tokens.indexOf("<|im_end|>")]).toBe(3);
      const byteTokens = tokens.flatMap((text, id) => (/^<0x[0-9A-F]{2}>$/.test(text) ? [types[id]] : []));
      expect(byteTokens).toEqual(new Array(256).fill(5)); // all unused, so never sampled
      expect(model.detokenize([model.tokens.eos!], true)).toBe("<|im_end|>");
      expect(metadata.tokenizer.chat_template).toContain("<|im_start|>");

      const session = new LlamaChatSession({ contextSequence: context.getSequence(), systemPrompt: SYSTEM_PROMPT });
      expect(session.chatWrapper.wrapperName).toBe("ChatML");
      const grammar = await llama.createGrammarForJsonSchema(VERDICT_GRAMMAR_SCHEMA);
      let answerTokens = 0;
      const text = await session.prompt(USER_PROMPT, {
        grammar,
        temperature: 0,
        maxTokens: 4 * MAX_ANSWER_TOKENS,
        onToken: (chunk) => {
          answerTokens += chunk.length;
        },
      });

      const answer: unknown = JSON.parse(text);
      expect(Object.keys(answer as object).sort()).toEqual(
        ["confidence", "pricingRead", "quote", "rationale", "risks", "strengths", "verdict"],
      );
      const verdict = answer as Record<string, unknown>;
      expect(["ship", "skip"]).toContain(verdict.verdict);
      expect(typeof verdict.confidence).toBe("number");
      expect((verdict.quote as string).length).toBeGreaterThanOrEqual(1);
      expect((verdict.rationale as string).length).toBeGreaterThanOrEqual(1);
      expect(Array.isArray(verdict.strengths) && Array.isArray(verdict.risks)).toBe(true);
      expect(answerTokens).toBeGreaterThan(0);
      expect(answerTokens).toBeLessThan(MAX_ANSWER_TOKENS);
    } finally {
      await context.dispose();
      await model.dispose();
      await llama.dispose();
    }
  }, 60_000);
});
