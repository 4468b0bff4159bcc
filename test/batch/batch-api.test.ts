import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { indexReportSchema } from "../../src/batch/index-report.js";
import { runBatch } from "../../src/batch/run-batch.js";
import { resolveConfig } from "../../src/config/resolve-config.js";
import { reportSchema } from "../../src/report/report-schema.js";
import { ReviewStore } from "../../src/store/review-store.js";
import type { FakeHandler } from "../support/fake-llm-server.js";
import { useBuiltInPersonas, useFakeLlmServers } from "../support/panel-fixtures.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";
import { identifyCall, scriptedVerdict } from "../support/scripted-panel.js";

const personas = useBuiltInPersonas();
const servers = useFakeLlmServers();

/** Skeptics skip tools whose names start A–M, so the ship % differs across tools. */
const panel: FakeHandler = (call) => {
  const { tool, persona } = identifyCall(call, personas);
  return scriptedVerdict(tool, persona, persona === "skeptic" && /^[A-Ma-m]/.test(tool) ? "skip" : "ship");
};

async function launches(dir: string, count: number): Promise<string> {
  const path = join(dir, `launches-${count}.jsonl`);
  const lines = (await readFile("fixtures/launches.jsonl", "utf8")).trim().split("\n").slice(0, count);
  await writeFile(path, `${lines.join("\n")}\n`);
  return path;
}

const readJson = async (path: string) => JSON.parse(await readFile(path, "utf8"));

/** The facts of a batch output a reader relies on: per tool, ship % and every persona's verdict and quote. */
async function reportFacts(out: string) {
  const index = indexReportSchema.parse(await readJson(join(out, "index.json")));
  const tools = [];
  for (const entry of index.tools) {
    const report = reportSchema.parse(await readJson(join(out, entry.files.find((file) => file.endsWith(".json"))!)));
    tools.push({
      name: entry.name,
      shipPct: entry.panel.shipPct,
      split: entry.panel.split,
      reviews: report.tools[0]!.reviews.map((review) => `${review.persona}:${review.verdict}:${review.quote}`),
    });
  }
  return tools;
}

function storeCost(storePath: string): { cost: number; viaBatch: number; reviews: number } {
  const store = ReviewStore.open(storePath);
  try {
    const [run] = store.listRuns();
    const reviews = store.runOutcomes(run!.id).flatMap((outcome) => (outcome.ok ? [outcome.review] : []));
    return { cost: reviews.reduce((sum, review) => sum + (review.costUsd ?? 0), 0), viaBatch: reviews.filter((review) => review.viaBatch).length, reviews: reviews.length };
  } finally {
    store.close();
  }
}

