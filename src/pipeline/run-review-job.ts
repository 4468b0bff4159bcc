import { BATCH_PRICE_FACTOR, costOf, findPrice, maxCostOf, type PriceTable } from "../cost/price-table.js";
import type { Budget } from "../cost/budget.js";
import { estimateTokens } from "../cost/budget.js";
import type { Persona } from "../personas/persona.js";
import type { ReviewPrompt } from "../prompts/build-review-prompt.js";
import type { PromptTemplates } from "../prompts/prompt-templates.js";
import { providerLabel, type GenerateRequest, type Provider, type StructuredMode, type TokenUsage } from "../providers/provider.js";
import type { Review, ReviewFailure } from "../report/report-schema.js";
import type { Tool } from "../tools/tool.js";
import { parseVerdict } from "../verdict/parse-verdict.js";
import { VERDICT_SCHEMA_NAME, type JsonSchema } from "../verdict/verdict-schema.js";
import type { CallEvent } from "./call-event.js";
import { callWithRetries } from "./call-with-retries.js";
import type { RateLimiter } from "./rate-limiter.js";
import type { RetryPolicy } from "./retry-policy.js";
import { rejectsStructuredMode, type StructuredModes } from "./structured-modes.js";

/** One (tool, persona, model) review to run. */
export interface ReviewJob {
  tool: Tool;
  persona: Persona;
  provider: Provider;
  prompt: ReviewPrompt;
  /** 0-based sample number when each review is asked several times. */
  sample?: number;
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
  /** Aborts calls in flight. */
  signal?: AbortSignal;
  /** Jitter source for backoff (tests make it fixed). */
  random?: () => number;
  onCall?: (event: CallEvent) => void;
}

/**
 * The outcome of one job: a review (with the model's raw answer, kept by the store but not in
 * report.json) or a failure, never an exception.
 */
export type ReviewOutcome = { ok: true; review: Review; rawText: string } | { ok: false; failure: ReviewFailure };

const ZERO_USAGE: TokenUsage = { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 };

/**
 * Runs one review: reserves its budget, calls the provider (retrying what is worth retrying,
 * stepping down structured-output modes a server rejects), parses the answer, and re-asks once
 * with the problem when the answer is unusable or cut off.
 */
export async function runReviewJob(job: ReviewJob, context: JobContext): Promise<ReviewOutcome> {
  const model = providerLabel(job.provider);
  const persona = job.persona.id;
  const price = findPrice(model, context.prices);
  const estimate = estimateUsage(job, context);
  const reservation = context.budget.tryReserve(price ? maxCostOf(estimate.inputTokens, estimate.outputTokens, price) : 0);
  const limiter = context.limiters?.get(model);
  const slot = context.slots?.get(model);
  if (!reservation) {
    return { ok: false, failure: { persona, model, kind: "budget", error: `not started: --max-cost of $${context.budget.limitUsd} would be exceeded`, attempts: 0, usage: ZERO_USAGE, costUsd: 0 } };
  }
  let usage = ZERO_USAGE;
  // Answers served from the response store cost nothing; only what was really called is billed,
  // and an answer from a provider batch at the batch discount.
  let billedUsd = 0;
  let attempts = 0;
  let allFromCache = true;
  let viaBatch = false;
  const cost = (): number | null => (price ? round(billedUsd) : null);
  const finish = (outcome: ReviewOutcome): ReviewOutcome => {
    context.budget.settle(reservation, cost());
    return outcome;
  };
  const fail = (kind: string, error: string, rawText?: string): ReviewOutcome =>
    finish({ ok: false, failure: { persona, model, kind, error, attempts, usage, costUsd: cost(), ...(rawText === undefined ? {} : { rawText }) } });

  let mode = context.modes.modeFor(job.provider);
  let followUp: GenerateRequest["followUp"];
  let repairsLeft = context.repairAttempts;
  for (;;) {
    const phase = followUp ? "repair" : "review";
    const request = buildGenerateRequest(job, context, mode, followUp);
    const { result, attempts: used } = await callWithRetries(job.provider, request, {
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
    attempts += used;
    if (!result.ok || !result.fromCache) allFromCache = false;
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
    if (!result.fromCache && price) billedUsd += costOf(result.usage, price) * (result.viaBatch ? BATCH_PRICE_FACTOR : 1);
    if (result.viaBatch && phase === "review") viaBatch = true;
    const truncated = result.finishReason.normalized === "length";
    const parsed = truncated ? undefined : parseVerdict(result.text);
    if (parsed?.ok) {
      return finish({
        ok: true,
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
          ...(allFromCache ? { fromCache: true } : {}),
          ...(viaBatch ? { viaBatch: true } : {}),
          ...(job.sample === undefined ? {} : { sample: job.sample }),
          ...(context.seed === undefined ? {} : { seed: context.seed + (job.sample ?? 0) }),
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
 * The request for one job: the first ask when `followUp` is absent, else the re-ask. Batch
 * submission builds the first ask with this too, so a batched request hashes like the direct one.
 */
export function buildGenerateRequest(job: ReviewJob, settings: CallSettings, mode: StructuredMode, followUp?: GenerateRequest["followUp"]): Omit<GenerateRequest, "signal"> {
  return {
    ...job.prompt,
    schema: settings.schema,
    schemaName: VERDICT_SCHEMA_NAME,
    mode,
    maxOutputTokens: settings.maxOutputTokens,
    ...(settings.temperature === undefined ? {} : { temperature: settings.temperature }),
    // Samples use seed, seed+1, …; the sample number also keeps their cache entries apart.
    ...(settings.seed === undefined ? {} : { seed: settings.seed + (job.sample ?? 0) }),
    ...(job.sample === undefined ? {} : { sampleIndex: job.sample }),
    ...(followUp ? { followUp } : {}),
  };
}

/** An upper bound on a call's usage: the prompt by estimate, the full output limit. */
function estimateUsage(job: ReviewJob, context: JobContext): TokenUsage {
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
