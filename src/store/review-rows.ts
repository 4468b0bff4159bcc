import type { AnswerSource, Review, ReviewFailure } from "../report/report-schema.js";
import type { CurrentEdit } from "./review-edits.js";

/** How a review was made besides its content: the key's sample, the source, the hashes. */
export interface ReviewDetails {
  /** 0-based sample number (the swapped pass of compare --swap continues after the last sample). */
  sample: number;
  source: AnswerSource;
  rawText?: string;
  /** Hash of the persona file that spoke. */
  personaHash?: string;
  /** Hash of the prompt templates (and spotlight mode) of the request. */
  promptHash?: string;
}

/** A stored review or failure with the tool and sample it belongs to. */
export type StoredOutcome =
  | { ok: true; toolId: number; sample: number; review: Review }
  | { ok: false; toolId: number; sample: number; failure: ReviewFailure };

/** A `reviews` row as SQLite returns it. */
export interface ReviewRow {
  id: number;
  run_id: string;
  tool_id: number;
  persona: string;
  model: string;
  sample: number;
  verdict: "ship" | "skip";
  confidence: number;
  quote: string;
  rationale: string;
  strengths_json: string;
  risks_json: string;
  pricing_read: string | null;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  cost_usd: number | null;
  latency_ms: number;
  attempts: number;
  response_model: string;
  finish_reason: string;
  repairs_json: string | null;
  reasked: number;
  source: AnswerSource;
  seed: number | null;
  created_at: string;
  superseded_at: string | null;
  superseded_by: number | null;
  rerun_id: number | null;
}

/** A `failures` row as SQLite returns it. */
export interface FailureRow {
  tool_id: number;
  persona: string;
  model: string;
  sample: number;
  kind: string;
  error: string;
  raw_text: string | null;
  attempts: number;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  cost_usd: number | null;
}

/** A stored failure as the report's failure. */
export function toFailure(row: FailureRow): ReviewFailure {
  return {
    persona: row.persona,
    model: row.model,
    kind: row.kind,
    error: row.error,
    ...(row.raw_text === null ? {} : { rawText: row.raw_text }),
    attempts: row.attempts,
    usage: { inputTokens: row.input_tokens, cachedInputTokens: row.cached_input_tokens, outputTokens: row.output_tokens },
    costUsd: row.cost_usd,
  };
}

/** A stored review as the model answered it (version 0: no edits applied). */
export function toReview(row: ReviewRow): Review {
  return {
    id: row.id,
    version: 0,
    persona: row.persona,
    model: row.model,
    verdict: row.verdict,
    confidence: row.confidence,
    quote: row.quote,
    rationale: row.rationale,
    strengths: JSON.parse(row.strengths_json),
    risks: JSON.parse(row.risks_json),
    ...(row.pricing_read === null ? {} : { pricingRead: row.pricing_read }),
    usage: { inputTokens: row.input_tokens, cachedInputTokens: row.cached_input_tokens, outputTokens: row.output_tokens },
    latencyMs: row.latency_ms,
    responseModel: row.response_model,
    finishReason: row.finish_reason,
    attempts: row.attempts,
    costUsd: row.cost_usd,
    ...(row.repairs_json ? { repairs: JSON.parse(row.repairs_json) } : {}),
    ...(row.reasked ? { reasked: true as const } : {}),
    source: row.source,
    ...(row.source === "cache" ? { fromCache: true as const } : {}),
    ...(row.source === "batch" ? { viaBatch: true as const } : {}),
    sample: row.sample,
    ...(row.seed === null ? {} : { seed: row.seed }),
  };
}

/** A review as an editor left it: the edited quote, verdict and confidence, with the model's original kept beside them. */
export function withEdit(review: Review, current: CurrentEdit | undefined): Review {
  if (!current) return review;
  const { edit } = current;
  if (!edit) return { ...review, version: current.version };
  return {
    ...review,
    version: current.version,
    quote: edit.quote!,
    verdict: edit.verdict!,
    confidence: edit.confidence!,
    edit: { editor: edit.editor, at: edit.at, reason: edit.reason, original: { quote: review.quote, verdict: review.verdict, confidence: review.confidence } },
  };
}

/** A re-run's review says when, by whom and which review it replaced. */
export function withRerun(review: Review, row: { rerun_id: number | null; rerun_editor: string | null; replaces: number | null; created_at: string }): Review {
  if (row.rerun_id === null || row.replaces === null) return review;
  return { ...review, rerun: { at: row.created_at, editor: row.rerun_editor ?? "", replaces: row.replaces } };
}
