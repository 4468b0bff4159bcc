import type { RunConfig } from "../config/run-config.js";
import type { ProviderBatchOutcome } from "./settle-provider-batches.js";
import type { CallEvent } from "../pipeline/call-event.js";
import type { JobOutcome } from "../pipeline/job-outcome.js";
import type { RetryPolicy } from "../pipeline/retry-policy.js";
import { buildJobContext, closeProviders, parseAssignments, prepareRunParts, type RunParts } from "../pipeline/run-parts.js";
import type { ReviewJob } from "../pipeline/run-review-job.js";
import type { BatchLimits } from "../providers/batch-api.js";
import { assertBatchApiModels } from "../providers/create-batch-api.js";
import { credentialSecrets, type Credentials } from "../providers/credentials.js";
import type { ModelDownloadEvent } from "../providers/local-model-source.js";
import { providerLabel } from "../providers/provider.js";
import type { SkippedTool } from "../report/report-schema.js";
import { reviewKey } from "../store/review-key.js";
import type { ReviewStore, RunRecord, StoredTool } from "../store/review-store.js";
import { sourceSecrets } from "../sources/source-settings.js";
import { openRun, type RunCommand } from "./open-run.js";
import { createSourceContext, type SourceOptions } from "./source-context.js";
import { leadWindow, planJobs, type PlannedJob } from "./plan-jobs.js";
import { summarizeRun } from "./summarize-run.js";
import type { RunOutputs } from "./run-outputs.js";
import type { RunProgress } from "./run-progress.js";
import { scheduleJobs } from "./schedule-jobs.js";
import { AfterCommit } from "./after-commit.js";
import { saveOutcome } from "./save-outcome.js";

/** What a run of reviews needs, for every command. */
export interface RunReviewsOptions {
  command: RunCommand;
  /** Tool files, folders, feed files or feed URLs. */
  inputs: readonly string[];
  config: RunConfig;
  /** API keys and base URLs, resolved once from the environment by the caller. */
  credentials: Credentials;
  /** Where the run, its tools, reviews, failures and answers are kept as they happen. */
  store: ReviewStore;
  /** The files the command writes. */
  outputs: RunOutputs;
  /** Reading tools from where they live (`npm:`, `github:`, any URL); without it a URL is a feed. */
  sources?: SourceOptions;
  /** With `sources`: feed items whose link is a repository, package or model page get its facts. */
  enrich?: boolean;
  /** Leave out tools already reviewed, unchanged, by the same panel. */
  sinceLast?: boolean;
  /** Resume this run id instead of starting one. */
  resume?: string;
  /** Start a new run even when an unfinished run of the same job exists. */
  newRun?: boolean;
  /** Call the provider even for a request already answered (answers are still stored). */
  noCache?: boolean;
  /** When aborted, no new call starts; calls in flight finish and are stored (first Ctrl-C). */
  stopSignal?: AbortSignal;
  /** Aborts calls in flight (second Ctrl-C). */
  abortSignal?: AbortSignal;
  onWarning?: (line: string) => void;
  onCall?: (event: CallEvent) => void;
  /** Called after every stored review or failure. */
  onProgress?: (progress: RunProgress) => void;
  /** Called as each review finishes, in completion order. */
  onOutcome?: (job: ReviewJob, outcome: JobOutcome) => void;
  /** Called once the run is known, before any call. */
  onRun?: (run: RunRecord, resumed: boolean) => void;
  retryPolicy?: Partial<Omit<RetryPolicy, "maxRetries">>;
  random?: () => number;
  /** With `via: batch-api`: poll until the provider batches end instead of returning while they run. */
  wait?: boolean;
  /** Overrides the vendors' per-batch limits. */
  batchLimits?: BatchLimits;
  /** Batch-API events: submitted, progress, collected (one line each). */
  onBatchStatus?: (line: string) => void;
  /** Progress of a `local:` model downloaded on first use. */
  onModelDownload?: (event: ModelDownloadEvent) => void;
}

/** How a run of reviews ended. */
export interface RunReviewsResult {
  run: RunRecord;
  resumed: boolean;
  /** The run stopped early (Ctrl-C, or a file that could not be written); it can be resumed. */
  interrupted: boolean;
  tools: StoredTool[];
  /** Reviews stored for this run in total, from earlier sessions included. */
  reviewed: number;
  /** Of the reviews made in this session, how many came from the response store. */
  cached: number;
  /** Failed reviews stored for the run. */
  failed: number;
  /** Not started: --max-cost, or stopped. */
  notStarted: number;
  skippedSinceLast: number;
  skippedBadInput: SkippedTool[];
  /** USD spent in this session. */
  costUsd: number;
  files: string[];
  /** With `--via batch-api`: provider batches still running. */
  pendingBatches: ProviderBatchOutcome["pending"];
}

