import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { ReviewStore } from "../../src/store/review-store.js";
import { startFakeLlmServer, type FakeLlmServer } from "../support/fake-llm-server.js";
import { temporaryDirectory } from "../support/run-cli.js";
import { PANELIST_BIN } from "../support/panelist-bin.js";

// What a user runs: the bundled bin of package.json.
const BIN = PANELIST_BIN;
const CONCURRENCY = 4;
let server: FakeLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function batch(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [BIN, "batch", ...args], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
}

test("kill -9 in the middle of a batch at 250 ms latency, then resume: no review missing or duplicated, no request sent twice but those in flight", async () => {
  const dir = await temporaryDirectory();
  const input = join(dir, "launches.jsonl");
  const launches = (await readFile("fixtures/launches.jsonl", "utf8")).trim().split("\n").slice(0, 30);
  await writeFile(input, `${launches.join("\n")}\n`);
  const total = 30 * 4;
  let child: ChildProcess | undefined;
  server = await startFakeLlmServer({
    latencyMs: 250,
    handler: (call) => {
      // Kill the batch from inside the server once a third of the calls have arrived: some are
      // stored, some are in flight, most are not started.
      if (call.index === 40) child?.kill("SIGKILL");
      return { kind: "json", value: { verdict: "ship", confidence: 0.8, quote: "q", rationale: "r", strengths: [], risks: [], pricingRead: null } };
    },
  });
  const env = { OPENAI_API_KEY: "sk-test-kill", OPENAI_BASE_URL: server.openaiBaseUrl };
  const store = join(dir, "p.db");
  const args = [input, "--model", "openai:m", "--store", store, "--out", join(dir, "out"), "--concurrency", String(CONCURRENCY)];

  child = batch(args, env);
  const [, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
  expect(signal).toBe("SIGKILL");
  const callsBeforeKill = server.calls.length;
  expect(callsBeforeKill).toBeGreaterThan(40);
  expect(callsBeforeKill).toBeLessThan(total);
  // A review reaches results.jsonl only once it is committed: every whole line written before the
  // kill is in the store.
  const textAtKill = await readFile(join(dir, "out", "results.jsonl"), "utf8").catch(() => "");
  // Only lines ended by a newline are whole.
  const linesAtKill = textAtKill.slice(0, textAtKill.lastIndexOf("\n") + 1).split("\n").filter(Boolean);
  const atKill = ReviewStore.open(store);
  const storedAtKill = new Set([...atKill.exportRows(atKill.listRuns()[0]!.id)].map((row) => `${row.identity}/${row.persona}`));
  atKill.close();
  expect(linesAtKill.length).toBeGreaterThan(0);
  for (const line of linesAtKill) {
    const row = JSON.parse(line) as { identity: string; persona: string };
    expect(storedAtKill.has(`${row.identity}/${row.persona}`)).toBe(true);
  }

  let stderr = "";
  child = batch(args, env);
  child.stderr!.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  expect(stderr).toMatch(/^Resuming run \S+/m);
  expect(code).toBe(0);

  const opened = ReviewStore.open(store);
  const [run] = opened.listRuns();
  expect(opened.listRuns()).toHaveLength(1);
  expect(run!.status).toBe("finished");
  const rows = [...opened.exportRows(run!.id)];
  opened.close();
  expect(rows).toHaveLength(total);
  expect(new Set(rows.map((row) => `${row.identity}/${row.persona}/${row.model}`)).size).toBe(total);
  const results = (await readFile(join(dir, "out", "results.jsonl"), "utf8")).trim().split("\n").map((line) => JSON.parse(line));
  expect(results).toHaveLength(total);
  expect(new Set(results.map((row) => `${row.identity}/${row.persona}`)).size).toBe(total);
  // Only the calls in flight at the kill are made again.
  const extra = server.calls.length - total;
  expect(extra).toBeGreaterThanOrEqual(0);
  expect(extra).toBeLessThanOrEqual(CONCURRENCY);
  // The server counts repeats of the same request (model and prompt): only the calls in flight at
  // the kill were sent twice, and none more than twice.
  const repeated = server.calls.filter((call) => call.attempt > 1);
  expect(repeated.length).toBe(extra);
  expect(repeated.every((call) => call.attempt === 2 && call.index >= callsBeforeKill)).toBe(true);
}, 60_000);

test("batch API: kill -9 between submit and download, then resume: the submitted batch is collected, nothing is resubmitted, and the report matches a direct run", async () => {
  const dir = await temporaryDirectory();
  const input = join(dir, "launches.jsonl");
  const launches = (await readFile("fixtures/launches.jsonl", "utf8")).trim().split("\n").slice(0, 50);
  await writeFile(input, `${launches.join("\n")}\n`);
  // Verdicts depend on tool and persona, so a mix-up in matching results back would show.
  const handler = (call: { text: string }) => {
    const tool = /^Name: (.*)$/m.exec(call.text)?.[1] ?? "?";
    const skeptic = call.text.includes("You are The Skeptic");
    const verdict = skeptic && tool.length % 2 === 0 ? "skip" : "ship";
    return { kind: "json" as const, value: { verdict, confidence: 0.7, quote: `${verdict} ${tool}`, rationale: "r", strengths: [], risks: [], pricingRead: null } };
  };

  const direct = await startFakeLlmServer({ handler });
  const directStore = join(dir, "direct.db");
  const directRun = batch([input, "--model", "openai:gpt-4.1-mini", "--store", directStore, "--out", join(dir, "direct")], { OPENAI_API_KEY: "sk-test-direct", OPENAI_BASE_URL: direct.openaiBaseUrl });
  const [directCode] = (await once(directRun, "exit")) as [number | null];
  await direct.close();
  expect(directCode).toBe(0);

  // The batch runs until the first process is dead: no delay for a slow machine to overrun.
  let killed = false;
  server = await startFakeLlmServer({ handler, endWhen: () => killed });
  const env = { OPENAI_API_KEY: "sk-test-batch-kill", OPENAI_BASE_URL: server.openaiBaseUrl };
  const store = join(dir, "p.db");
  const args = [input, "--model", "openai:gpt-4.1-mini", "--store", store, "--out", join(dir, "out"), "--via", "batch-api", "--wait", "--poll-seconds", "0.05"];

  let child = batch(args, env);
  child.stderr!.on("data", (chunk: Buffer) => {
    if (chunk.toString().includes("Submitted batch")) child.kill("SIGKILL");
  });
  const [, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
  expect(signal).toBe("SIGKILL");
  expect(server.batches).toHaveLength(1);
  expect(server.calls).toHaveLength(0);
  killed = true;

  let stderr = "";
  child = batch(args, env);
  child.stderr!.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  expect(stderr).toMatch(/^Resuming run \S+/m);
  expect(stderr).not.toContain("Submitted batch");
  expect(stderr).toMatch(/Collected batch batch_\w+ \(openai:gpt-4\.1-mini, completed\): 200 answers, 0 errors/);
  expect(code).toBe(0);
  // One batch, each request answered once, no direct call: nothing was paid for twice.
  expect(server.batches).toHaveLength(1);
  expect(server.calls).toHaveLength(200);
  expect(server.calls.every((call) => call.batchId === server!.batches[0]!.id)).toBe(true);

  const facts = async (storePath: string) => {
    const opened = ReviewStore.open(storePath);
    const [run] = opened.listRuns();
    const rows = [...opened.exportRows(run!.id)].map((row) => `${row.identity}|${row.persona}|${row.verdict}|${row.quote}`).sort();
    opened.close();
    return rows;
  };
  const batched = await facts(store);
  expect(batched).toHaveLength(200);
  expect(batched).toEqual(await facts(directStore));
  const index = async (out: string) => JSON.parse(await readFile(join(out, "index.json"), "utf8")).tools.map((tool: { name: string; panel: { shipPct: number } }) => `${tool.name}:${tool.panel.shipPct}`);
  expect(await index(join(dir, "out"))).toEqual(await index(join(dir, "direct")));
}, 60_000);
