import type { RunConfig } from "../config/run-config.js";
import { estimateTokens } from "../cost/budget.js";
import { costOf, findPrice } from "../cost/price-table.js";
import { ConfigError } from "../errors/config-error.js";
import { providerLabel } from "../providers/provider.js";
import { secretValues } from "../providers/redact-secrets.js";
import { buildReport, withSummary } from "../report/build-report.js";
import type { Report, SkippedTool } from "../report/report-schema.js";
import { writeReportFiles } from "../report/write-report-files.js";
import type { Tool } from "../tools/tool.js";
import type { CallEvent } from "./call-event.js";
import { loadTools } from "./load-tools.js";
import { buildJobContext, prepareRunParts, type RunParts } from "./run-parts.js";
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
  const { config } = options;
  const prepared = await prepare(options);
  const context = buildJobContext(config, prepared, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.onCall ? { onCall: options.onCall } : {}),
    ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
  });
  const results = await runPanel({
    tools: prepared.tools,
    personas: prepared.personas,
    providers: prepared.providers,
    concurrency: config.concurrency,
    ...context,
    ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
  });
  let report = buildReport({
    results,
    personas: prepared.personas,
    models: prepared.providers.map(providerLabel),
    compare: options.compare,
    skipped: prepared.skipped,
  });
  if (summaryWanted(options)) {
    const outcome = await runEditorSummary(report, prepared.providers[0]!, prepared.templates, context);
    if (!outcome.ok) options.onWarning?.(`editor summary: ${outcome.error}`);
    report = withSummary(report, outcome.ok ? outcome.summary : undefined, outcome);
  }
  const files = await writeReportFiles(report, config.out, config.formats, { secrets: secretValues(options.env) });
  return { report, files };
}

/** The editor summary is on by default for a comparison and off for a plain review. */
function summaryWanted(options: ReviewToolsOptions): boolean {
  return options.config.summary ?? options.compare;
}

/** Plans the calls of a run and estimates tokens and cost, calling nothing (`--dry-run`). */
export async function planReviews(options: ReviewToolsOptions): Promise<ReviewPlan> {
  const prepared = await prepare(options);
  const calls = planJobs(prepared).map((job): PlannedCall => {
    const model = providerLabel(job.provider);
    const inputTokens = estimateTokens(job.prompt.system + job.prompt.dossier + job.prompt.instructions);
    const price = findPrice(model, prepared.prices);
    const usage = { inputTokens, cachedInputTokens: 0, outputTokens: options.config.maxOutputTokens };
    return { tool: job.tool.name, persona: job.persona.id, model, inputTokens, maxOutputTokens: usage.outputTokens, maxCostUsd: price ? costOf(usage, price) : null };
  });
  if (summaryWanted(options)) {
    const model = providerLabel(prepared.providers[0]!);
    const price = findPrice(model, prepared.prices);
    // The moderator reads every verdict: roughly a quote and a few risks per review.
    const inputTokens = 300 + calls.length * 120;
    const maxOutputTokens = Math.min(options.config.maxOutputTokens, 600);
    calls.push({ tool: "(all)", persona: "moderator", model, inputTokens, maxOutputTokens, maxCostUsd: price ? costOf({ inputTokens, cachedInputTokens: 0, outputTokens: maxOutputTokens }, price) : null });
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
  return { tools: loaded.tools, skipped: loaded.skipped, ...(await prepareRunParts(config, options.env)) };
}
