import type { JobOutcome } from "../pipeline/job-outcome.js";
import { runReviewJob, type JobContext, type ReviewJob } from "../pipeline/run-review-job.js";
import type { PlannedJob } from "./plan-jobs.js";

/** What {@link scheduleJobs} runs and where the outcomes go. */
export interface ScheduleOptions {
  /** The run's jobs, pulled one at a time as a slot frees; a follower waits for its lead. */
  jobs: Iterator<PlannedJob>;
  /** Jobs in flight at once. */
  concurrency: number;
  context: JobContext;
  /** When aborted, no new job starts; jobs in flight finish and are recorded (the first Ctrl-C). */
  stopSignal?: AbortSignal;
  /** Aborts calls in flight (the second Ctrl-C); what they would have been is not recorded. */
  abortSignal?: AbortSignal;
  /**
   * Records an outcome and resolves once it is durable: a slot takes its next job only then, so a
   * kill loses at most the jobs in flight. A rejection stops new jobs and is rethrown at the end.
   */
  record(job: ReviewJob, outcome: JobOutcome): Promise<void>;
}

/** How the scheduling went. */
export interface ScheduleResult {
  /** Jobs that were never asked: stopped, or not started by the budget. */
  notStarted: number;
}

/**
 * The one loop every command runs its reviews on: `concurrency` slots pull jobs from the planner
 * in its order (lead calls first), each runs its job (budget, cache, provider slots and retries are
 * the job's), records the outcome and only then takes the next. One bad answer costs one review.
 */
export async function scheduleJobs(options: ScheduleOptions): Promise<ScheduleResult> {
  const { concurrency } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new TypeError(`Expected \`concurrency\` to be a whole number from 1 and up, got ${concurrency}`);
  let notStarted = 0;
  let recordError: { error: unknown } | undefined;
  const stopped = (): boolean => Boolean(options.stopSignal?.aborted || options.abortSignal?.aborted || recordError);
  const slot = async (): Promise<void> => {
    for (let next = options.jobs.next(); !next.done; next = options.jobs.next()) {
      const job = next.value;
      try {
        if (job.after) await job.after;
        if (stopped()) {
          notStarted += 1;
          continue;
        }
        const outcome = await runReviewJob(job, options.context);
        // A call cut short by the second Ctrl-C did not fail: it is simply not done.
        if (outcome.status === "notStarted" || (outcome.status === "failed" && options.abortSignal?.aborted)) notStarted += 1;
        if (outcome.status === "failed" && options.abortSignal?.aborted) continue;
        if (outcome.status === "notStarted" && outcome.reason === "stopped") continue;
        await options.record(job, outcome);
      } catch (error) {
        recordError ??= { error };
      } finally {
        job.ended?.();
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, slot));
  if (recordError) throw recordError.error;
  return { notStarted };
}
