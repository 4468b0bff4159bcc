import type { RunConfig } from "../config/run-config.js";
import { ConfigError } from "../errors/config-error.js";
import type { JobOutcome } from "../pipeline/job-outcome.js";
import type { RetryPolicy } from "../pipeline/retry-policy.js";
import type { CallEvent } from "../pipeline/call-event.js";
import type { ReviewJob } from "../pipeline/run-review-job.js";
import { buildJobContext, closeProviders, personaHash, prepareRunParts, promptSetHash, type RunParts } from "../pipeline/run-parts.js";
import { credentialSecrets, type Credentials } from "../providers/credentials.js";
import { providerLabel } from "../providers/provider.js";
import { redactDeep } from "../providers/redact-secrets.js";
import type { RerunFailure } from "../store/rerun-log.js";
import type { ReviewStore, RunRecord, StoredTool } from "../store/review-store.js";
import { leadWindow, planJobs } from "./plan-jobs.js";
import { scheduleJobs } from "./schedule-jobs.js";
import { summarizeRun } from "./summarize-run.js";

/** What to ask again, of which run, and with what. */
export interface RerunReviewsOptions {
  store: ReviewStore;
  runId: string;
  /** One tool: its store id, or its name (case-insensitive). Every tool of the run when absent. */
  tool?: string | number;
  /** One persona id. The whole panel when absent. */
  persona?: string;
  /** `provider:model` to ask instead of the run's own models (one model for each persona asked). */
  model?: string;
  /**
   * The current configuration: concurrency, retries, timeouts, rate limits, `--max-cost` and prices
   * come from here. What shapes the answer (personas, prompts' spotlight, samples, temperature, seed,
   * output limit) comes from the run as stored, so a re-run asks the same question again.
   */
  config: RunConfig;
  credentials: Credentials;
  /** Who asked: kept with the re-run and shown beside its reviews. */
  editor: string;
  /** When aborted, no new call starts; calls in flight finish and are stored (the first Ctrl-C). */
  stopSignal?: AbortSignal;
  /** Aborts calls in flight (the second Ctrl-C). */
  abortSignal?: AbortSignal;
  /** Called once before the first call and after every review that comes back or fails. */
  onProgress?: (progress: RerunProgress) => void;
  onWarning?: (line: string) => void;
  onCall?: (event: CallEvent) => void;
  retryPolicy?: Partial<Omit<RetryPolicy, "maxRetries">>;
  random?: () => number;
}

/** How far a re-run has got. */
export interface RerunProgress {
  total: number;
  done: number;
  failed: number;
}

/** A review of a re-run that did not come back; the review it would have replaced stays current. */
export interface RerunFailureLine {
  tool: string;
  persona: string;
  model: string;
  error: string;
}

/** How a re-run ended. */
export interface RerunReviewsResult {
  runId: string;
  /** The re-run's id in the store's log of re-runs. */
  rerunId: number;
  /** Reviews asked for. */
  planned: number;
  /** New reviews stored in place of the old ones. */
  reviewed: number;
  failed: number;
  /** Never asked: stopped, or held back by `--max-cost`. */
  notStarted: number;
  interrupted: boolean;
  /** USD spent by the re-run, the editor summary asked again included. */
  costUsd: number;
  /** Each new review with the review it superseded (none when it filled a failed or missing one). */
  replaced: { oldId: number | null; newId: number }[];
  failures: RerunFailureLine[];
  /** Whether the run's editor summary was asked again over the new verdicts. */
  summarized: boolean;
}

/**
 * Asks some of a stored run's reviews again (one persona of one tool, a whole tool, or the whole
 * run), with the run's models or another one, and stores the answers as new reviews of the same
 * run: the reviews they replace stay in the store as superseded history, and the run's report,
 * panel math, pick and exports follow the new ones. Nothing is served from the response store
 * (the point is a fresh answer), but every answer is kept. A review that fails leaves the old one
 * current and is recorded in the re-run's log. Bad arguments throw a ConfigError before any call.
 */
export async function rerunReviews(options: RerunReviewsOptions): Promise<RerunReviewsResult> {
  const { store } = options;
  const run = store.getRun(options.runId);
  if (!run) throw new ConfigError("run", `no run "${options.runId}" in this store; 'panelist runs' lists them`);
  const tools = selectRunTools(store.tools.forRun(run.id), options.tool, run.id);
  const personaIds = run.personas.map((persona) => persona.id);
  if (options.persona !== undefined && !personaIds.includes(options.persona)) {
    throw new ConfigError("--persona", `run ${run.id} has no persona "${options.persona}"; its panel: ${personaIds.join(", ")}`);
  }
  const asked = options.persona === undefined ? personaIds : [options.persona];
  const config = rerunConfig(run, asked, options);
  const parts = await prepareRunParts(config, options.credentials, options.onWarning ? { onWarning: options.onWarning } : {});
  try {
    return await rerunPrepared(options, run, tools, parts, config);
  } finally {
    await closeProviders(parts.providers);
  }
}

