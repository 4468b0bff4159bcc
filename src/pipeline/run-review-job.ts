import { ProviderError } from "../errors/provider-error.js";
import { BATCH_PRICE_FACTOR, costOf, findPrice, maxCostOf, type PriceTable } from "../cost/price-table.js";
import type { Budget } from "../cost/budget.js";
import { estimateTokens } from "../cost/budget.js";
import type { Persona } from "../personas/persona.js";
import type { ReviewPrompt } from "../prompts/build-review-prompt.js";
import type { PromptTemplates } from "../prompts/prompt-templates.js";
import { providerLabel, type GenerateRequest, type GenerateResult, type Provider, type StructuredMode, type TokenUsage } from "../providers/provider.js";
import type { AnswerSource } from "../report/report-schema.js";
import type { StoredBatchResult } from "../store/provider-batch-store.js";
import type { Tool } from "../tools/tool.js";
import { parseVerdict } from "../verdict/parse-verdict.js";
import { VERDICT_SCHEMA_NAME, type JsonSchema } from "../verdict/verdict-schema.js";
import type { CallEvent } from "./call-event.js";
import { callWithRetries } from "./call-with-retries.js";
import type { CachedResponse, FailureKind, JobOutcome, PaidAnswer } from "./job-outcome.js";
import { requestHash } from "./request-hash.js";
import type { RateLimiter } from "./rate-limiter.js";
import type { RetryPolicy } from "./retry-policy.js";
import { rejectsStructuredMode, type StructuredModes } from "./structured-modes.js";

/**
 * One review to run: the job identity is (tool, persona, model, sample), the same for every
 * command, and the store keys a review by it.
 */
export interface ReviewJob {
  tool: Tool;
  /** The tool's id in the store. */
  toolId: number;
  persona: Persona;
  provider: Provider;
  prompt: ReviewPrompt;
  /** 0-based sample number (compare --swap's second pass continues after the last sample). */
  sample: number;
}

/** Answers kept by the store, looked up before a call is made. */
export interface AnswerLookup {
  getResponse(requestHash: string): CachedResponse | undefined;
}

/** A run's provider-batch results (`--via batch-api`), looked up by model and request hash. */
export interface BatchResultSource {
  result(model: string, customId: string): StoredBatchResult | undefined;
}

/** Call settings shared by every job of a run. */
export interface CallSettings {
  schema: JsonSchema;
  maxOutputTokens: number;
  temperature?: number;
  seed?: number;
}

/** Everything a job needs besides the job itself; shared by all jobs of a run. */
export interface JobContext extends CallSettings {
  templates: PromptTemplates;
  retry: RetryPolicy;
  /** Per-attempt timeout in milliseconds. */
  timeoutMs: number;
  /** Re-asks after an unusable or cut-off answer. */
  repairAttempts: number;
  modes: StructuredModes;
  /** One rate limiter per endpoint (`provider:model`). */
  limiters?: Map<string, RateLimiter>;
  /** Call slots of the endpoints with a concurrency limit of their own (`provider:model`). */
  slots?: Map<string, <T>(attempt: () => Promise<T>) => Promise<T>>;
  budget: Budget;
  prices: PriceTable;
  /** The response store: an identical request already answered usably is served from it. Absent with --no-cache. */
  cache?: AnswerLookup;
  /** Provider-batch results: a first ask the batch answered is served from them (`--via batch-api`). */
  batchResults?: BatchResultSource;
  /** Aborts calls in flight. */
  signal?: AbortSignal;
  /** Stops waiting for budget: no new call starts (the first Ctrl-C). */
  stopSignal?: AbortSignal;
  /** Jitter source for backoff (tests make it fixed). */
  random?: () => number;
  onCall?: (event: CallEvent) => void;
}

const ZERO_USAGE: TokenUsage = { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 };

/**
 * Runs one review: reserves its budget (waiting for calls in flight when it does not fit yet),
 * takes an answer the store or a provider batch already has, else calls the provider (retrying
 * what is worth retrying, stepping down structured-output modes a server rejects), parses the
 * answer, and re-asks once with the problem when the answer is unusable or cut off.
 */
