import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { leadCallsFirst, leadWindow } from "../../src/batch/run-batch.js";
import type { FakeHandler } from "../support/fake-llm-server.js";
import { useBuiltInPersonas, useFakeLlmServers } from "../support/panel-fixtures.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";
import { identifyCall, scriptedVerdict } from "../support/scripted-panel.js";

const personas = useBuiltInPersonas();
const servers = useFakeLlmServers();

/** Jobs of one tool: every persona with every model, as the batch generates them. */
const jobsOf = (tool: string, personaIds: string[], models: string[]) => () =>
  personaIds.flatMap((persona) => models.map((provider) => ({ tool, persona, provider })));
const order = (jobs: Iterable<{ tool: string; persona: string; provider: string }>) => [...jobs].map((job) => `${job.tool}/${job.persona}/${job.provider}`);

describe("lead calls first", () => {
  test("each window of tools opens with one call per tool and model, then the rest tool by tool", () => {
    const tools = ["A", "B", "C"].map((tool) => jobsOf(tool, ["dx", "skeptic"], ["m"]));
    expect(order(leadCallsFirst(tools, 2))).toEqual(["A/dx/m", "B/dx/m", "A/skeptic/m", "B/skeptic/m", "C/dx/m", "C/skeptic/m"]);
    // A window of one is the plain tool-by-tool order.
    expect(order(leadCallsFirst(tools, 1))).toEqual(["A/dx/m", "A/skeptic/m", "B/dx/m", "B/skeptic/m", "C/dx/m", "C/skeptic/m"]);
  });

  test("a jury leads with one call per model (each model has its own cache); jobs already done are not asked for again", () => {
    const tools = [jobsOf("A", ["dx", "skeptic"], ["m1", "m2"]), () => [{ tool: "B", persona: "skeptic", provider: "m1" }]];
    expect(order(leadCallsFirst(tools, 8))).toEqual(["A/dx/m1", "A/dx/m2", "B/skeptic/m1", "A/skeptic/m1", "A/skeptic/m2"]);
  });

  test("the window is the concurrency, or one when a model runs one call at a time on this machine", () => {
    expect(leadWindow(16, [{}, {}])).toBe(16);
    expect(leadWindow(16, [{}, { maxConcurrency: 1 }])).toBe(1);
    expect(leadWindow(0, [{}])).toBe(1);
  });

  test("Anthropic at concurrency 8: each tool's dossier is written to the cache once and read by its other three personas", async () => {
    const dir = await temporaryDirectory();
    const input = join(dir, "tools.jsonl");
    const lines = (await readFile("fixtures/launches.jsonl", "utf8")).trim().split("\n").slice(0, 8);
    await writeFile(input, `${lines.join("\n")}\n`);
    const handler: FakeHandler = (call) => {
      const { tool, persona } = identifyCall(call, personas);
      return scriptedVerdict(tool, persona, "ship");
    };
    const server = await servers.start({ handler, latencyMs: 40 });
    const env = { ANTHROPIC_API_KEY: "sk-ant-test-lead", ANTHROPIC_BASE_URL: server.anthropicBaseUrl };
    const run = await runCli(["batch", input, "--model", "anthropic:claude-sonnet-5", "--store", join(dir, "p.db"), "--out", join(dir, "out"), "--concurrency", "8", "--format", "json"], env);
    expect(run.code).toBe(0);
    expect(server.calls).toHaveLength(32);
    const byTool = new Map<string, { writes: number; reads: number[] }>();
    for (const call of server.calls) {
      const { tool } = identifyCall(call, personas);
      const entry = byTool.get(tool) ?? { writes: 0, reads: [] };
      const usage = call.promptCache!;
      if (usage.cacheWriteTokens > 0) entry.writes += 1;
      else entry.reads.push(usage.cacheReadTokens);
      byTool.set(tool, entry);
    }
    expect(byTool.size).toBe(8);
    for (const [tool, { writes, reads }] of byTool) {
      expect({ tool, writes }).toEqual({ tool, writes: 1 });
      expect(reads).toHaveLength(3);
      // What the followers read reaches past the run-wide system prompt into this tool's dossier.
      const lead = server.calls.find((call) => identifyCall(call, personas).tool === tool && call.promptCache!.cacheWriteTokens > 0)!;
      const leadPrefix = lead.promptCache!.cacheReadTokens + lead.promptCache!.cacheWriteTokens;
      for (const read of reads) expect(read).toBe(leadPrefix);
    }
  }, 30_000);
});
