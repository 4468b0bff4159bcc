import { PanelistError } from "./panelist-error.js";

/** What kind of failure a provider call ended in. */
export type ProviderErrorKind =
  /** The server answered with an HTTP error status. */
  | "http"
  /** No answer: connection refused or reset, DNS, TLS. */
  | "connection"
  /** The call took longer than the timeout and was abandoned. */
  | "timeout"
  /** The model declined to answer. */
  | "refusal"
  /** The model answered with nothing usable (no content, no tool call). */
  | "empty"
  /** A provider batch did not answer this request: it expired, was cancelled, or the batch failed. */
  | "batch"
  /** A local model could not run the call: the prompt does not fit in memory, or the engine failed. */
  | "local";

/** Context of a failed provider call. */
export interface ProviderErrorDetails {
  kind: ProviderErrorKind;
  /** Provider id, e.g. `openai` or `anthropic`. */
  provider: string;
  /** Model id as requested. */
  model: string;
  /** HTTP status, when the server answered. */
  status?: number;
  /** Whether trying again may succeed. */
  retryable: boolean;
  /** How long the server asked us to wait before retrying, in milliseconds. */
  retryAfterMs?: number;
  /** The body of the error answer or the raw text of a refusal, redacted of secrets. */
  responseBody?: string;
}

/**
 * A provider call that did not produce an answer. A model answer that arrives but fails the
 * verdict schema is not a ProviderError (see VerdictError): the call itself succeeded.
 */
export class ProviderError extends PanelistError {
  readonly kind: ProviderErrorKind;
  readonly provider: string;
  readonly model: string;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly responseBody: string | undefined;

  constructor(message: string, details: ProviderErrorDetails, options?: ErrorOptions) {
    super(`${details.provider}:${details.model}: ${message}`, options);
    this.kind = details.kind;
    this.provider = details.provider;
    this.model = details.model;
    this.status = details.status;
    this.retryable = details.retryable;
    this.retryAfterMs = details.retryAfterMs;
    this.responseBody = details.responseBody;
  }
}