describe("panelist batch --via batch-api", () => {
  test("OpenAI: 50 tools go up as one JSONL batch; the report matches a direct run's at half the cost", async () => {
    const dir = await temporaryDirectory();
    const input = await launches(dir, 50);
    const direct = await servers.start({ handler: panel });
    const directEnv = { OPENAI_API_KEY: "sk-test-direct", OPENAI_BASE_URL: direct.openaiBaseUrl };
    const directRun = await runCli(["batch", input, "--model", "openai:gpt-4.1-mini", "--store", join(dir, "direct.db"), "--out", join(dir, "direct")], directEnv);
    expect(directRun.code).toBe(0);

    const batched = await servers.start({ handler: panel });
    const env = { OPENAI_API_KEY: "sk-test-batch", OPENAI_BASE_URL: batched.openaiBaseUrl };
    const run = await runCli(
      ["batch", input, "--model", "openai:gpt-4.1-mini", "--store", join(dir, "batch.db"), "--out", join(dir, "batch"), "--via", "batch-api", "--wait", "--poll-seconds", "0.05"],
      env,
    );
    expect(run.stderr).toMatch(/Submitted batch batch_\w+ to openai:gpt-4\.1-mini: 200 requests/);
    expect(run.stderr).toMatch(/Collected batch batch_\w+ \(openai:gpt-4\.1-mini, completed\): 200 answers, 0 errors/);
    expect(run.code).toBe(0);
    expect(batched.batches).toHaveLength(1);
    expect(batched.batches[0]!.models).toEqual(["gpt-4.1-mini"]);
    expect(batched.calls.filter((call) => call.batchId === undefined)).toHaveLength(0);
    expect(batched.calls).toHaveLength(200);

    expect(await reportFacts(join(dir, "batch"))).toEqual(await reportFacts(join(dir, "direct")));
    const directCost = storeCost(join(dir, "direct.db"));
    const batchCost = storeCost(join(dir, "batch.db"));
    expect(batchCost).toMatchObject({ reviews: 200, viaBatch: 200 });
    expect(directCost.cost).toBeGreaterThan(0);
    expect(batchCost.cost / directCost.cost).toBeCloseTo(0.5, 3);
  }, 60_000);

  test("without --wait the run exits 4 while the batch runs; --status shows it; the same command later collects it without resubmitting", async () => {
    const dir = await temporaryDirectory();
    const input = await launches(dir, 5);
    // The batch runs until the test lets it end, however slow the machine (no delay to race).
    let batchEnded = false;
    const server = await servers.start({ handler: panel, endWhen: () => batchEnded });
    const env = { ANTHROPIC_API_KEY: "sk-ant-test-wait", ANTHROPIC_BASE_URL: server.anthropicBaseUrl };
    const store = join(dir, "p.db");
    const args = ["batch", input, "--model", "anthropic:claude-haiku-4-5", "--store", store, "--out", join(dir, "out"), "--via", "batch-api"];

    const first = await runCli(args, env);
    expect(first.code).toBe(4);
    expect(first.stderr).toMatch(/Waiting on 1 provider batch\(es\) with 20 requests\. Run the same command again/);
    expect(first.stdout).toMatch(/reviewed 0 .* not started 20/);
    expect(server.batches).toHaveLength(1);
    // Anthropic custom_ids are the 64-hex request hashes, inside ^[a-zA-Z0-9_-]{1,64}$.
    expect(server.batches[0]!.customIds.every((id) => /^[a-f0-9]{64}$/.test(id))).toBe(true);

    const status = await runCli(["batch", "--status", "--store", store], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`${server.batches[0]!.id}  anthropic:claude-haiku-4-5  in_progress  0 ok, 0 failed of 20`));

    batchEnded = true;
    const second = await runCli(args, env);
    expect(second.stderr).toMatch(/^Resuming run/m);
    expect(second.code).toBe(0);
    expect(server.batches).toHaveLength(1);
    expect(second.stdout).toMatch(/reviewed 20 .* failed 0 · not started 0/);
    const facts = await reportFacts(join(dir, "out"));
    expect(facts).toHaveLength(5);
    expect(facts.every((tool) => tool.reviews.length === 4)).toBe(true);

    const after = await runCli(["batch", "--status", "--store", store], env);
    expect(after.stdout).toMatch(/ collected  20 ok, 0 failed of 20/);
  }, 30_000);

  test("requests split at the vendor's request and byte limits; each batch holds one model", async () => {
    const dir = await temporaryDirectory();
    const input = await launches(dir, 10);
    const limits = { maxRequests: 15, maxBytes: 1024 * 1024 };
    const server = await servers.start({ handler: panel, batchLimits: limits });
    const env = { OPENAI_API_KEY: "sk-test-split", OPENAI_BASE_URL: server.openaiBaseUrl };
    const { config, credentials } = resolveConfig({
      flags: { models: "openai:gpt-4.1-mini,openai:gpt-4.1-nano", via: "batch-api", out: join(dir, "out"), pollSeconds: 0.01 },
      flagNames: {},
      dotenv: {},
      environment: env,
    });
    const store = ReviewStore.open(join(dir, "p.db"));
    try {
      const summary = await runBatch({ inputs: [input], config, credentials, store, sinceLast: false, wait: true, batchLimits: limits });
      // 10 tools × 4 personas = 40 requests per model: 15 + 15 + 10, for each of two models.
      expect(server.batches.map((batch) => batch.customIds.length)).toEqual([15, 15, 10, 15, 15, 10]);
      expect(server.batches.map((batch) => batch.models)).toEqual([["gpt-4.1-mini"], ["gpt-4.1-mini"], ["gpt-4.1-mini"], ["gpt-4.1-nano"], ["gpt-4.1-nano"], ["gpt-4.1-nano"]]);
      expect(server.batches.every((batch) => batch.failed === undefined)).toBe(true);
      expect(summary).toMatchObject({ reviewed: 80, failed: 0, pendingBatches: [] });

      // A byte limit a little over one request's size puts every request in a batch of its own.
      const single = await servers.start({ handler: panel });
      const bytes = { maxRequests: 100, maxBytes: 9_000 };
      const envSingle = { ...env, OPENAI_BASE_URL: single.openaiBaseUrl };
      const { config: one, credentials: oneCredentials } = resolveConfig({
        flags: { models: "openai:gpt-4.1-mini", via: "batch-api", out: join(dir, "out2"), pollSeconds: 0.01, personas: "skeptic" },
        flagNames: {},
        dotenv: {},
        environment: envSingle,
      });
      const other = ReviewStore.open(join(dir, "q.db"));
      await runBatch({ inputs: [input], config: one, credentials: oneCredentials, store: other, sinceLast: false, wait: true, batchLimits: bytes }).finally(() => other.close());
      const sizes = single.batches.map((batch) => batch.customIds.length);
      expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(10);
      expect(Math.max(...sizes)).toBeLessThan(10);
    } finally {
      store.close();
    }
  }, 30_000);

  test("Anthropic: errored, expired and unusable answers — a 400 is a failure, a 500 and an expiry become ordinary calls, a bad answer is repaired by an ordinary re-ask", async () => {
    const dir = await temporaryDirectory();
    const input = await launches(dir, 4);
    const names = (await readFile(input, "utf8")).trim().split("\n").map((line) => JSON.parse(line).name as string);
    const [badRequest, serverError, expired, unusable] = names;
    const server = await servers.start({
      handler: (call) => {
        const { tool, persona } = identifyCall(call, personas);
        if (call.batchId && persona === "skeptic") {
          if (tool === badRequest) return { kind: "error", status: 400, message: "prompt is too long" };
          if (tool === serverError) return { kind: "error", status: 500 };
          if (tool === expired) return { kind: "hang" };
          if (tool === unusable) return { kind: "text", text: "I think it is fine, ship it." };
        }
        return scriptedVerdict(tool, persona, "ship");
      },
    });
    const env = { ANTHROPIC_API_KEY: "sk-ant-test-errors", ANTHROPIC_BASE_URL: server.anthropicBaseUrl };
    const out = join(dir, "out");
    const run = await runCli(["batch", input, "--model", "anthropic:claude-haiku-4-5", "--store", join(dir, "p.db"), "--out", out, "--via", "batch-api", "--wait", "--poll-seconds", "0.01"], env);
    expect(run.stderr).toMatch(/Collected batch msgbatch_\w+ \(anthropic:claude-haiku-4-5, ended\): 13 answers, 3 errors/);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/reviewed 15 .* failed 1/);
    const direct = server.calls.filter((call) => call.batchId === undefined);
    // The 500 and the expiry are asked again directly; the unusable answer is re-asked with the problem.
    expect(direct.map((call) => identifyCall(call, personas).tool).sort()).toEqual([serverError, expired, unusable].sort());
    expect(direct.find((call) => identifyCall(call, personas).tool === unusable)!.text).toContain("I think it is fine, ship it.");
    const failed = reportSchema.parse(await readJson(join(out, "tools", (await readdirJson(out)).find((file) => file.startsWith(slugStart(badRequest!)))!)));
    expect(failed.tools[0]!.failures).toEqual([expect.objectContaining({ persona: "skeptic", kind: "http", error: expect.stringContaining("prompt is too long") })]);
  }, 30_000);

  test("--via batch-api is refused for providers without a batch API and for review/compare", async () => {
    const dir = await temporaryDirectory();
    const viaOllama = await runCli(["batch", "fixtures/tools/claw-code.md", "--model", "ollama:qwen3", "--via", "batch-api", "--store", join(dir, "p.db"), "--out", dir]);
    expect(viaOllama.code).toBe(2);
    expect(viaOllama.stderr).toContain("--via: batch-api works with anthropic: and openai: models, not ollama:qwen3");
    const review = await runCli(["review", "fixtures/tools/claw-code.md", "--model", "openai:gpt-4.1-mini", "--via", "batch-api", "--out", dir], { OPENAI_API_KEY: "sk-x" });
    expect(review.code).toBe(2);
    expect(review.stderr).toContain("--via: batch-api is for panelist batch");
    const wait = await runCli(["batch", "fixtures/tools/claw-code.md", "--model", "openai:gpt-4.1-mini", "--wait", "--store", join(dir, "p.db"), "--out", dir], { OPENAI_API_KEY: "sk-x" });
    expect(wait.code).toBe(2);
    expect(wait.stderr).toContain("--wait: is for --via batch-api");
  });
});

async function readdirJson(out: string): Promise<string[]> {
  const { readdir } = await import("node:fs/promises");
  return (await readdir(join(out, "tools"))).filter((file) => file.endsWith(".json"));
}

function slugStart(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 8);
}
