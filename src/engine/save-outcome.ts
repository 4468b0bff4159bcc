import type { JobOutcome } from "../pipeline/job-outcome.js";
import type { ReviewJob } from "../pipeline/run-review-job.js";
import { redactDeep } from "../providers/redact-secrets.js";
import type { ReviewStore } from "../store/review-store.js";

/** What a run stores beside each outcome. */
export interface OutcomeRecord {
  runId: string;
  /** Values that must never reach the store (the run's keys). */
  secrets: readonly string[];
  /** The hash of each persona's file, by persona id. */
  personaHashes: ReadonlyMap<string, string>;
  /** The hash of the run's prompt templates and spotlight mode. */
  promptHash: string;
}

/**
 * Queues one job's outcome for the store: the answers it paid for, then its review, or its
 * failure (a review and its answers commit in one transaction; `store.committed()` says when).
 * Redacted first, since the store, its exports and every page rendered from it are files a user
 * shares, and a model or server can echo a key back. Returns the outcome as stored.
 */
export function saveOutcome(store: ReviewStore, job: ReviewJob, paid: JobOutcome, record: OutcomeRecord): JobOutcome {
  const outcome = redactDeep(paid, record.secrets);
  if (outcome.status === "reviewed") {
    for (const answer of outcome.answers) store.responses.putResponse(answer.requestHash, answer.model, answer.response);
    const personaHash = record.personaHashes.get(job.persona.id);
    store.saveReview(record.runId, job.toolId, outcome.review, {
      sample: job.sample,
      source: outcome.source,
      rawText: outcome.rawText,
      ...(personaHash === undefined ? {} : { personaHash }),
      promptHash: record.promptHash,
    });
  } else store.saveFailure(record.runId, job.toolId, outcome.failure, job.sample);
  return outcome;
}
