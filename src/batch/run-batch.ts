import { mkdir, open, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunConfig } from "../config/run-config.js";
import { ConfigError } from "../errors/config-error.js";
import type { CallEvent } from "../pipeline/call-event.js";
import type { RetryPolicy } from "../pipeline/retry-policy.js";
import { buildJobContext, closeProviders, prepareRunParts, type RunParts } from "../pipeline/run-parts.js";
import { runReviewJob, type ReviewOutcome } from "../pipeline/run-review-job.js";
import { withBatchResults } from "../pipeline/with-batch-results.js";
import { withResponseCache } from "../pipeline/with-response-cache.js";
import type { BatchLimits } from "../providers/batch-api.js";
import { assertBatchApiModels } from "../providers/create-batch-api.js";
import type { ModelDownloadEvent } from "../providers/local-model-source.js";
import { renderDossier, renderInstructions, renderSystemPrompt, type ReviewPrompt } from "../prompts/build-review-prompt.js";
import { providerLabel, type Provider } from "../providers/provider.js";
import { redactSecrets, secretValues } from "../providers/redact-secrets.js";
import { buildReport } from "../report/build-report.js";
import type { Review, ReviewFailure, SkippedTool } from "../report/report-schema.js";
import { writeReportFiles } from "../report/write-report-files.js";
import { reviewKey, type ReviewStore, type RunRecord, type StoredTool } from "../store/review-store.js";
import { buildIndexReport, renderIndexHtml, renderIndexMarkdown, type IndexEntry } from "./index-report.js";
import { openBatchRun } from "./open-batch-run.js";
import type { ProviderBatchOutcome } from "./provider-batches.js";
import { toolSlug } from "./tool-identity.js";

/** What a batch run needs. */
export interface BatchOptions {
  /** Tool files, folders, feed files or feed URLs. */
  inputs: readonly string[];
  config: RunConfig;
  env: Readonly<Record<string, string | undefined>>;
  store: ReviewStore;
  /** Skip tools already reviewed, with the same content, by the same personas and models. */
  sinceLast: boolean;
  /** Resume this run id instead of starting one. */
  resume?: string;
  /** Start a new run even when an interrupted run of the same job exists. */
  newRun?: boolean;
  /** Bypass the response cache (answers are still stored). */
  noCache?: boolean;
  /** When aborted, no new call starts; calls in flight finish and are stored (first Ctrl-C). */
  stopSignal?: AbortSignal;
  /** Aborts calls in flight (second Ctrl-C). */
  abortSignal?: AbortSignal;
  onWarning?: (line: string) => void;
  onCall?: (event: CallEvent) => void;
  onProgress?: (progress: BatchProgress) => void;
  /** Called once the run is known, before any call. */
  onRun?: (run: RunRecord, resumed: boolean) => void;
  retryPolicy?: Partial<Omit<RetryPolicy, "maxRetries">>;
  random?: () => number;
  /** With `via: batch-api`: poll until the provider batches end instead of returning while they run. */
  wait?: boolean;
  /** Overrides the vendors' per-batch limits (tests use small ones to see a run split). */
  batchLimits?: BatchLimits;
  /** Batch-API events: submitted, progress, collected (one line each). */
  onBatchStatus?: (line: string) => void;
  /** Progress of a `local:` model downloaded on first use. */
  onModelDownload?: (event: ModelDownloadEvent) => void;
}

