import type { ProviderError } from "../errors/provider-error.js";
import type { RateLimitInfo } from "./rate-limit-headers.js";
import type { JsonSchema } from "../verdict/verdict-schema.js";

/** Token counts of one call. */
export interface TokenUsage {
  /** All input tokens, cached ones included. */
  inputTokens: number;
  /** The part of {@link inputTokens} served from the provider's prompt cache. */
  cachedInputTokens: number;
  /**
   * The part of {@link inputTokens} written to the provider's prompt cache, which Anthropic bills
   * above plain input; absent when the provider reports none.
   */
  cacheWriteInputTokens?: number;
  /** Output tokens. */
  outputTokens: number;
}

/** Why the model stopped, normalised, with the vendor's own value kept beside it. */
export interface FinishReason {
  /** `stop`: a complete answer; `length`: cut off at the token limit; `refusal`; `other`. */
  normalized: "stop" | "length" | "refusal" | "other";
  /** The vendor's value, e.g. `end_turn`, `tool_use`, `max_tokens`, `stop`. */
  raw: string;
}

/** How the answer's structure is asked for. */
export type StructuredMode = "json_schema" | "json_object" | "tool" | "prompt";

/**
 * One request for a structured answer. The prompt is split so that providers can mark the parts
 * shared by many calls as cacheable: `system` by every call of a run, `system` + `dossier` by
 * every persona call for one tool.
 */
export interface GenerateRequest {
  /** Instructions shared by every call of a run (for a review: the rules, the whole panel, the answer format). */
  system: string;
  /** The tool dossier, shared by every persona call for one tool; sent first in the user turn. */
  dossier: string;
  /** What differs per call (for a review: which reviewer speaks now, and the task), sent after the dossier. */
  instructions: string;
  /** The JSON Schema the answer must follow. */
  schema: JsonSchema;
  /** Name of the schema (OpenAI `json_schema.name`, Anthropic tool name). */
  schemaName: string;
  /** Structured-output mode to use; each provider has its own default. */
  mode?: StructuredMode;
  /** Output token limit. */
  maxOutputTokens: number;
  /** Sampling temperature, when set. */
  temperature?: number;
  /** Sampling seed, for providers that take one. */
  seed?: number;
  /** Which repeat of the same request this is; never sent, but keeps cached samples apart. */
  sampleIndex?: number;
  /** Earlier turns to replay before asking again (used to repair a bad answer). */
  followUp?: { answer: string; correction: string };
  /** Aborts the call. */
  signal?: AbortSignal;
  /**
   * Set for a call the rate limiter started before the endpoint's limits are known (its probe):
   * a provider that can asks for the answer as a stream and calls this with what the response
   * headers say as soon as they arrive, before the first token, so that the calls waiting on the
   * limiter wait for the time to first byte rather than a whole answer. Never sent, never hashed.
   */
  onAccepted?: (rateLimit: RateLimitInfo | undefined) => void;
}

/** A call that produced an answer. */
export interface GenerateSuccess {
  ok: true;
  /** The answer as text (for a tool call, the tool input serialised as JSON). */
  text: string;
  usage: TokenUsage;
  finishReason: FinishReason;
  /** Wall time of the call in milliseconds. */
  latencyMs: number;
  /** The model id as the API reported it. */
  responseModel: string;
  /** Set when the answer came from Panelist's response store: no call was made, nothing was spent. */
  fromCache?: true;
  /** Set when the answer came from a provider batch (`--via batch-api`): billed at the batch discount. */
  viaBatch?: true;
  /** What the response headers said about rate limits, when they said anything. */
  rateLimit?: RateLimitInfo;
}

/** A call that failed. */
export interface GenerateFailure {
  ok: false;
  error: ProviderError;
  /** Wall time until the failure, in milliseconds. */
  latencyMs: number;
}

/** The result of one provider call. */
export type GenerateResult = GenerateSuccess | GenerateFailure;

/**
 * A language model behind one official SDK. Implementations are one file each and know nothing of
 * personas, panels or reports.
 */
export interface Provider {
  /** Provider id as written in a model spec, e.g. `openai`, `anthropic`, `ollama`. */
  readonly id: string;
  /** Model id as requested, e.g. `gpt-4.1-mini`. */
  readonly model: string;
  /** Asks for one structured answer. Never throws for a failed call: see {@link GenerateFailure}. */
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /**
   * Calls this provider can run at once, when it has a limit of its own (a local model runs one
   * sequence at a time). The pipeline queues the rest before their timeout starts. Unset: no
   * limit beyond `--concurrency`.
   */
  readonly maxConcurrency?: number;
  /** Frees what the provider holds (a loaded local model); called once when a run ends. */
  close?(): Promise<void>;
}

/** A result with what its response headers said about rate limits, when they said anything. */
export function withRateLimit(result: GenerateResult, rateLimit: RateLimitInfo | undefined): GenerateResult {
  return result.ok && rateLimit ? { ...result, rateLimit } : result;
}

/** The `provider:model` label of a provider, as shown in reports. */
export function providerLabel(provider: Pick<Provider, "id" | "model">): string {
  return `${provider.id}:${provider.model}`;
}
