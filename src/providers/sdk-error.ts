import { ProviderError } from "../errors/provider-error.js";
import { redactSecrets } from "./redact-secrets.js";
import { isRetryableStatus, retryAfterMs, type HeaderSource } from "./retry-after.js";

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * The error classes of one official SDK. The OpenAI and Anthropic SDKs are generated from the same
 * template, so one mapping serves both once it is handed that SDK's classes.
 */
export interface SdkErrorClasses {
  APIError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
  APIUserAbortError: ErrorClass;
}

/** Who made the call, for the error's context and for redaction. */
export interface SdkCallContext {
  provider: string;
  model: string;
  /** Keys in use, removed from any text kept. */
  secrets: readonly (string | undefined)[];
}

/** Turns whatever an SDK call threw into a {@link ProviderError} with its context and no secrets. */
export function toProviderError(error: unknown, classes: SdkErrorClasses, context: SdkCallContext): ProviderError {
  const base = { provider: context.provider, model: context.model };
  const clean = (text: string): string => redactSecrets(text, context.secrets);
  if (error instanceof classes.APIConnectionTimeoutError || error instanceof classes.APIUserAbortError) {
    return new ProviderError("timed out waiting for an answer", { ...base, kind: "timeout", retryable: true });
  }
  if (error instanceof classes.APIConnectionError) {
    const cause = (error as Error & { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `: ${clean(cause.message)}` : "";
    return new ProviderError(`connection failed${detail}`, { ...base, kind: "connection", retryable: true });
  }
  if (error instanceof classes.APIError) {
    const apiError = error as Error & { status?: number; headers?: HeaderSource; error?: unknown };
    const status = apiError.status;
    if (typeof status === "number") {
      const wait = retryAfterMs(apiError.headers);
      const body = apiError.error === undefined ? undefined : clean(JSON.stringify(apiError.error)).slice(0, 2000);
      return new ProviderError(
        `HTTP ${status}: ${clean(apiError.message)}`,
        {
          ...base,
          kind: "http",
          status,
          retryable: isRetryableStatus(status),
          ...(wait === undefined ? {} : { retryAfterMs: wait }),
          ...(body === undefined ? {} : { responseBody: body }),
        },
      );
    }
    // An APIError without a status is a malformed or cut-off answer body.
    return new ProviderError(`bad response: ${clean(apiError.message)}`, { ...base, kind: "connection", retryable: true });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(`unexpected failure: ${clean(message)}`, { ...base, kind: "connection", retryable: true });
}
