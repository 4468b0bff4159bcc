import type { GenerateRequest, GenerateResult } from "./provider.js";

/** One request of a provider batch, named so its result can be matched back. */
export interface BatchItem {
  /**
   * The request's id inside the batch. Anthropic requires `^[a-zA-Z0-9_-]{1,64}$`; Panelist uses the
   * request hash (64 hex characters), which fits both vendors and is the response-cache key.
   */
  customId: string;
  request: Omit<GenerateRequest, "signal">;
}

/** Vendor limits on one batch. */
export interface BatchLimits {
  /** Requests per batch (OpenAI 50,000; Anthropic 100,000). */
  maxRequests: number;
  /** Bytes per batch: the JSONL file (OpenAI 200 MB) or the request body (Anthropic 256 MB). */
  maxBytes: number;
}

/** A batch the provider accepted. */
export interface SubmittedBatch {
  /** The provider's batch id. */
  id: string;
  /** OpenAI: the uploaded JSONL file. */
  inputFileId?: string;
}

/** Where a batch stands, normalised across vendors. */
export interface BatchState {
  /**
   * `running`: not finished; `ended`: results can be downloaded (some may be errors, expired or
   * cancelled); `failed`: the batch as a whole was rejected and has no results.
   */
  phase: "running" | "ended" | "failed";
  /** The vendor's own status, e.g. `validating`, `finalizing`, `in_progress`, `ended`. */
  providerStatus: string;
  /** Requests in the batch. */
  total: number;
  /** Requests answered successfully so far. */
  succeeded: number;
  /** Requests that failed, expired or were cancelled so far. */
  errored: number;
  /** Why the batch failed, for `failed`. */
  error?: string;
}

/** The result of one request of an ended batch. */
export interface BatchItemResult {
  customId: string;
  result: GenerateResult;
}

/**
 * A vendor's asynchronous batch endpoint (OpenAI Batch API, Anthropic Message Batches): about
 * half the price of direct calls, results within 24 hours, in any order. Implementations adapt
 * one official SDK each; a request is built exactly as the direct provider would send it.
 */
export interface BatchApi {
  /** `provider:model` this batch endpoint serves: one batch holds one model. */
  readonly label: string;
  readonly limits: BatchLimits;
  /** Bytes one request adds to a batch, for splitting at {@link BatchLimits.maxBytes}. */
  sizeOf(item: BatchItem): number;
  /** Submits one batch (already within the limits). `runId` goes into the batch's metadata where the vendor keeps any. */
  submit(items: readonly BatchItem[], runId: string): Promise<SubmittedBatch>;
  /** Asks where a batch stands. */
  status(batchId: string): Promise<BatchState>;
  /** The results of an ended batch, in whatever order the vendor returns them. */
  results(batchId: string): AsyncIterable<BatchItemResult>;
}
