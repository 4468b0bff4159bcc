/**
 * How fast the workbench serves its pages over a large store: 10,000 tools in a temporary SQLite
 * file, written straight through ReviewStore's methods (no model is asked): one 130-tool batch run
 * and thousands of small review and compare runs, four personas each. The workbench runs in this
 * process on a free port; each page is fetched once to warm up (templates compile on first use),
 * then timed over the repetitions. Target: every page under 200 ms.
 *
 *   npm run build && npx tsx bench/workbench-pages.ts [repetitions] [tools]
 */
import { readFile, rm } from "node:fs/promises";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FLAG_NAMES } from "../src/cli/parse-command-line.js";
import { resolveConfig } from "../src/config/resolve-config.js";
import type { Review } from "../src/report/report-schema.js";
import { resolveSourceSettings } from "../src/sources/source-settings.js";
import { ReviewStore } from "../src/store/review-store.js";
import type { Tool } from "../src/tools/tool.js";
import { toolContentHash, toolIdentity } from "../src/tools/tool-identity.js";
import { startWorkbench } from "../src/workbench/workbench-server.js";

const repetitions = Number(process.argv[2] ?? 7);
const totalTools = Number(process.argv[3] ?? 10_000);
const BATCH_TOOLS = 130;
const TARGET_MS = 200;
const MODEL = "openai:gpt-4.1-mini";
const TOKEN = "bench-workbench-token-0123456789abcdef";
const PERSONAS = [
  { id: "developer-experience", hash: "h-dx", name: "The DX Reviewer" },
  { id: "skeptic", hash: "h-skeptic", name: "The Skeptic" },
  { id: "futurist", hash: "h-futurist", name: "The Futurist" },
  { id: "business", hash: "h-business", name: "The Business Analyst" },
];
/** Sizes of the small runs, in turn: mostly one-tool reviews and two- or three-tool comparisons. */
const SMALL_RUN_SIZES = [1, 2, 1, 3, 1, 2, 5, 1, 2, 10];

const folder = await mkdtemp(join(tmpdir(), "panelist-bench-workbench-"));
const storeFile = join(folder, "panelist.db");
const launches = (await readFile("fixtures/launches.jsonl", "utf8")).trim().split("\n").map((line) => JSON.parse(line) as Record<string, string | undefined>);

let toolNumber = 0;
/** The next generated tool: a real launch's text, a numbered name and URL so that each is its own. */
function nextTool(): Tool {
  const base = launches[toolNumber % launches.length]!;
  toolNumber += 1;
  return {
    name: `${base.name} ${toolNumber}`,
    ...(base.tagline ? { tagline: base.tagline } : {}),
    ...(base.category ? { category: base.category } : {}),
    ...(base.pricing ? { pricing: base.pricing } : {}),
    url: `https://example.com/tools/${toolNumber}`,
    community: toolNumber % 3 === 0 ? { ship: 40 + (toolNumber % 50), skip: 10 + (toolNumber % 17) } : null,
    description: base.description ?? `Tool ${toolNumber}.`,
    source: { file: "bench.jsonl", line: toolNumber },
  };
}

function review(persona: string, tool: Tool, index: number): Review {
  const verdict = (index + persona.length) % 3 === 0 ? "skip" : "ship";
  return {
    persona,
    model: MODEL,
    verdict,
    confidence: 0.6 + (index % 4) / 10,
    quote: `${persona} says ${verdict} to ${tool.name}: a generated pull quote long enough to look like one.`,
    rationale: `Generated rationale from ${persona} about ${tool.name}.`,
    strengths: [`${tool.name} does one thing well`, "a clear pricing page"],
    risks: verdict === "skip" ? [`${tool.name} may not last`] : [],
    usage: { inputTokens: 1_200, cachedInputTokens: 900, outputTokens: 180 },
    latencyMs: 900,
    responseModel: "gpt-4.1-mini-2025-04-14",
    finishReason: "stop",
    attempts: 1,
    costUsd: 0.0004,
  };
}

/**
 * createRun, again on a clash of ids: an id is the start second and 3 random bytes, and thousands
 * of runs made in one second (only here) meet the birthday bound. A clash inserts nothing.
 */
