import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { DEFAULT_LOCAL_MODEL } from "../../src/providers/local-models.js";
import { reportSchema } from "../../src/report/report-schema.js";
import { verdictSchema } from "../../src/verdict/verdict-schema.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";
import { writeTinyGguf } from "../support/tiny-gguf.js";
import { closedPort } from "../support/closed-port.js";

const CLAW = "fixtures/tools/claw-code.md";
const SMOL = "fixtures/tools/smolvlm2-turbo.md";

let modelPath: string;
beforeAll(async () => {
  modelPath = join(await temporaryDirectory("panelist-cli-local-"), "tiny.gguf");
  await writeTinyGguf(modelPath);
});

describe("panelist with a local: model", () => {
  test("review through local:<file.gguf> --threads 1: a schema-valid verdict in report.json", async () => {
    const out = await temporaryDirectory();
    const run = await runCli(["review", CLAW, "--model", `local:${modelPath}`, "--threads", "1", "--personas", "skeptic", "--out", out]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = reportSchema.parse(JSON.parse(await readFile(join(out, "report.json"), "utf8")));
    expect(report.models).toEqual([`local:${modelPath}`]);
    const reviews = report.tools[0]!.reviews;
    expect(reviews.map((review) => review.persona)).toEqual(["skeptic"]);
    for (const review of reviews) {
      const verdict = Object.fromEntries(Object.entries(review).filter(([key]) => key in verdictSchema.shape));
      expect(verdictSchema.safeParse(verdict).success).toBe(true);
      expect(review.responseModel).toBe("tiny.gguf");
      expect(review.finishReason).not.toBe("maxTokens");
      expect(review.attempts).toBe(1);
      expect(review.costUsd).toBe(0);
      expect(review.usage.inputTokens).toBeGreaterThan(0);
    }
    expect(run.stdout).toMatch(/^Claw Code: \d+(\.\d)?% ship \(\d–\d\)\n/);
    expect(run.stdout).toContain("$0.0000");
  });

  test("no key set: the local default model is chosen and said so; offline with no copy: exit 2, the three ways, no stack trace", async () => {
    const out = await temporaryDirectory();
    const modelsDir = await temporaryDirectory("panelist-models-");
    // No wall-clock limit (a slow machine would fail it); a download that hangs fails the test timeout.
    const run = await runCli(["compare", CLAW, SMOL, "--out", out], { PANELIST_MODELS_DIR: modelsDir, HF_ENDPOINT: `http://127.0.0.1:${await closedPort()}/` });
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`Using local:${DEFAULT_LOCAL_MODEL}, run on this machine (no ANTHROPIC_API_KEY, OPENAI_API_KEY, OPENAI_BASE_URL or GEMINI_API_KEY is set; pass --model to choose).`);
    expect(lines[1]).toMatch(new RegExp(`^panelist: --model: local:${DEFAULT_LOCAL_MODEL.replaceAll(".", "\\.")} is not in ${modelsDir} and cannot be downloaded`));
    expect(lines[1]).toMatch(/set ANTHROPIC_API_KEY; set OPENAI_API_KEY, or OPENAI_BASE_URL for an OpenAI-compatible server .*; or give a local GGUF file with --model local:<file\.gguf>$/);
    expect(run.stderr).not.toMatch(/\bat \S+:\d+/);
    expect(run.stdout).toBe("");
    expect(await readdir(out)).toEqual([]);
  });

  test("a model URL: downloaded on the first run, loaded from the models folder on the second", async () => {
    const body = await readFile(modelPath);
    const requests: string[] = [];
    const server = createServer((request, response) => {
      requests.push(`${request.method} ${request.url}`);
      response.writeHead(200, { "content-length": body.length, "content-type": "application/octet-stream" });
      response.end(request.method === "HEAD" ? undefined : body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tiny.gguf`;
      const modelsDir = await temporaryDirectory("panelist-models-");
      const argv = ["review", CLAW, "--model", `local:${url}`, "--threads", "1", "--personas", "skeptic"];
      const first = await runCli([...argv, "--out", await temporaryDirectory()], { PANELIST_MODELS_DIR: modelsDir });
      expect(first.code).toBe(0);
      expect(first.stderr).toContain(`Downloading local:${url} into ${modelsDir}; this happens once`);
      expect(first.stderr).toMatch(/download: 100% \(/);
      expect(requests.some((line) => line.startsWith("GET /tiny.gguf"))).toBe(true);
      expect(await readdir(modelsDir)).toHaveLength(1);

      requests.length = 0;
      const second = await runCli([...argv, "--out", await temporaryDirectory()], { PANELIST_MODELS_DIR: modelsDir });
      expect(second.code).toBe(0);
      expect(second.stderr).toBe("");
      expect(requests).toEqual([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("batch through local with the response store on: tool by tool (one call at a time reuses the dossier), at cost 0", async () => {
    const dir = await temporaryDirectory();
    const run = await runCli(["batch", CLAW, SMOL, "--model", `local:${modelPath}`, "--threads", "1", "--personas", "skeptic,futurist", "--concurrency", "8", "--store", join(dir, "p.db"), "--out", join(dir, "out")]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Run \S+: 2 tools · reviewed 4 \(0 from cache\) · failed 0 · not started 0 · .* · cost \$0\.0000\n/);
    // The model runs one call at a time, so its lead window is one tool, whatever --concurrency says:
    // both of Claw Code's reviews come before SmolVLM2 Turbo's.
    const lines = (await readFile(join(dir, "out", "results.jsonl"), "utf8")).trim().split("\n").map((line) => JSON.parse(line) as { tool: string });
    expect(lines.map((line) => line.tool)).toEqual(["Claw Code", "Claw Code", "SmolVLM2 Turbo", "SmolVLM2 Turbo"]);
  });

  test("batch --via batch-api refuses local: before loading anything", async () => {
    const run = await runCli(["batch", CLAW, "--model", "local:/no/such/model.gguf", "--via", "batch-api", "--store", join(await temporaryDirectory(), "p.db")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^panelist: --via: batch-api works with anthropic: and openai: models, not local:\/no\/such\/model\.gguf \(a local model runs on this machine; run the batch directly\)\n$/);
  });

  test("--dry-run plans local calls at cost 0 and loads nothing (the file need not exist yet)", async () => {
    const run = await runCli(["review", CLAW, "--model", `local:${DEFAULT_LOCAL_MODEL}`, "--personas", "skeptic", "--dry-run"], { PANELIST_MODELS_DIR: await temporaryDirectory() });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Claw Code \/ skeptic \/ local:qwen2\.5-1\.5b-instruct: ~\d+ input tokens, ≤ 1024 output, ≤ \$0\.0000\n/);
  });

  test("a missing model file is one line", async () => {
    const run = await runCli(["review", CLAW, "--model", "local:/no/such/model.gguf"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^panelist: --model: local:\/no\/such\/model\.gguf: no such file; give a \.gguf file, hf:<user>\/<repo>\/<file>\.gguf, an https:\/\/ URL, or one of: qwen2\.5-1\.5b-instruct\n$/);
  });
});