/** Progress of a batch, reported after every finished review. */
export interface BatchProgress {
  /** Reviews this run covers. */
  total: number;
  /** Reviews done (stored before this session included). */
  done: number;
  failed: number;
  /** Served from the response store. */
  cached: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** How a batch ended. */
export interface BatchSummary {
  runId: string;
  resumed: boolean;
  /** The run stopped early (Ctrl-C); resume it with `--resume runId`. */
  interrupted: boolean;
  tools: number;
  /** Reviews stored for this run in total, from earlier sessions included. */
  reviewed: number;
  /** Of those made in this session, how many came from the response store. */
  cached: number;
  failed: number;
  /** Not started: --max-cost, or interrupted. */
  notStarted: number;
  /** Tools left out because --since-last found them reviewed already. */
  skippedSinceLast: number;
  /** Tools left out for bad input. */
  skippedBadInput: SkippedTool[];
  /** USD spent in this session. */
  costUsd: number;
  /** Output paths. */
  files: { index: string[]; results: string; toolReports: number };
  /** With `--via batch-api`: provider batches still running; the run finishes when a later run (or `--wait`) collects them. */
  pendingBatches: ProviderBatchOutcome["pending"];
}

interface ToolState {
  stored: StoredTool;
  slug: string;
  reviews: Review[];
  failures: ReviewFailure[];
  pending: number;
  /** Rendered on the tool's first call and shared by its other persona calls, as the prompt layout intends. */
  dossier?: string;
}

/**
 * Reviews many tools unattended: every (tool × persona × model) review is stored as it finishes,
 * so a crash loses only the calls in flight and a resumed run does only what is missing. Writes a
 * report per tool when its panel is complete, `results.jsonl` as reviews finish, and an index.
 */
export async function runBatch(options: BatchOptions): Promise<BatchSummary> {
  const { config } = options;
  // The store keys a review by (run, tool, persona, model): samples and per-persona juries are for review and compare.
  if (config.samples > 1) throw new ConfigError("--samples", "is for review and compare; a batch asks each review once");
  if (config.assign) throw new ConfigError("--assign", "is for review and compare; a batch reviews with every --model");
  // Refused before anything is prepared: a local model would otherwise be downloaded and loaded first.
  if (config.via === "batch-api") assertBatchApiModels(config.models);
  const parts = await prepareRunParts(config, options.env, options.onModelDownload ? { onModelDownload: options.onModelDownload } : {});
  try {
    return await runPreparedBatch(options, parts);
  } finally {
    // A loaded local model is freed however the run ends: finished, interrupted or failed.
    await closeProviders(parts.providers);
  }
}

async function runPreparedBatch(options: BatchOptions, parts: RunParts): Promise<BatchSummary> {
  const { config, store } = options;
  const models = parts.providers.map(providerLabel);
  // The provider-batch code is loaded only for --via batch-api.
  const batchStage = config.via === "batch-api" ? await import("./batch-api-stage.js") : undefined;
  const batchApis = batchStage ? await batchStage.createBatchApis(parts, config, options.env, options.batchLimits) : [];
  const { run, tools, resumed, skippedBadInput, skippedSinceLast } = await openBatchRun(options, parts);
  options.onRun?.(run, resumed);

  const secrets = secretValues(options.env);
  await mkdir(join(config.out, "tools"), { recursive: true });
  const stored = store.storedReviews(run.id);
  const runBatchResults = { result: (model: string, customId: string) => store.batches.result(run.id, model, customId) };
  const providers = parts.providers
    .map((provider) => (config.via === "batch-api" ? withBatchResults(provider, runBatchResults) : provider))
    .map((provider) => (options.noCache ? provider : withResponseCache(provider, store)));
  const states = new Map<number, ToolState>();
  const entries: IndexEntry[] = [];
  const progress: BatchProgress = { total: tools.length * parts.personas.length * providers.length, done: 0, failed: 0, cached: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };

  // results.jsonl is rewritten from the store first, so a resumed run's file is whole even if the
  // crash came between a review's commit and its line.
  const resultsPath = join(config.out, "results.jsonl");
  const results = await open(resultsPath, "w");
  // Writes are chained so that concurrent reviews never interleave inside the file, and the lines
  // of reviews committed together go out in one write.
  let resultsWritten: Promise<unknown> = Promise.resolve();
  let resultLines: string[] = [];
  // A file that cannot be written ends the run: no new call starts, and the error is thrown once
  // the calls in flight are in.
  let writeError: { error: unknown } | undefined;
  const writeResult = (state: ToolState, review: Review): Promise<unknown> => {
    const line = JSON.stringify({ runId: run.id, tool: state.stored.tool.name, identity: state.stored.identity, slug: state.slug, ...review });
    resultLines.push(`${redactSecrets(line, secrets)}\n`);
    if (resultLines.length === 1) {
      resultsWritten = resultsWritten.then(() => {
        const text = resultLines.join("");
        resultLines = [];
        return results.write(text);
      }).catch((error: unknown) => void (writeError ??= { error }));
    }
    return resultsWritten;
  };

  let pendingJobs = 0;
  for (const entry of tools) {
    const state: ToolState = { stored: entry, slug: toolSlug(entry.tool, entry.identity), reviews: [], failures: [], pending: 0 };
    states.set(entry.toolId, state);
    parts.personas.forEach((persona) => {
      for (const provider of providers) {
        const done = stored.get(reviewKey(entry.toolId, persona.id, providerLabel(provider)));
        if (done) {
          state.reviews.push(done);
          progress.done += 1;
        } else {
          state.pending += 1;
          pendingJobs += 1;
        }
      }
    });
    for (const review of state.reviews) void writeResult(state, review);
    await resultsWritten;
    if (state.pending === 0) await completeTool(state);
  }
  options.onProgress?.({ ...progress });

  async function completeTool(state: ToolState): Promise<void> {
    const order = (item: { persona: string; model: string }): number =>
      parts.personas.findIndex((persona) => persona.id === item.persona) * models.length + models.indexOf(item.model);
    const report = buildReport({
      results: [{ tool: state.stored.tool, reviews: state.reviews.sort((a, b) => order(a) - order(b)), failures: state.failures.sort((a, b) => order(a) - order(b)) }],
      personas: parts.personas,
      models,
      compare: false,
    });
    const files = await writeReportFiles(report, join(config.out, "tools"), config.formats, { baseName: state.slug, secrets });
    const tool = report.tools[0]!;
    entries.push({
      name: tool.name,
      slug: state.slug,
      category: tool.category,
      pricing: tool.pricing,
      url: tool.url,
      panel: tool.panel,
      files: files.map((file) => `tools/${file.split("/").at(-1)}`),
    });
    states.delete(state.stored.toolId);
  }

  // A finished tool's report is written while the slot that finished it starts its next call.
  const reportWrites = new Set<Promise<void>>();
  function completeToolInBackground(state: ToolState): void {
    const written: Promise<void> = completeTool(state)
      .catch((error: unknown) => void (writeError ??= { error }))
      .finally(() => reportWrites.delete(written));
    reportWrites.add(written);
  }

  const context = buildJobContext(config, parts, {
    ...(options.abortSignal ? { signal: options.abortSignal } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.onCall ? { onCall: options.onCall } : {}),
    ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
  });

  let notStarted = 0;
  let sessionCached = 0;
  let pendingBatches: ProviderBatchOutcome["pending"] = [];
  if (batchStage && batchApis.length > 0 && pendingJobs > 0) {
    const outcome = await batchStage.settleRunBatches({
      runId: run.id,
      apis: batchApis,
      tools,
      parts,
      config,
      context,
      store,
      stored,
      useCache: !options.noCache,
      wait: options.wait ?? false,
      ...(options.stopSignal ? { signal: options.stopSignal } : {}),
      ...(options.onBatchStatus ? { onStatus: options.onBatchStatus } : {}),
    });
    pendingBatches = outcome.pending;
  }
  // Jobs are generated as workers ask for them rather than queued up front: at 10,000 tools a
  // queue of 40,000 pending closures is what would make memory grow with the batch.
  function* pendingJobsOf(toolId: number, state: ToolState): Generator<BatchJob> {
    for (let personaIndex = 0; personaIndex < parts.personas.length; personaIndex += 1) {
      for (const provider of providers) {
        if (!stored.has(reviewKey(toolId, parts.personas[personaIndex]!.id, providerLabel(provider)))) yield { state, personaIndex, provider };
      }
    }
  }
  const queue = leadCallsFirst(
    tools.flatMap((entry) => {
      const state = states.get(entry.toolId);
      return state ? [() => pendingJobsOf(entry.toolId, state)] : [];
    }),
    leadWindow(config.concurrency, providers),
  );
  // The same bytes buildReviewPrompt gives, rendered once per run (system, personas) and once per tool (dossier).
  const system = renderSystemPrompt(parts.templates, parts.personas, config.spotlight);
  const instructions = parts.personas.map((persona) => renderInstructions(parts.templates, persona));
  // While provider batches run, nothing is called: the reviews wait for their answers.
  if (pendingBatches.length > 0) notStarted = pendingJobs;
  const worker = async (): Promise<void> => {
    if (pendingBatches.length > 0) return;
    for (let next = queue.next(); !next.done; next = queue.next()) {
      const job = next.value;
      if (options.stopSignal?.aborted || writeError) {
        notStarted += 1;
        continue;
      }
      const persona = parts.personas[job.personaIndex]!;
      const prompt: ReviewPrompt = {
        system,
        dossier: (job.state.dossier ??= renderDossier(parts.templates, job.state.stored.tool, config.spotlight)),
        instructions: instructions[job.personaIndex]!,
      };
      const outcome = await runReviewJob({ tool: job.state.stored.tool, persona, provider: job.provider, prompt }, context);
      await record(job.state, outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(config.concurrency, Math.max(1, pendingJobs)) }, worker));

  async function record(state: ToolState, outcome: ReviewOutcome): Promise<void> {
    if (!outcome.ok && outcome.failure.kind === "budget") {
      notStarted += 1;
      return;
    }
    // A call cut short by the second Ctrl-C did not fail: it is simply not done.
    if (!outcome.ok && options.abortSignal?.aborted) {
      notStarted += 1;
      return;
    }
    if (outcome.ok) store.saveReview(run.id, state.stored.toolId, outcome.review, { rawText: outcome.rawText, fromCache: Boolean(outcome.review.fromCache) });
    else store.saveFailure(run.id, state.stored.toolId, outcome.failure);
    // The slot takes its next job only once this review is committed (the store commits what the
    // event loop's turn saved, together), so a kill -9 loses at most the calls in flight.
    await store.committed();
    if (outcome.ok) {
      state.reviews.push(outcome.review);
      void writeResult(state, outcome.review);
      if (outcome.review.fromCache) sessionCached += 1;
      progress.done += 1;
      progress.cached += outcome.review.fromCache ? 1 : 0;
      progress.inputTokens += outcome.review.usage.inputTokens;
      progress.outputTokens += outcome.review.usage.outputTokens;
      progress.costUsd += outcome.review.costUsd ?? 0;
    } else {
      state.failures.push(outcome.failure);
      progress.failed += 1;
      progress.costUsd += outcome.failure.costUsd ?? 0;
    }
    state.pending -= 1;
    options.onProgress?.({ ...progress });
    if (state.pending === 0) completeToolInBackground(state);
  }

  await Promise.all(reportWrites);
  await resultsWritten;
  await results.close();
  if (writeError) throw writeError.error;
  const wasInterrupted = Boolean(options.stopSignal?.aborted || options.abortSignal?.aborted);
  store.setRunStatus(run.id, wasInterrupted || pendingBatches.length > 0 ? "interrupted" : "finished");
  const index = buildIndexReport({
    runId: run.id,
    generatedAt: new Date().toISOString(),
    models,
    personas: parts.personas.map((persona) => ({ id: persona.id, name: persona.name })),
    entries,
  });
  const indexFiles = await writeIndex(config.out, index, config.formats, secrets);
  const counts = store.counts(run.id);
  return {
    runId: run.id,
    resumed,
    interrupted: wasInterrupted,
    tools: tools.length,
    reviewed: counts.reviews,
    cached: sessionCached,
    failed: counts.failures,
    notStarted,
    skippedSinceLast,
    skippedBadInput,
    costUsd: Math.round(progress.costUsd * 1_000_000) / 1_000_000,
    files: { index: indexFiles, results: resultsPath, toolReports: entries.length },
    pendingBatches,
  };
}

async function writeIndex(out: string, index: ReturnType<typeof buildIndexReport>, formats: readonly string[], secrets: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  const write = async (name: string, text: string): Promise<void> => {
    const path = join(out, name);
    await writeFile(`${path}.tmp`, redactSecrets(text, secrets), "utf8");
    await rename(`${path}.tmp`, path);
    files.push(path);
  };
  if (formats.includes("json")) await write("index.json", `${JSON.stringify(index, null, 2)}\n`);
  if (formats.includes("md")) await write("index.md", renderIndexMarkdown(index));
  if (formats.includes("html")) await write("index.html", renderIndexHtml(index));
  return files;
}

/** One review a batch worker can run: a tool, a persona of the run's panel, a model. */
interface BatchJob {
  state: ToolState;
  personaIndex: number;
  provider: Provider;
}

/**
 * How many tools' panels are opened together. A provider's prompt cache holds a tool's dossier
 * only once the first call that sent it has been answered, so calls for the same tool that start
 * together all pay for it (Anthropic writes it once per call, at 1.25× input). So each window of
 * `concurrency` tools starts with one call per tool and model, and their other personas follow
 * as those answers come in; with that many tools in flight, no slot waits. A model that runs one
 * call at a time on this machine keeps the tool-by-tool order instead, which is what lets it
 * reuse the dossier it has just evaluated.
 */
export function leadWindow(concurrency: number, providers: readonly Pick<Provider, "maxConcurrency">[]): number {
  return providers.some((provider) => provider.maxConcurrency !== undefined) ? 1 : Math.max(1, concurrency);
}

/**
 * Orders jobs window by window: for every tool of a window its first job per model (the lead
 * call), then the rest of the window's jobs, tool by tool. Lazy, like the tool list's own jobs.
 */
export function* leadCallsFirst<Job extends { provider: unknown }>(toolJobs: readonly (() => Iterable<Job>)[], window: number): Generator<Job> {
  for (let start = 0; start < toolJobs.length; start += window) {
    const rest: Job[][] = [];
    for (const jobsOf of toolJobs.slice(start, start + window)) {
      const leads = new Set<unknown>();
      const followers: Job[] = [];
      for (const job of jobsOf()) {
        if (leads.has(job.provider)) followers.push(job);
        else {
          leads.add(job.provider);
          yield job;
        }
      }
      rest.push(followers);
    }
    for (const followers of rest) yield* followers;
  }
}