/**
 * The one engine behind `review`, `compare` and `batch`: checks the outputs, prepares the panel,
 * opens (or resumes) the run in the store, plans the jobs it still lacks, runs them on one
 * scheduler and commits each outcome before the next job starts, asks for the editor summary,
 * then has the outputs render from the store. Bad configuration or input throws before any call.
 */
export async function runReviews(options: RunReviewsOptions): Promise<RunReviewsResult> {
  const { config } = options;
  options.outputs.check();
  // Refused before anything is prepared: a local model would otherwise be downloaded and loaded first.
  if (config.via === "batch-api") assertBatchApiModels([...config.models, ...[...parseAssignments(config.assign).values()].flat()]);
  const parts = await prepareRunParts(config, options.credentials, {
    ...(options.onModelDownload ? { onModelDownload: options.onModelDownload } : {}),
    ...(options.stopSignal ? { signal: options.stopSignal } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  try {
    return await runPrepared(options, parts);
  } finally {
    // A loaded local model is freed however the run ends: finished, interrupted or failed.
    await closeProviders(parts.providers);
  }
}

async function runPrepared(options: RunReviewsOptions, parts: RunParts): Promise<RunReviewsResult> {
  const { config, store, outputs } = options;
  // The provider-batch code is loaded only for --via batch-api.
  const batchStage = config.via === "batch-api" ? await import("./provider-batch-stage.js") : undefined;
  const batchApis = batchStage ? await batchStage.createBatchApis(parts, config, options.credentials, options.batchLimits) : [];
  const opened = await openRun({
    command: options.command,
    inputs: options.inputs,
    config,
    store,
    parts,
    ...(options.sinceLast ? { sinceLast: true } : {}),
    ...(options.resume ? { resume: options.resume } : {}),
    ...(options.newRun ? { newRun: true } : {}),
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    ...(options.sources ? { sources: createSourceContext(options.sources, store, config.maxDescriptionChars) } : {}),
    ...(options.enrich ? { enrich: true } : {}),
  });
  const { run, tools } = opened;
  options.onRun?.(run, opened.resumed);
  await outputs.begin(opened, store);

  const plan = run.plan!;
  const done = store.reviewedKeys(run.id);
  const context = buildJobContext(config, parts, {
    ...(options.abortSignal ? { signal: options.abortSignal } : {}),
    ...(options.stopSignal ? { stopSignal: options.stopSignal } : {}),
    ...(options.noCache ? {} : { cache: store.responses }),
    ...(config.via === "batch-api" ? { batchResults: { result: (model: string, customId: string) => store.batches.result(run.id, model, customId) } } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.onCall ? { onCall: options.onCall } : {}),
    ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
  });
  const passes = plan.swap ? 2 : 1;
  const perTool = parts.personas.reduce((sum, persona) => sum + parts.panelFor(persona).length, 0) * plan.samples * passes;
  const window = leadWindow(config.concurrency, parts.providers);
  const planInput = { personas: parts.personas, panelFor: parts.panelFor, templates: parts.templates, spotlight: config.spotlight, samples: plan.samples, window, done };
  // The given order, then (compare --swap) the same panel with the tools reversed as further samples.
  const jobs = function* (): Generator<PlannedJob> {
    yield* planJobs({ ...planInput, tools });
    if (plan.swap) yield* planJobs({ ...planInput, tools: [...tools].reverse(), firstSample: plan.samples });
  };

  const progress: RunProgress = { total: tools.length * perTool, done: done.size, failed: 0, cached: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
  const remaining = new Map<number, number>();
  for (const entry of tools) {
    const left = perTool - countDone(done, entry.toolId, parts, plan.samples * passes);
    remaining.set(entry.toolId, left);
    if (left === 0) outputs.toolDone?.(entry);
  }
  options.onProgress?.({ ...progress });

  let pendingBatches: ProviderBatchOutcome["pending"] = [];
  if (batchStage && batchApis.length > 0 && progress.done < progress.total) {
    const outcome = await batchStage.settleRunBatches({
      runId: run.id,
      apis: batchApis,
      jobs,
      context,
      store,
      config,
      useCache: !options.noCache,
      wait: options.wait ?? false,
      ...(options.stopSignal ? { signal: options.stopSignal } : {}),
      ...(options.onBatchStatus ? { onStatus: options.onBatchStatus } : {}),
    });
    pendingBatches = outcome.pending;
  }

  const toolsById = new Map(tools.map((entry) => [entry.toolId, entry]));
  const personaHashes = new Map(run.personas.map((persona) => [persona.id, persona.hash]));
  let cached = 0;
  let notStarted = 0;
  const secrets = [...credentialSecrets(options.credentials), ...(options.sources ? sourceSecrets(options.sources.settings) : [])];
  const afterCommit = new AfterCommit();
  const outcomeRecord = { runId: run.id, secrets, personaHashes, promptHash: plan.promptHash };
  const record = async (job: ReviewJob, paid: JobOutcome): Promise<void> => {
    const outcome = saveOutcome(store, job, paid, outcomeRecord);
    await store.committed();
    // Stored first, paid for or not: then a results line or tool page that could not be written
    // stops the run, as a failed commit does.
    afterCommit.check();
    options.onOutcome?.(job, outcome);
    if (outcome.status === "notStarted") {
      if (outputs.stored) afterCommit.add(() => outputs.stored!(job, outcome));
      return;
    }
    if (outcome.status === "reviewed") {
      progress.done += 1;
      if (outcome.source === "cache") {
        cached += 1;
        progress.cached += 1;
      }
      progress.inputTokens += outcome.review.usage.inputTokens;
      progress.outputTokens += outcome.review.usage.outputTokens;
      progress.costUsd += outcome.review.costUsd ?? 0;
    } else {
      progress.failed += 1;
      progress.costUsd += outcome.failure.costUsd ?? 0;
    }
    options.onProgress?.({ ...progress });
    const left = (remaining.get(job.toolId) ?? 1) - 1;
    remaining.set(job.toolId, left);
    // Committed, so the slot may go on: the files follow on the next turn (see AfterCommit).
    if (outputs.stored || (left === 0 && outputs.toolDone)) {
      afterCommit.add(() => {
        outputs.stored?.(job, outcome);
        if (left === 0) outputs.toolDone?.(toolsById.get(job.toolId)!);
      });
    }
  };

  let scheduleError: { error: unknown } | undefined;
  if (pendingBatches.length > 0) {
    // While provider batches run, nothing is called: the reviews wait for their answers.
    notStarted = progress.total - progress.done;
  } else {
    try {
      notStarted = (await scheduleJobs({
        jobs: jobs(),
        concurrency: config.concurrency,
        context,
        record,
        ...(options.stopSignal ? { stopSignal: options.stopSignal } : {}),
        ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
      })).notStarted;
    } catch (error) {
      scheduleError = { error };
    }
  }

  try {
    afterCommit.drain();
  } catch (error) {
    scheduleError ??= { error };
  }

  const interrupted = Boolean(options.stopSignal?.aborted || options.abortSignal?.aborted || scheduleError);
  if (!interrupted && pendingBatches.length === 0 && wantsSummary(options.command, config)) {
    progress.costUsd += await summarizeRun(store, run.id, parts.providers[0]!, parts.templates, context, secrets, options.onWarning);
  }
  store.setRunStatus(run.id, interrupted || pendingBatches.length > 0 ? "interrupted" : "finished");
  if (scheduleError) throw scheduleError.error;
  const files = await outputs.finish(store, run.id);
  const counts = store.counts(run.id);
  return {
    run: store.getRun(run.id)!,
    resumed: opened.resumed,
    interrupted,
    tools,
    reviewed: counts.reviews,
    cached,
    failed: counts.failures,
    notStarted,
    skippedSinceLast: opened.skippedSinceLast,
    skippedBadInput: opened.skippedBadInput,
    costUsd: Math.round(progress.costUsd * 1_000_000) / 1_000_000,
    files,
    pendingBatches,
  };
}

/** The editor summary is on by default for a comparison and off otherwise. */
function wantsSummary(command: RunCommand, config: RunConfig): boolean {
  return command !== "batch" && (config.summary ?? command === "compare");
}

/** How many of a tool's jobs the store already has. */
function countDone(done: ReadonlySet<string>, toolId: number, parts: RunParts, samples: number): number {
  let count = 0;
  for (const persona of parts.personas) {
    for (const provider of parts.panelFor(persona)) {
      for (let sample = 0; sample < samples; sample += 1) if (done.has(reviewKey(toolId, persona.id, providerLabel(provider), sample))) count += 1;
    }
  }
  return count;
}
