import { estimateTokens } from "../cost/budget.js";
import { findPrice, maxCostOf } from "../cost/price-table.js";
import { ConfigError } from "../errors/config-error.js";
import { loadInputs } from "../inputs/load-inputs.js";
import { leadWindow, planJobs } from "./plan-jobs.js";
import { reportOutputs } from "./report-outputs.js";
import { runReviews, type RunReviewsOptions, type RunReviewsResult } from "./run-reviews.js";
import { providerLabel } from "../providers/provider.js";
import { credentialSecrets } from "../providers/credentials.js";
import type { Report, SkippedTool } from "../report/report-schema.js";
import { ReviewStore } from "../store/review-store.js";
import { closeProviders, personaHash, prepareRunParts, promptSetHash } from "../pipeline/run-parts.js";
import { selectTools, type RunCommand } from "./open-run.js";
import { createSourceContext } from "./source-context.js";

/** What a review or comparison needs. */
export interface ReviewToolsOptions extends Omit<RunReviewsOptions, "command" | "outputs" | "inputs" | "store"> {
  /** Tool files (.md, .json, .jsonl), folders or feeds. */
  toolFiles: readonly string[];
  /** Head-to-head: requires two or more tools and adds the pick. */
  compare: boolean;
  /** The store the run is kept in; opened at `config.store` (and closed) when not given. */
  store?: ReviewStore;
}

/** The finished report and the files written, with the run they came from. */
export interface ReviewToolsResult {
  report: Report;
  files: string[];
  /** The run in the store: its id renders the report again (`panelist report <id>`). */
  run: RunReviewsResult;
}

/** One planned call of a dry run. */
export interface PlannedCall {
  tool: string;
  persona: string;
  model: string;
  /** Estimated prompt tokens. */
  inputTokens: number;
  /** Upper bound: the output token limit. */
  maxOutputTokens: number;
  /** Upper-bound cost in USD; null for a model with no known price. */
  maxCostUsd: number | null;
}

/** A dry run's plan: every call, and the totals. */
export interface ReviewPlan {
  calls: PlannedCall[];
  inputTokens: number;
  maxOutputTokens: number;
  /** Null when any model's price is unknown. */
  maxCostUsd: number | null;
  skipped: SkippedTool[];
  /** Tools `--since-last` leaves out: reviewed before, unchanged, by the same panel. */
  skippedSinceLast: number;
}

/**
 * Loads tools and personas, runs the panel on the engine, keeping every review in the store as
 * it comes, and writes the reports from the store: the library form of `panelist review` and
 * `panelist compare`. Bad configuration or output paths throw before any call is made; a bad tool
 * is left out and listed under `skipped` unless too few tools remain; failed reviews are recorded
 * in the report, not thrown. Running the same review again asks only for what is missing.
 */
export async function reviewTools(options: ReviewToolsOptions): Promise<ReviewToolsResult> {
  if (options.config.via === "batch-api") {
    throw new ConfigError("--via", "batch-api is for panelist batch, whose store keeps the batch ids so a later run can collect the answers");
  }
  const store = options.store ?? ReviewStore.open(options.config.store);
  try {
    const outputs = reportOutputs(options.config, { secrets: credentialSecrets(options.credentials), ...(options.onWarning ? { onWarning: options.onWarning } : {}) });
    const { toolFiles, compare, store: _store, ...rest } = options;
    const run = await runReviews({ ...rest, inputs: toolFiles, command: compare ? "compare" : "review", store, outputs });
    return { report: outputs.report!, files: run.files, run };
  } finally {
    if (!options.store) store.close();
  }
}

/**
 * Plans the calls of a run and estimates tokens and cost, calling nothing and storing nothing
 * (`--dry-run`). With `sinceLast` and a store, the tools a batch would leave out are left out.
 * `batch` plans no editor summary.
 */
export async function planReviews(options: ReviewToolsOptions & { command?: RunCommand }): Promise<ReviewPlan> {
  const { config } = options;
  const command = options.command ?? (options.compare ? "compare" : "review");
  const loaded = await loadInputs(options.toolFiles, {
    maxDescriptionChars: config.maxDescriptionChars,
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    ...(options.sources ? { sources: createSourceContext(options.sources, options.store, config.maxDescriptionChars) } : {}),
    ...(options.enrich ? { enrich: true } : {}),
  });
  const needed = options.compare ? 2 : 1;
  if (loaded.tools.length < needed) {
    if (loaded.errors[0]) throw loaded.errors[0];
    throw new ConfigError(options.compare ? "compare" : "review", options.compare ? `needs at least two tools, got ${loaded.tools.length}` : "give at least one tool file");
  }
  for (const skipped of loaded.skipped) options.onWarning?.(`skipped: ${skipped.error}`);
  const parts = await prepareRunParts(config, options.credentials);
  await closeProviders(parts.providers);
  const { identified, fresh } = selectTools(loaded.tools, {
    store: options.store,
    sinceLast: options.sinceLast ?? false,
    personas: parts.personas.map((persona) => ({ id: persona.id, hash: personaHash(persona) })),
    models: parts.providers.map(providerLabel),
    promptHash: promptSetHash(parts.templates.hashes, config.spotlight),
  });
  const tools = fresh.map((entry, index) => ({ toolId: index, tool: entry.tool }));
  const planInput = { personas: parts.personas, panelFor: parts.panelFor, templates: parts.templates, spotlight: config.spotlight, samples: config.samples, window: leadWindow(config.concurrency, parts.providers) };
  const jobs = [...planJobs({ ...planInput, tools }), ...(options.compare && config.swap ? planJobs({ ...planInput, tools: [...tools].reverse(), firstSample: config.samples }) : [])];
  const calls = jobs.map((job): PlannedCall => {
    const model = providerLabel(job.provider);
    const inputTokens = estimateTokens(job.prompt.system + job.prompt.dossier + job.prompt.instructions);
    const price = findPrice(model, parts.prices);
    const maxOutputTokens = config.maxOutputTokens;
    return { tool: job.tool.name, persona: job.persona.id, model, inputTokens, maxOutputTokens, maxCostUsd: price ? maxCostOf(inputTokens, maxOutputTokens, price) : null };
  });
  if (command !== "batch" && (config.summary ?? options.compare)) {
    const model = providerLabel(parts.providers[0]!);
    const price = findPrice(model, parts.prices);
    // The moderator reads every verdict: roughly a quote and a few risks per review.
    const inputTokens = 300 + calls.length * 120;
    const maxOutputTokens = Math.min(config.maxOutputTokens, 600);
    calls.push({ tool: "(all)", persona: "moderator", model, inputTokens, maxOutputTokens, maxCostUsd: price ? maxCostOf(inputTokens, maxOutputTokens, price) : null });
  }
  const costs = calls.map((call) => call.maxCostUsd);
  return {
    calls,
    inputTokens: calls.reduce((sum, call) => sum + call.inputTokens, 0),
    maxOutputTokens: calls.reduce((sum, call) => sum + call.maxOutputTokens, 0),
    maxCostUsd: costs.includes(null) ? null : (costs as number[]).reduce((sum, cost) => sum + cost, 0),
    skipped: loaded.skipped,
    skippedSinceLast: identified.length - fresh.length,
  };
}