function createRun(store: ReviewStore, input: Parameters<ReviewStore["createRun"]>[0]): ReturnType<ReviewStore["createRun"]> {
  for (;;) {
    try {
      return store.createRun(input);
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_CONSTRAINT_PRIMARYKEY") throw error;
    }
  }
}

/** One finished run of `count` new tools, each reviewed by the four personas. */
function storeRun(store: ReviewStore, command: "review" | "compare" | "batch", count: number): string {
  const tools = Array.from({ length: count }, nextTool);
  const run = createRun(store, {
    signature: `bench-${toolNumber}`,
    command,
    config: {},
    models: [MODEL],
    personas: PERSONAS,
    promptHashes: { system: "s", review: "r" },
    inputs: [`bench-${toolNumber}.jsonl`],
    plan: { panel: Object.fromEntries(PERSONAS.map((persona) => [persona.id, [MODEL]])), samples: 1, swap: false, compare: command === "compare", promptHash: "p" },
  });
  const stored = store.tools.register(run.id, tools.map((tool) => ({ tool, identity: toolIdentity(tool), contentHash: toolContentHash(tool) })));
  stored.forEach((entry, index) => {
    for (const persona of PERSONAS) store.saveReview(run.id, entry.toolId, review(persona.id, entry.tool, index), { sample: 0, source: "call" });
  });
  store.setRunStatus(run.id, "finished");
  return run.id;
}

const built = performance.now();
const store = ReviewStore.open(storeFile);
let batchRunId = "";
let runs = 0;
// The batch run sits among the small runs, not first or last in the list.
for (let size = 0; toolNumber < totalTools; size += 1) {
  if (!batchRunId && toolNumber >= totalTools / 2) {
    batchRunId = storeRun(store, "batch", BATCH_TOOLS);
  } else {
    const count = Math.min(SMALL_RUN_SIZES[size % SMALL_RUN_SIZES.length]!, totalTools - toolNumber);
    storeRun(store, count === 1 ? "review" : "compare", count);
  }
  runs += 1;
}
await store.committed();
console.log(`store: ${toolNumber} tools, ${toolNumber * PERSONAS.length} reviews, ${runs} runs (one of ${BATCH_TOOLS} tools), built in ${((performance.now() - built) / 1000).toFixed(1)} s`);

const { config, credentials } = resolveConfig({ flags: { models: [MODEL], store: storeFile }, flagNames: FLAG_NAMES, dotenv: {}, environment: { OPENAI_API_KEY: "sk-bench-not-used" } });
const workbench = await startWorkbench({
  store,
  storeFile,
  config,
  credentials,
  sources: { settings: resolveSourceSettings({}), allowPrivateHosts: false },
  token: TOKEN,
  editor: "bench",
  host: "127.0.0.1",
  port: 0,
});

const pages = [
  { name: "runs list (GET /)", path: "/", expect: (body: string) => body.includes('<table class="runs">') },
  { name: "GET /api/runs", path: "/api/runs", expect: (body: string) => (JSON.parse(body) as unknown[]).length === 50 },
  { name: `batch run page (${BATCH_TOOLS} tools)`, path: `/runs/${batchRunId}`, expect: (body: string) => body.split('<article class="card').length - 1 === BATCH_TOOLS },
];

/** One timed GET with the Bearer token; the body is read in full and checked. */
async function timedGet(page: (typeof pages)[number]): Promise<number> {
  const started = performance.now();
  const response = await fetch(new URL(page.path, workbench.url), { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = await response.text();
  const elapsed = performance.now() - started;
  if (response.status !== 200 || !page.expect(body)) throw new Error(`${page.name}: status ${response.status}, unexpected body (${body.slice(0, 200)})`);
  return elapsed;
}

let pass = true;
for (const page of pages) {
  const first = await timedGet(page);
  const times: number[] = [];
  for (let repetition = 0; repetition < repetitions; repetition += 1) times.push(await timedGet(page));
  const [min, max] = [Math.min(...times), Math.max(...times)];
  const ok = max < TARGET_MS;
  pass &&= ok;
  console.log(`${page.name}: ${min.toFixed(1)}–${max.toFixed(1)} ms over ${repetitions} (first ${first.toFixed(1)} ms) ${ok ? "pass" : "FAIL"} (< ${TARGET_MS} ms)`);
}

await workbench.close();
store.close();
await rm(folder, { recursive: true, force: true });
process.exitCode = pass ? 0 : 1;
