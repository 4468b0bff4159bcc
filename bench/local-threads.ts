/**
 * `npx tsx bench/local-threads.ts [rounds] [threads...]`: how long one review takes through a
 * `local:` model at each CPU thread count, to choose the `--threads` default from a measurement.
 * Default: 5 rounds at 1 and 2 threads; `npx tsx bench/local-threads.ts 3 1 2 4` adds 4, what
 * node-llama-cpp picks here when told nothing (it takes about ten minutes).
 *
 * The model is the tiny random GGUF the tests use (test/support/tiny-gguf.ts): no real model can
 * be downloaded here. Its matrix work is negligible, so what this measures is what threads cost
 * around the work (start-up, synchronisation, competing with the rest of the machine), which is
 * what made node-llama-cpp's own default (4 threads on a 2-core machine) slow. Each review is the
 * real prompt of the Claw Code fixture for one built-in persona, in the order a run makes them
 * (the system prompt and the dossier are evaluated once, then reused from the sequence).
 */
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import { loadTools } from "../src/inputs/load-tools.js";
import { BUILT_IN_PERSONAS_DIR, loadPersonas } from "../src/personas/load-personas.js";
import { buildReviewPrompt } from "../src/prompts/build-review-prompt.js";
import { loadPromptTemplates } from "../src/prompts/prompt-templates.js";
import { createLocalProvider, defaultLocalThreads } from "../src/providers/local-provider.js";
import { loadLocalRuntime } from "../src/providers/local-runtime.js";
import { verdictJsonSchema } from "../src/verdict/verdict-schema.js";
import { writeTinyGguf } from "../test/support/tiny-gguf.js";

const rounds = Number(process.argv[2] ?? 5);
const threadCounts = process.argv.slice(3).map(Number);
// 4 is what node-llama-cpp uses here when told nothing; it takes minutes, so it is asked for by name.
const settings = threadCounts.length > 0 ? threadCounts : [1, 2];

const modelPath = join(await mkdtemp(join(tmpdir(), "panelist-bench-local-")), "tiny.gguf");
await writeTinyGguf(modelPath);
const runtime = await loadLocalRuntime();
const { tools } = await loadTools(["fixtures/tools/claw-code.md"], { maxDescriptionChars: 20_000 });
const personas = await loadPersonas(BUILT_IN_PERSONAS_DIR);
const templates = await loadPromptTemplates();
const prompts = personas.map((persona) => buildReviewPrompt(templates, tools[0]!, persona, personas, "datamark"));

console.log(`machine: ${availableParallelism()} logical cores (${cpus()[0]?.model ?? "unknown CPU"}), load average ${loadavg().map((value) => value.toFixed(2)).join(" ")}`);
console.log(`default --threads here: ${defaultLocalThreads()}; ${rounds} rounds of ${prompts.length} reviews per setting\n`);

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

for (const threads of settings) {
  const provider = await createLocalProvider({ model: modelPath, modelPath, threads, runtime });
  const first: number[] = [];
  const later: number[] = [];
  let inputTokens = 0;
  let outputTokens = 0;
  for (let round = 0; round < rounds; round += 1) {
    for (const [index, prompt] of prompts.entries()) {
      // A different tool name each round makes the first review of a round evaluate the whole
      // prompt again, as the first persona of each new tool does in a run.
      const dossier = prompt.dossier.replace("Claw", `Claw ${round}`);
      const started = performance.now();
      const result = await provider.generate({ ...prompt, dossier, schema: verdictJsonSchema(), schemaName: "submit_verdict", maxOutputTokens: 1024 });
      const elapsed = performance.now() - started;
      if (!result.ok) throw new Error(`threads ${threads}: ${result.error.message}`);
      (index === 0 ? first : later).push(elapsed);
      inputTokens = result.usage.inputTokens;
      outputTokens = result.usage.outputTokens;
    }
  }
  await provider.close?.();
  const range = (values: number[]): string => `median ${Math.round(median(values))} ms (${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))})`;
  console.log(`threads ${threads}: first review of a tool ${range(first)}; the other personas ${range(later)}; prompt ${inputTokens} tokens (this model's byte-level tokenizer), answer ${outputTokens}`);
}
