import type { ProviderErrorKind } from "../errors/provider-error.js";
import type { GenerateSuccess } from "../providers/provider.js";
import type { AnswerSource, Review, ReviewFailure } from "../report/report-schema.js";

/** Why a review failed: the provider's failure kinds, plus an answer that was cut off or unusable. */
export type FailureKind = ProviderErrorKind | "parse" | "truncated";

/** Why a review was never asked: the spending cap, or the run was stopped (Ctrl-C, a failed write). */
export type NotStartedReason = "budget" | "stopped";

/** A provider answer as the response store keeps it. */
export type CachedResponse = Pick<GenerateSuccess, "text" | "usage" | "finishReason" | "responseModel">;

/** One paid answer of a job, with the hash of the request it answers, to keep for later runs. */
export interface PaidAnswer {
  requestHash: string;
  /** `provider:model`. */
  model: string;
  response: CachedResponse;
}

/**
 * How one job ended. A review comes with the raw text and every answer of its chain (first ask
 * and repairs), which the store keeps so a later run asks for none of them again; a failure keeps
 * none of its answers in the cache, so a later run asks again.
 */
export type JobOutcome =
  | { status: "reviewed"; review: Review; rawText: string; source: AnswerSource; answers: readonly PaidAnswer[] }
  | { status: "failed"; failure: ReviewFailure & { kind: FailureKind } }
  | { status: "notStarted"; reason: NotStartedReason; failure: ReviewFailure & { kind: NotStartedReason } };