export async function runReviewJob(job: ReviewJob, context: JobContext): Promise<JobOutcome> {
  const model = providerLabel(job.provider);
  const persona = job.persona.id;
  const price = findPrice(model, context.prices);
  const estimate = estimateUsage(job, context);
  const reservation = await context.budget.reserve(price ? maxCostOf(estimate.inputTokens, estimate.outputTokens, price) : 0, context.stopSignal);
  if (!reservation) {
    const reason = context.stopSignal?.aborted ? "stopped" : "budget";
    const error = reason === "budget" ? `not started: --max-cost of $${context.budget.limitUsd} would be exceeded` : "not started: the run was stopped";
    return { status: "notStarted", reason, failure: { persona, model, kind: reason, error, attempts: 0, usage: ZERO_USAGE, costUsd: 0 } };
  }
  const limiter = context.limiters?.get(model);
  const slot = context.slots?.get(model);
  let usage = ZERO_USAGE;
  // Answers served from the response store cost nothing; only what was really called is billed,
  // and an answer from a provider batch at the batch discount.
  let billedUsd = 0;
  let attempts = 0;
  let source: AnswerSource = "cache";
  const answers: PaidAnswer[] = [];
  const cost = (): number | null => (price ? round(billedUsd) : null);
  const finish = (outcome: JobOutcome): JobOutcome => {
    context.budget.settle(reservation, cost());
    return outcome;
  };
  const fail = (kind: FailureKind, error: string, rawText?: string): JobOutcome =>
    finish({ status: "failed", failure: { persona, model, kind, error, attempts, usage, costUsd: cost(), ...(rawText === undefined ? {} : { rawText }) } });

  let mode = context.modes.modeFor(job.provider);
  let followUp: GenerateRequest["followUp"];
  let repairsLeft = context.repairAttempts;
  for (;;) {
    const phase = followUp ? "repair" : "review";
    const request = buildGenerateRequest(job, context, mode, followUp);
    const hash = requestHash(job.provider, request);
    const known = answerFromStore(hash, model, phase, context);
    let result: GenerateResult;
    if (known) {
      result = known.result;
      if (known.from === "batch") {
        attempts += 1;
        source = "batch";
      }
    } else {
      const called = await callWithRetries(job.provider, request, {
        policy: context.retry,
        timeoutMs: context.timeoutMs,
        ...(context.signal ? { signal: context.signal } : {}),
        ...(context.random ? { random: context.random } : {}),
        ...(limiter ? { limiter, estimatedTokens: estimate.inputTokens + estimate.outputTokens } : {}),
        ...(slot ? { slot } : {}),
        onAttempt: (event) => {
          const fallback = !event.result.ok && rejectsStructuredMode(event.result.error) && context.modes.hasFallback(job.provider, mode);
          context.onCall?.({
            tool: job.tool.name,
            persona,
            model,
            attempt: event.attempt,
            phase,
            mode,
            latencyMs: event.result.latencyMs,
            ...(event.result.ok
              ? { status: "ok" as const, usage: event.result.usage }
              : {
                  status: event.retryInMs !== undefined ? ("retry" as const) : fallback ? ("fallback" as const) : ("failed" as const),
                  errorKind: event.result.error.kind,
                  error: event.result.error.message,
                  ...(event.result.error.status === undefined ? {} : { httpStatus: event.result.error.status }),
                  ...(event.retryInMs === undefined ? {} : { retryInMs: event.retryInMs }),
                }),
          });
        },
      });
      result = called.result;
      attempts += called.attempts;
      if (source !== "batch") source = "call";
    }
    if (!result.ok) {
      const next = rejectsStructuredMode(result.error) ? context.modes.fallBack(job.provider, mode) : undefined;
      if (next !== undefined) {
        mode = next;
        continue;
      }
      const { error } = result;
      return fail(error.kind, error.message, error.kind === "refusal" ? error.responseBody : undefined);
    }
    usage = addUsage(usage, result.usage);
    if (known?.from !== "cache") {
      if (price) billedUsd += costOf(result.usage, price) * (known?.from === "batch" ? BATCH_PRICE_FACTOR : 1);
      answers.push({ requestHash: hash, model, response: { text: result.text, usage: result.usage, finishReason: result.finishReason, responseModel: result.responseModel } });
    }
    const truncated = result.finishReason.normalized === "length";
    const parsed = truncated ? undefined : parseVerdict(result.text);
    if (parsed?.ok) {
      return finish({
        status: "reviewed",
        source,
        answers,
        review: {
          persona,
          model,
          ...parsed.verdict,
          usage,
          latencyMs: result.latencyMs,
          responseModel: result.responseModel,
          finishReason: result.finishReason.raw,
          attempts,
          costUsd: cost(),
          ...(parsed.repairs.length > 0 ? { repairs: parsed.repairs } : {}),
          ...(phase === "repair" ? { reasked: true } : {}),
          source,
          ...(source === "cache" ? { fromCache: true } : {}),
          ...(source === "batch" ? { viaBatch: true } : {}),
          sample: job.sample,
          ...(context.seed === undefined ? {} : { seed: context.seed + job.sample }),
        },
        rawText: result.text,
      });
    }
    const problem = truncated ? `the answer was cut off at the ${context.maxOutputTokens}-token limit` : `unusable answer: ${parsed!.ok ? "" : parsed!.reason}`;
    if (repairsLeft <= 0) return fail(truncated ? "truncated" : "parse", problem, result.text);
    repairsLeft -= 1;
    followUp = { answer: result.text, correction: context.templates.render("repair", { problem }) };
  }
}

