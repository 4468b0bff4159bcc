import type { Persona } from "../personas/persona.js";
import type { ReviewPrompt } from "../prompts/build-review-prompt.js";
import { providerLabel, type Provider } from "../providers/provider.js";
import type { Review, ReviewFailure } from "../report/report-schema.js";
import type { Tool } from "../tools/tool.js";
import { parseVerdict } from "../verdict/parse-verdict.js";
import { VERDICT_SCHEMA_NAME, type JsonSchema } from "../verdict/verdict-schema.js";

/** One (tool, persona, model) review to run. */
export interface ReviewJob {
  tool: Tool;
  persona: Persona;
  provider: Provider;
  prompt: ReviewPrompt;
}

/** Call settings shared by every job of a run. */
export interface CallSettings {
  schema: JsonSchema;
  maxOutputTokens: number;
  temperature?: number;
  seed?: number;
}

/** The outcome of one job: a review or a failure, never an exception. */
export type ReviewOutcome = { ok: true; review: Review } | { ok: false; failure: ReviewFailure };

/** Runs one review: one provider call, then the answer parsed into a verdict. */
export async function runReviewJob(job: ReviewJob, settings: CallSettings): Promise<ReviewOutcome> {
  const model = providerLabel(job.provider);
  const persona = job.persona.id;
  const result = await job.provider.generate({
    ...job.prompt,
    schema: settings.schema,
    schemaName: VERDICT_SCHEMA_NAME,
    maxOutputTokens: settings.maxOutputTokens,
    ...(settings.temperature === undefined ? {} : { temperature: settings.temperature }),
    ...(settings.seed === undefined ? {} : { seed: settings.seed }),
  });
  if (!result.ok) {
    const { error } = result;
    return {
      ok: false,
      failure: { persona, model, error: error.message, kind: error.kind, ...(error.kind === "refusal" && error.responseBody ? { rawText: error.responseBody } : {}) },
    };
  }
  if (result.finishReason.normalized === "length") {
    return {
      ok: false,
      failure: { persona, model, error: `answer cut off at the ${settings.maxOutputTokens}-token limit`, kind: "truncated", rawText: result.text },
    };
  }
  const parsed = parseVerdict(result.text);
  if (!parsed.ok) {
    return { ok: false, failure: { persona, model, error: `unusable answer: ${parsed.reason}`, kind: "parse", rawText: result.text } };
  }
  return {
    ok: true,
    review: {
      persona,
      model,
      ...parsed.verdict,
      usage: result.usage,
      latencyMs: result.latencyMs,
      responseModel: result.responseModel,
      finishReason: result.finishReason.raw,
    },
  };
}
