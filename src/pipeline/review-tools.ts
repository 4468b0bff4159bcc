import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunConfig } from "../config/run-config.js";
import { panelStats } from "../stats/panel-stats.js";
import { renderStatsMarkdown, statsReviewsFromReport } from "../stats/render-stats.js";
import { estimateTokens } from "../cost/budget.js";
import { findPrice, maxCostOf } from "../cost/price-table.js";
import { ConfigError } from "../errors/config-error.js";
import type { ModelDownloadEvent } from "../providers/local-model-source.js";
import { providerLabel } from "../providers/provider.js";
import { secretValues } from "../providers/redact-secrets.js";
import { buildReport, withSummary } from "../report/build-report.js";
import type { Manifest, Report, SkippedTool } from "../report/report-schema.js";
import { writeReportFiles } from "../report/write-report-files.js";
import type { Tool } from "../tools/tool.js";
import type { CallEvent } from "./call-event.js";
import { loadTools } from "./load-tools.js";
import { buildJobContext, closeProviders, parseAssignments, personaHash, prepareRunParts, type RunParts } from "./run-parts.js";
import { panelistVersion } from "../version.js";
import { runEditorSummary } from "./run-summary.js";
import { planJobs, runPanel, type PanelRunOptions } from "./run-panel.js";
import type { RetryPolicy } from "./retry-policy.js";

/** What a review or comparison needs. */
export interface ReviewToolsOptions {
  /** Tool files (.md, .json, .jsonl). */
  toolFiles: readonly string[];
  config: RunConfig;
  /** Where API keys and base URLs are read from (the merged .env and environment). */
  env: Readonly<Record<string, string | undefined>>;
  /** Head-to-head: requires two or more tools and adds the pick. */
  compare: boolean;
  /** Called with each warning line (unknown keys, cut descriptions, skipped tools). */
  onWarning?: (line: string) => void;
  /** Called after every provider call attempt. */
  onCall?: (event: CallEvent) => void;
  /** Called as each review finishes. */
  onOutcome?: PanelRunOptions["onOutcome"];
  /** Aborts calls in flight. */
  signal?: AbortSignal;
  /** Backoff jitter source; tests fix it. */
  random?: () => number;
  /** Backoff timing; `maxRetries` comes from the config. Defaults: 0.5 s doubling to 30 s. */
  retryPolicy?: Partial<Omit<RetryPolicy, "maxRetries">>;
  /** Progress of a `local:` model downloaded on first use. */
  onModelDownload?: (event: ModelDownloadEvent) => void;
}

/** The finished report and the files written. */
export interface ReviewToolsResult {
  report: Report;
  files: string[];
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
}

interface Prepared extends RunParts {
  tools: Tool[];
  skipped: SkippedTool[];
}

/**
 * Loads tools and personas, runs the panel and writes the reports: the library form of
 * `panelist review` and `panelist compare`. Bad configuration throws before any call is made; a
 * bad tool is left out and listed under `skipped` unless too few tools remain; failed reviews are
 * recorded in the report, not thrown.
 */
export async function reviewTools(options: ReviewToolsOptions): Promise<ReviewToolsResult> {
  if (options.config.via === "batch-api") {
    throw new ConfigError("--via", "batch-api is for panelist batch, whose store keeps the batch ids so a later run can collect the answers");
  }
  const prepared = await prepare(options);
  try {
    return await reviewPrepared(options, prepared);
  } finally {
    // A loaded local model is freed however the run ends: finished, failed or aborted.
    await closeProviders(prepared.providers);
  }
}

async function reviewPrepared(options: ReviewToolsOptions, prepared: Prepared): Promise<ReviewToolsResult> {
  const { config } = options;
  const context = buildJobContext(config, prepared, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.onCall ? { onCall: options.onCall } : {}),
    ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
  });
  const panelOptions = {
    tools: prepared.tools,
    personas: prepared.personas,
    panelFor: prepared.panelFor,
    samples: config.samples,
    spotlight: config.spotlight,
    concurrency: config.concurrency,
    ...context,
    ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
  };
  const results = await runPanel(panelOptions);
  let report = buildReport({
    results,
    personas: prepared.personas,
    models: prepared.providers.map(providerLabel),
    compare: options.compare,
    skipped: prepared.skipped,
  });
  report = { ...report, manifest: buildManifest(report, config, prepared) };
  if (options.compare && config.swap) {
    // The same panel with the tools in reverse order: a pick that changes depends on position.
    const swapped = await runPanel({ ...panelOptions, tools: [...prepared.tools].reverse() });
    const swappedPick = buildReport({ results: swapped, personas: prepared.personas, models: prepared.providers.map(providerLabel), compare: true }).pick;
    const positionDependent = (swappedPick?.name ?? null) !== (report.pick?.name ?? null);
    if (positionDependent) options.onWarning?.(`position-dependent pick: ${report.pick?.name ?? "none"} in the given order, ${swappedPick?.name ?? "none"} with the tools swapped`);
    report = { ...report, swap: { pick: swappedPick?.name ?? null, positionDependent } };
  }
  // With no verdict at all there is nothing for a moderator to summarise.
  const anyReview = report.tools.some((tool) => tool.reviews.length > 0);
  if (summaryWanted(options) && anyReview) {
    const outcome = await runEditorSummary(report, prepared.providers[0]!, prepared.templates, context);
    if (!outcome.ok) options.onWarning?.(`editor summary: ${outcome.error}`);
    report = withSummary(report, outcome.ok ? outcome.summary : undefined, outcome);
  }
  // A study (several models or samples) also gets its statistics: stats.json and a report.md section.
  const study = prepared.providers.length > 1 || config.samples > 1;
  const stats = study ? panelStats(statsReviewsFromReport(report), { positionDependent: report.swap?.positionDependent ?? false }) : undefined;
  for (const warning of stats?.warnings ?? []) options.onWarning?.(`bias check (${warning.kind}): ${warning.message}`);
  const secrets = secretValues(options.env);
  const files = await writeReportFiles(report, config.out, config.formats, { secrets, ...(stats ? { markdownAppendix: renderStatsMarkdown(stats) } : {}) });
  if (stats) {
    const path = join(config.out, "stats.json");
    await writeFile(path, `${JSON.stringify(stats, null, 2)}\n`, "utf8");
    files.push(path);
  }
  return { report, files };
}

