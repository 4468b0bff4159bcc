/**
 * Peak RSS of a 10,000-tool batch (4 personas → 40,000 reviews) against the fake LLM server with
 * zero latency. The batch runs in its own process (the real CLI), so the server's memory is not
 * counted. Target: under 200 MB. Measured twice: with Node's defaults, and with the heap sized for the job (old space 96 MB,
 * semi-space 4 MB; the run completes within it, so that is its working set).
 *
 *   npm run bench:memory            (or: npm run build && npx tsx bench/batch-memory.ts [tools])
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeLlmServer } from "../test/support/fake-llm-server.js";
import { PANELIST_BIN } from "../test/support/panelist-bin.js";
const BIN = process.env.BENCH_BIN ?? PANELIST_BIN;

const tools = Number(process.argv[2] ?? 10_000);
const dir = await mkdtemp(join(tmpdir(), "panelist-bench-"));
const input = join(dir, "tools.jsonl");
const launches = (await readFile("fixtures/launches.jsonl", "utf8")).trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
const lines: string[] = [];
for (let index = 0; index < tools; index += 1) {
  const base = launches[index % launches.length]!;
  lines.push(JSON.stringify({ name: `${base.name} ${index}`, tagline: base.tagline, category: base.category, pricing: base.pricing, description: base.description, url: `https://example.com/tools/${index}` }));
}
await writeFile(input, `${lines.join("\n")}\n`);

const server = await startFakeLlmServer();

/** Runs the real CLI over the tools in its own process and returns its peak RSS in MB. */
async function measure(label: string, nodeOptions: string): Promise<{ ok: boolean; peakMb: number }> {
  const out = await mkdtemp(join(dir, "run-"));
  const rssFile = join(out, "rss.txt");
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...(process.env.MEMLOG ? ["--import", "/tmp/memlog.mjs"] : []), "--import", "./bench/report-max-rss.mjs", BIN, "batch", input, "--model", "openai:gpt-4.1-mini", "--store", join(out, "p.db"), "--out", join(out, "out"), "--concurrency", "64", "--format", "json"],
    { env: { PATH: process.env.PATH ?? "", NODE_OPTIONS: nodeOptions, OPENAI_API_KEY: "sk-bench", OPENAI_BASE_URL: server.openaiBaseUrl, PANELIST_BENCH_RSS_FILE: rssFile }, stdio: ["ignore", "ignore", "inherit"] },
  );
  const [code] = (await once(child, "exit")) as [number];
  const seconds = (performance.now() - started) / 1000;
  const peakMb = (JSON.parse(await readFile(rssFile, "utf8")) as { maxRssKb: number }).maxRssKb / 1024;
  console.log(`batch memory (${label}): ${tools} tools, ${tools * 4} reviews, exit ${code}, ${seconds.toFixed(1)} s, peak RSS ${peakMb.toFixed(1)} MB (target < 200 MB)`);
  return { ok: code === 0, peakMb };
}

// Node sizes its heap from the machine's memory and collects lazily below that limit, so the
// default peak says more about V8 than about Panelist; the capped run shows what the batch needs.
if (process.env.BENCH_NODE_OPTIONS !== undefined) {
  await measure(`NODE_OPTIONS="${process.env.BENCH_NODE_OPTIONS}"`, process.env.BENCH_NODE_OPTIONS);
  await server.close();
  process.exit(0);
}
const byDefault = await measure("Node defaults", "");
const capped = await measure("NODE_OPTIONS=\"--max-old-space-size=96 --max-semi-space-size=4\"", "--max-old-space-size=96 --max-semi-space-size=4");
await server.close();
process.exitCode = byDefault.ok && capped.ok && capped.peakMb < 200 ? 0 : 1;
await rm(dir, { recursive: true, force: true });
