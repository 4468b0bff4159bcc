/**
 * Benchmark figure 3: input billed per 4-persona panel with prompt caching ÷ without, against the
 * fake LLM server's cache simulation (minimum cacheable lengths, 128-token steps, entries readable
 * only once the request that wrote them is answered).
 *
 * One run reviews 20 tools; the first tool's panel is "cold" (nothing of the run is cached yet),
 * tools 2–20 are "warm" (the run-wide system prompt is). Billing is taken from what the server
 * answered, per call: Anthropic bills cache writes at 125% and reads at 10% of the input price;
 * gpt-4.1-mini bills cached input at 25%. The figure is given at concurrency 1 (a tool's personas
 * one after another, the best case for the per-tool dossier entry) and at the default
 * concurrency 8 with 100 ms latency (a tool's four calls in flight together).
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FLAG_NAMES } from "../src/cli/parse-command-line.js";
import { resolveConfig } from "../src/config/resolve-config.js";
import { reviewTools } from "../src/engine/review-tools.js";
import { startFakeLlmServer, type FakeCall } from "../test/support/fake-llm-server.js";

type Protocol = "anthropic" | "openai";

/** The models measured: Sonnet-class (1,024-token minimum) for Anthropic, gpt-4.1-mini for OpenAI. */
const MODELS: Record<Protocol, string> = { anthropic: "anthropic:claude-sonnet-5", openai: "openai:gpt-4.1-mini" };

/** Prompt tokens of one call in uncached-token equivalents, and as plain uncached tokens. */
function billedTokens(protocol: Protocol, call: FakeCall): { billed: number; uncached: number; prompt: number } {
  const usage = call.promptCache;
  if (usage === undefined) throw new Error(`call ${call.index} was not answered`);
  const plain = usage.promptTokens - usage.cacheReadTokens - usage.cacheWriteTokens;
  const billed = protocol === "anthropic" ? plain + 1.25 * usage.cacheWriteTokens + 0.1 * usage.cacheReadTokens : plain + 0.25 * usage.cacheReadTokens;
  return { billed, uncached: plain + usage.cacheWriteTokens, prompt: usage.promptTokens };
}

/** Each tool's calls, in the run's tool order, keyed by the dossier's first line. */
function callsByTool(calls: readonly FakeCall[]): FakeCall[][] {
  const groups = new Map<string, FakeCall[]>();
  for (const call of [...calls].sort((a, b) => a.index - b.index)) {
    const name = /<tool_dossier>\nName: (.*)$/m.exec(call.text)?.[1];
    if (name === undefined) throw new Error(`call ${call.index} has no dossier`);
    groups.set(name, [...(groups.get(name) ?? []), call]);
  }
  return [...groups.values()];
}

/** Runs one 20-tool review and returns each tool's calls as the server answered them. */
async function panels(dir: string, toolsFile: string, protocol: Protocol, caching: boolean, concurrency: number, latencyMs: number): Promise<FakeCall[][]> {
  const server = await startFakeLlmServer({ promptCache: caching, latencyMs });
  try {
    const env = protocol === "anthropic" ? { ANTHROPIC_API_KEY: "sk-ant-bench", ANTHROPIC_BASE_URL: server.anthropicBaseUrl } : { OPENAI_API_KEY: "sk-bench", OPENAI_BASE_URL: server.openaiBaseUrl };
    const out = await mkdtemp(join(dir, "cache-"));
    const { config, credentials } = resolveConfig({
      flags: { models: [MODELS[protocol]], out, store: join(out, "panelist.db"), formats: ["json"], summary: false, concurrency: String(concurrency) },
      flagNames: FLAG_NAMES,
      dotenv: {},
      environment: env,
    });
    await reviewTools({ toolFiles: [toolsFile], config, credentials, compare: false });
    const groups = callsByTool(server.calls);
    if (groups.length !== 20 || groups.some((group) => group.length !== 4)) throw new Error(`expected 20 tools × 4 calls, got ${groups.map((group) => group.length).join(",")}`);
    return groups;
  } finally {
    await server.close();
  }
}

/** Ratios of a list of panels: with caching ÷ without, billed and as uncached tokens, and billed tokens per panel. */
function ratios(protocol: Protocol, cached: FakeCall[][], plain: FakeCall[][]): { billed: number; uncached: number; perPanel: number; plainPerPanel: number } {
  const total = (groups: FakeCall[][], pick: (value: ReturnType<typeof billedTokens>) => number): number =>
    groups.flat().reduce((sum, call) => sum + pick(billedTokens(protocol, call)), 0);
  const without = total(plain, (value) => value.prompt);
  return {
    billed: total(cached, (value) => value.billed) / without,
    uncached: total(cached, (value) => value.uncached) / without,
    perPanel: total(cached, (value) => value.billed) / cached.length,
    plainPerPanel: without / plain.length,
  };
}

/** Measures figure 3 for both providers and returns the report lines. */
export async function measurePromptCache(dir: string, launches: readonly Record<string, unknown>[]): Promise<string[]> {
  const toolsFile = join(dir, "cache-tools.jsonl");
  await writeFile(toolsFile, `${launches.slice(0, 20).map((tool) => JSON.stringify(tool)).join("\n")}\n`);
  const lines: string[] = [];
  await measureBoth(dir, toolsFile, lines);
  return lines;
}

async function measureBoth(dir: string, toolsFile: string, lines: string[]): Promise<void> {
  for (const protocol of ["anthropic", "openai"] as const) {
    const without = await panels(dir, toolsFile, protocol, false, 1, 0);
    const serial = await panels(dir, toolsFile, protocol, true, 1, 0);
    const parallel = await panels(dir, toolsFile, protocol, true, 8, 100);
    const cold = ratios(protocol, serial.slice(0, 1), without.slice(0, 1));
    const warm = ratios(protocol, serial.slice(1), without.slice(1));
    const warmParallel = ratios(protocol, parallel.slice(1), without.slice(1));
    lines.push(
      `3. cache (${MODELS[protocol]}): billed input per 4-persona panel with caching ÷ without — ` +
        `warm (tools 2–20): ${warm.billed.toFixed(3)} (${warm.perPanel.toFixed(0)} of ${warm.plainPerPanel.toFixed(0)} tokens; uncached tokens ${warm.uncached.toFixed(3)}); ` +
        `cold (first tool of the run): ${cold.billed.toFixed(3)} (uncached ${cold.uncached.toFixed(3)}); ` +
        `warm at concurrency 8, 100 ms latency: ${warmParallel.billed.toFixed(3)} (target ≤ 0.4)`,
    );
  }
}