async function rerunPrepared(options: RerunReviewsOptions, run: RunRecord, tools: StoredTool[], parts: RunParts, config: RunConfig): Promise<RerunReviewsResult> {
  const { store } = options;
  warnAboutChanges(run, parts, config, options.onWarning);
  const rerunId = store.reruns.start(run.id, {
    toolId: options.tool === undefined ? null : tools[0]!.toolId,
    persona: options.persona ?? null,
    model: options.model ?? null,
    editor: options.editor,
  });
  const samples = (run.plan?.samples ?? 1) * (run.plan?.swap ? 2 : 1);
  const perTool = parts.personas.reduce((sum, persona) => sum + parts.panelFor(persona).length, 0) * samples;
  const progress: RerunProgress = { total: tools.length * perTool, done: 0, failed: 0 };
  const context = buildJobContext(config, parts, {
    ...(options.abortSignal ? { signal: options.abortSignal } : {}),
    ...(options.stopSignal ? { stopSignal: options.stopSignal } : {}),
    ...(options.onCall ? { onCall: options.onCall } : {}),
    ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
  const secrets = credentialSecrets(options.credentials);
  const names = new Map(tools.map((entry) => [entry.toolId, entry.tool.name]));
  const askedModels = new Map(parts.personas.map((persona) => [persona.id, new Set(parts.panelFor(persona).map(providerLabel))]));
  const replaced: RerunReviewsResult["replaced"] = [];
  const failures: RerunFailure[] = [];
  let costUsd = 0;

  const record = async (job: ReviewJob, paid: JobOutcome): Promise<void> => {
    // Redacted before it is stored, as every run's answers are.
    const outcome = redactDeep(paid, secrets);
    if (outcome.status === "notStarted") return;
    if (outcome.status === "reviewed") {
      for (const answer of outcome.answers) store.responses.putResponse(answer.requestHash, answer.model, answer.response);
      await store.committed();
      // The persona's current reviews of this sample by a model this re-run does not ask are
      // replaced too: another model takes the persona's seat rather than sitting beside it.
      const seat = askedModels.get(job.persona.id)!;
      const current = store
        .runOutcomes(run.id, job.toolId)
        .flatMap((entry) => (entry.ok && entry.sample === job.sample && entry.review.persona === job.persona.id ? [entry.review] : []));
      const displaced = current.flatMap((review) => (seat.has(review.model) ? [] : [review.id!]));
      const same = current.find((review) => review.model === providerLabel(job.provider));
      const newId = store.saveRerunReview(
        run.id,
        job.toolId,
        outcome.review,
        { sample: job.sample, source: outcome.source, rawText: outcome.rawText, personaHash: personaHash(job.persona), promptHash: promptSetHash(parts.templates.hashes, config.spotlight) },
        { rerunId, replaces: displaced },
      );
      const oldIds = [...(same ? [same.id!] : []), ...displaced];
      if (oldIds.length === 0) replaced.push({ oldId: null, newId });
      for (const oldId of oldIds) replaced.push({ oldId, newId });
      progress.done += 1;
      costUsd += outcome.review.costUsd ?? 0;
    } else {
      const { failure } = outcome;
      failures.push({ toolId: job.toolId, persona: failure.persona, model: failure.model, kind: failure.kind, error: failure.error, costUsd: failure.costUsd });
      progress.failed += 1;
      costUsd += failure.costUsd ?? 0;
    }
    options.onProgress?.({ ...progress });
  };

  options.onProgress?.({ ...progress });
  let notStarted = 0;
  let scheduleError: { error: unknown } | undefined;
  try {
    const jobs = planJobs({
      tools: tools.map(({ toolId, tool }) => ({ toolId, tool })),
      personas: parts.personas,
      panelFor: parts.panelFor,
      templates: parts.templates,
      spotlight: config.spotlight,
      samples,
      window: leadWindow(config.concurrency, parts.providers),
    });
    notStarted = (await scheduleJobs({
      jobs,
      concurrency: config.concurrency,
      context,
      record,
      ...(options.stopSignal ? { stopSignal: options.stopSignal } : {}),
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
    })).notStarted;
  } catch (error) {
    scheduleError = { error };
  }
  const interrupted = Boolean(options.stopSignal?.aborted || options.abortSignal?.aborted || scheduleError);
  store.reruns.finish(rerunId, { interrupted, failures });
  // A summary written over the old verdicts would now describe a different page.
  let summarized = false;
  if (!interrupted && progress.done > 0 && run.summary !== null && config.summary !== false) {
    const moderator = parts.providers.find((provider) => providerLabel(provider) === run.models[0]) ?? parts.providers[0]!;
    costUsd += await summarizeRun(store, run.id, moderator, parts.templates, context, secrets, options.onWarning);
    summarized = true;
  }
  if (scheduleError) throw scheduleError.error;
  return {
    runId: run.id,
    rerunId,
    planned: progress.total,
    reviewed: progress.done,
    failed: progress.failed,
    notStarted,
    interrupted,
    costUsd: Math.round(costUsd * 1_000_000) / 1_000_000,
    replaced,
    failures: failures.map((failure) => ({ tool: names.get(failure.toolId) ?? String(failure.toolId), persona: failure.persona, model: failure.model, error: failure.error })),
    summarized,
  };
}

/** The run's tools a re-run asks about: one, by name (or identity), else by store id, or all of them. */
function selectRunTools(tools: StoredTool[], wanted: string | number | undefined, runId: string): StoredTool[] {
  if (wanted === undefined) return tools;
  const text = String(wanted).trim().toLowerCase();
  const byName = typeof wanted === "string" ? tools.filter((entry) => entry.tool.name.trim().toLowerCase() === text || entry.identity.toLowerCase() === text) : [];
  // The command line gives an id as text: "12" is tool 12 unless a tool is named "12".
  const byId = /^\d+$/.test(text) ? tools.filter((entry) => entry.toolId === Number(text)) : [];
  const found = byName.length > 0 ? byName : byId;
  const known = tools.map((entry) => entry.tool.name).join(", ");
  if (found.length === 0) throw new ConfigError("--tool", `run ${runId} has no tool "${wanted}"; its tools: ${known}`);
  if (found.length > 1) throw new ConfigError("--tool", `"${wanted}" names ${found.length} tools of run ${runId}; give its id: ${found.map((entry) => entry.toolId).join(", ")}`);
  return found;
}

/**
 * The configuration a re-run asks with: the caller's for how calls are made, the run's for what
 * is asked. Every persona asked gets its models through `assign` (the run's panel, or the one
 * model given), and the run's first model leads the list so the editor summary keeps its moderator.
 */
function rerunConfig(run: RunRecord, personas: readonly string[], options: RerunReviewsOptions): RunConfig {
  const stored = (run.config ?? {}) as Partial<RunConfig>;
  const panel = run.plan?.panel ?? Object.fromEntries(run.personas.map((persona) => [persona.id, run.models]));
  const seats = personas.map((persona) => [persona, options.model === undefined ? panel[persona] ?? run.models : [options.model.trim()]] as const);
  const asked = [...new Set(seats.flatMap(([, models]) => models))];
  if (asked.length === 0 || asked.some((model) => model === "")) throw new ConfigError("--model", "give a provider:model");
  const moderator = run.summary !== null && run.models[0] ? [run.models[0]] : [];
  return {
    ...options.config,
    models: [...new Set([...moderator, ...asked])],
    assign: seats.flatMap(([persona, models]) => models.map((model) => `${persona}=${model}`)).join(","),
    personas: [...personas],
    ...(stored.personasDir === undefined ? { personasDir: undefined } : { personasDir: stored.personasDir }),
    samples: run.plan?.samples ?? options.config.samples,
    spotlight: stored.spotlight ?? options.config.spotlight,
    maxOutputTokens: stored.maxOutputTokens ?? options.config.maxOutputTokens,
    maxDescriptionChars: stored.maxDescriptionChars ?? options.config.maxDescriptionChars,
    structured: stored.structured ?? options.config.structured,
    ...(stored.temperature === undefined ? {} : { temperature: stored.temperature }),
    ...(stored.seed === undefined ? {} : { seed: stored.seed }),
    via: "direct",
    dryRun: false,
  } as RunConfig;
}

/** A re-run asks with today's persona files and prompts: says so where they differ from the run's. */
function warnAboutChanges(run: RunRecord, parts: RunParts, config: RunConfig, onWarning?: (line: string) => void): void {
  if (!onWarning) return;
  const stored = new Map(run.personas.map((persona) => [persona.id, persona.hash]));
  for (const persona of parts.personas) {
    if (stored.has(persona.id) && stored.get(persona.id) !== personaHash(persona)) onWarning(`persona ${persona.id} has changed since run ${run.id}; the re-run asks the persona as it is now`);
  }
  if (run.plan && run.plan.promptHash !== promptSetHash(parts.templates.hashes, config.spotlight)) {
    onWarning(`the prompt templates have changed since run ${run.id}; the re-run asks with the current ones`);
  }
}