/**
 * An answer the run already has for this request: a usable one the store kept from an earlier
 * run (any phase), or the provider batch's answer to a first ask. A batch error worth retrying
 * is not an answer: the request goes out as an ordinary call.
 */
function answerFromStore(hash: string, model: string, phase: "review" | "repair", context: JobContext): { result: GenerateResult; from: "cache" | "batch" } | undefined {
  const cached = context.cache?.getResponse(hash);
  if (cached) return { result: { ok: true, ...cached, latencyMs: 0 }, from: "cache" };
  if (phase !== "review" || !context.batchResults) return undefined;
  const stored = context.batchResults.result(model, hash);
  if (!stored || (!stored.ok && stored.retryable)) return undefined;
  if (stored.ok) {
    const { ok: _ok, ...answer } = stored;
    return { result: { ok: true, ...answer, latencyMs: 0 }, from: "batch" };
  }
  const [provider, ...rest] = model.split(":");
  const error = new ProviderError(stored.message, { provider: provider!, model: rest.join(":"), kind: stored.kind, retryable: false, ...(stored.status === undefined ? {} : { status: stored.status }) });
  return { result: { ok: false, error, latencyMs: 0 }, from: "batch" };
}

/**
 * The request for one job: the first ask when `followUp` is absent, else the re-ask. Batch
 * submission builds the first ask with this too, so a batched request hashes like the direct one.
 */
export function buildGenerateRequest(job: Pick<ReviewJob, "prompt" | "sample">, settings: CallSettings, mode: StructuredMode, followUp?: GenerateRequest["followUp"]): Omit<GenerateRequest, "signal"> {
  return {
    ...job.prompt,
    schema: settings.schema,
    schemaName: VERDICT_SCHEMA_NAME,
    mode,
    maxOutputTokens: settings.maxOutputTokens,
    ...(settings.temperature === undefined ? {} : { temperature: settings.temperature }),
    // Samples use seed, seed+1, …; the sample number also keeps their cache entries apart (sample 0
    // is the plain request, so a single-sample run and a study's first sample share answers).
    ...(settings.seed === undefined ? {} : { seed: settings.seed + job.sample }),
    ...(job.sample > 0 ? { sampleIndex: job.sample } : {}),
    ...(followUp ? { followUp } : {}),
  };
}

/** An upper bound on a call's usage: the prompt by estimate, the full output limit. */
export function estimateUsage(job: Pick<ReviewJob, "prompt">, context: Pick<JobContext, "maxOutputTokens">): TokenUsage {
  const { system, dossier, instructions } = job.prompt;
  return { inputTokens: estimateTokens(system + dossier + instructions), cachedInputTokens: 0, outputTokens: context.maxOutputTokens };
}

function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return { inputTokens: a.inputTokens + b.inputTokens, cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens, outputTokens: a.outputTokens + b.outputTokens };
}

/** Costs are kept to a millionth of a dollar: finer is noise. */
function round(usd: number): number {
  return Math.round(usd * 1_000_000) / 1_000_000;
}