/** The run manifest: versions, models as answered, sampling, persona and prompt hashes. */
function buildManifest(report: Report, config: RunConfig, parts: RunParts): Manifest {
  const answered = new Map<string, Set<string>>();
  for (const review of report.tools.flatMap((tool) => tool.reviews)) {
    answered.set(review.model, (answered.get(review.model) ?? new Set()).add(review.responseModel));
  }
  const assign = parseAssignments(config.assign);
  return {
    panelistVersion: panelistVersion(),
    models: parts.providers.map(providerLabel).map((model) => ({ model, responseModels: [...(answered.get(model) ?? [])].sort() })),
    temperature: config.temperature ?? null,
    seed: config.seed ?? null,
    samples: config.samples,
    spotlight: config.spotlight,
    personas: parts.personas.map((persona) => ({ id: persona.id, name: persona.name, hash: personaHash(persona) })),
    promptHashes: parts.templates.hashes,
    assign: assign.size === 0 ? null : Object.fromEntries(assign),
  };
}

/** The editor summary is on by default for a comparison and off for a plain review. */
function summaryWanted(options: ReviewToolsOptions): boolean {
  return options.config.summary ?? options.compare;
}

/** Plans the calls of a run and estimates tokens and cost, calling nothing (`--dry-run`). */
export async function planReviews(options: ReviewToolsOptions): Promise<ReviewPlan> {
  const prepared = await prepare(options);
  await closeProviders(prepared.providers);
  const calls = planJobs({ ...prepared, samples: options.config.samples, spotlight: options.config.spotlight }).map((job): PlannedCall => {
    const model = providerLabel(job.provider);
    const inputTokens = estimateTokens(job.prompt.system + job.prompt.dossier + job.prompt.instructions);
    const price = findPrice(model, prepared.prices);
    const maxOutputTokens = options.config.maxOutputTokens;
    return { tool: job.tool.name, persona: job.persona.id, model, inputTokens, maxOutputTokens, maxCostUsd: price ? maxCostOf(inputTokens, maxOutputTokens, price) : null };
  });
  if (summaryWanted(options)) {
    const model = providerLabel(prepared.providers[0]!);
    const price = findPrice(model, prepared.prices);
    // The moderator reads every verdict: roughly a quote and a few risks per review.
    const inputTokens = 300 + calls.length * 120;
    const maxOutputTokens = Math.min(options.config.maxOutputTokens, 600);
    calls.push({ tool: "(all)", persona: "moderator", model, inputTokens, maxOutputTokens, maxCostUsd: price ? maxCostOf(inputTokens, maxOutputTokens, price) : null });
  }
  const costs = calls.map((call) => call.maxCostUsd);
  return {
    calls,
    inputTokens: calls.reduce((sum, call) => sum + call.inputTokens, 0),
    maxOutputTokens: calls.reduce((sum, call) => sum + call.maxOutputTokens, 0),
    maxCostUsd: costs.includes(null) ? null : (costs as number[]).reduce((sum, cost) => sum + cost, 0),
    skipped: prepared.skipped,
  };
}

/** Everything before the first call: all input and configuration checked. */
async function prepare(options: ReviewToolsOptions): Promise<Prepared> {
  const { config } = options;
  const loaded = await loadTools(options.toolFiles, {
    maxDescriptionChars: config.maxDescriptionChars,
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  const needed = options.compare ? 2 : 1;
  if (loaded.tools.length < needed) {
    // Too few good tools to do what was asked: the first problem is the answer.
    if (loaded.errors[0]) throw loaded.errors[0];
    throw new ConfigError(options.compare ? "compare" : "review", options.compare ? `needs at least two tools, got ${loaded.tools.length}` : "give at least one tool file");
  }
  for (const skipped of loaded.skipped) options.onWarning?.(`skipped: ${skipped.error}`);
  return { tools: loaded.tools, skipped: loaded.skipped, ...(await prepareRunParts(config, options.env, options.onModelDownload ? { onModelDownload: options.onModelDownload } : {})) };
}
