import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { FakeHandler } from "../support/fake-llm-server.js";
import { useBuiltInPersonas, useFakeLlmServers } from "../support/panel-fixtures.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";
import { identifyCall, scriptedVerdict } from "../support/scripted-panel.js";

const personas = useBuiltInPersonas();
const servers = useFakeLlmServers();

describe("lead calls first", () => {
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
