import type { ProviderErrorKind } from "../errors/provider-error.js";
import type { StructuredMode, TokenUsage } from "../providers/provider.js";

/** What happened on one provider call, for `--verbose` and `--log-json`. */
export interface CallEvent {
  tool: string;
  persona: string;
  /** `provider:model`. */
  model: string;
  /** 1-based attempt within this call's retries. */
  attempt: number;
  /** Which request this was: the first ask, or a repair re-ask after an unusable answer. */
  phase: "review" | "repair";
  /** Structured-output mode used. */
  mode: StructuredMode;
  /**
   * `ok`: an answer arrived; `retry`: failed, will retry; `fallback`: the server rejected the mode,
   * a weaker one is next; `failed`: failed for good.
   */
  status: "ok" | "retry" | "fallback" | "failed";
  /** HTTP status when the server answered with an error. */
  httpStatus?: number;
  /** Failure kind when the call failed. */
  errorKind?: ProviderErrorKind;
  /** One line, redacted. */
  error?: string;
  /** Wait before the next attempt, in milliseconds. */
  retryInMs?: number;
  latencyMs: number;
  /** Tokens of a successful call. */
  usage?: TokenUsage;
}
