import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, test } from "vitest";
import { costOf, findPrice } from "../../src/cost/price-table.js";
import { reportSchema } from "../../src/report/report-schema.js";
import { DEFAULT_VERDICT, startFakeLlmServer, type FakeLlmServer } from "../support/fake-llm-server.js";
import { temporaryDirectory } from "../support/run-cli.js";
import { PANELIST_BIN } from "../support/panelist-bin.js";

const run = promisify(execFile);
// What a user runs: the bundled bin of package.json.
const BIN = PANELIST_BIN;
const CLAW = "fixtures/tools/claw-code.md";
const KEY = "gemini-test-key-0123456789";
let server: FakeLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("gemini: through its OpenAI-compatible endpoint, from the built binary", () => {
  test("a review runs, sends the key as a Bearer token, and is priced", async () => {
    server = await startFakeLlmServer({ requireKey: KEY, handler: () => ({ kind: "json", value: DEFAULT_VERDICT }) });
    const out = await temporaryDirectory();
    const { stdout, stderr } = await run(process.execPath, [BIN, "review", CLAW, "--model", "gemini:gemini-2.5-flash", "--out", out], {
      env: { PATH: process.env.PATH, GEMINI_API_KEY: KEY, GEMINI_BASE_URL: server.openaiBaseUrl, PANELIST_STORE: join(out, "panelist.db") },
    });
    expect(stderr).toBe("");
    expect(stdout).toMatch(/^Claw Code: 100% ship \(4–0\)/);
    expect(server.calls).toHaveLength(4);
    for (const call of server.calls) {
      expect(call).toMatchObject({ protocol: "openai", path: "/v1/chat/completions", model: "gemini-2.5-flash" });
      expect(call.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(call.body.response_format?.type).toBe("json_schema");
    }
    const report = reportSchema.parse(JSON.parse(await readFile(join(out, "report.json"), "utf8")));
    expect(report.models).toEqual(["gemini:gemini-2.5-flash"]);
    const price = findPrice("gemini:gemini-2.5-flash")!;
    expect(price).toEqual({ input: 0.3, cachedInput: 0.03, output: 2.5 });
    expect(report.costUsd).not.toBeNull();
    expect(report.costUsd).toBeGreaterThan(0);
    // Each review is priced and rounded to a millionth on its own, so the total may differ from
    // pricing the summed tokens by a few millionths.
    expect(Math.abs(report.costUsd! - costOf(report.usage, price))).toBeLessThanOrEqual(0.000004);
    expect(JSON.stringify(report)).not.toContain(KEY);
  });

  test("without GEMINI_API_KEY: exit 2, one line naming the variable, nothing called or written", async () => {
    server = await startFakeLlmServer();
    const out = join(await temporaryDirectory(), "out");
    const failure = await run(process.execPath, [BIN, "review", CLAW, "--model", "gemini:gemini-2.5-flash", "--out", out], {
      // Another vendor's key and address are set, to show they are not used instead.
      env: { PATH: process.env.PATH, OPENAI_API_KEY: "sk-test-not-gemini-0000", OPENAI_BASE_URL: server.openaiBaseUrl, PANELIST_STORE: join(out, "..", "panelist.db") },
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2, stdout: "", stderr: "panelist: GEMINI_API_KEY: is not set; gemini:gemini-2.5-flash needs it (environment or .env)\n" });
    expect(server.calls).toEqual([]);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  test("--via batch-api with gemini: the one-line refusal naming the vendors that have one", async () => {
    const failure = await run(process.execPath, [BIN, "batch", CLAW, "--model", "gemini:gemini-2.5-flash", "--via", "batch-api", "--store", join(await temporaryDirectory(), "panelist.db")], {
      env: { PATH: process.env.PATH, GEMINI_API_KEY: KEY },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2, stderr: "panelist: --via: batch-api works with anthropic: and openai: models, not gemini:gemini-2.5-flash\n" });
  });

  test("prices: Flash and Pro, dated and preview ids by prefix", () => {
    expect(findPrice("gemini:gemini-2.5-pro")).toEqual({ input: 1.25, cachedInput: 0.125, output: 10 });
    expect(findPrice("gemini:gemini-2.5-flash-lite")).toEqual({ input: 0.1, cachedInput: 0.01, output: 0.4 });
    expect(findPrice("gemini:gemini-3-flash-preview")).toEqual({ input: 0.5, cachedInput: 0.05, output: 3 });
    expect(findPrice("gemini:gemini-3-pro-preview")).toEqual({ input: 2, cachedInput: 0.2, output: 12 });
    expect(findPrice("gemini:gemini-3.1-pro-preview")).toEqual({ input: 2, cachedInput: 0.2, output: 12 });
    expect(findPrice("gemini:gemini-1.0-ultra")).toBeUndefined();
  });
});
