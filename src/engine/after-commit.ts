/**
 * The file work that follows a commit (a results.jsonl line, a finished tool's page), done once
 * the slot that committed has sent its next request.
 *
 * A slot waits for its outcome's commit before it takes the next job, so a kill loses at most the
 * calls in flight. The files written after that are rendered from the store and rewritten when a
 * run resumes, so they need not hold the slot: done inline they sat between an answer and the
 * next request on every call, about 0.2 ms of a batch's main thread each. Queued here, they run
 * on the next turn of the event loop, in the order they were added.
 *
 * A failed task (a full disk, a folder removed) is kept: {@link check} throws it at the next
 * outcome, which stops the run as a failure inline did, and {@link drain} throws it at the end.
 */
export class AfterCommit {
  private tasks: (() => void)[] = [];
  private scheduled: ReturnType<typeof setImmediate> | undefined;
  private failure: { error: unknown } | undefined;

  /** Queues a task for the next turn. */
  add(task: () => void): void {
    this.tasks.push(task);
    this.scheduled ??= setImmediate(() => {
      this.scheduled = undefined;
      this.runQueued();
    });
  }

  /** Throws the first failed task's error, if one failed. */
  check(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Runs every queued task now; throws the first failure (of these or earlier ones). */
  drain(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.runQueued();
    this.check();
  }

  private runQueued(): void {
    const tasks = this.tasks;
    this.tasks = [];
    for (const task of tasks) {
      try {
        task();
      } catch (error) {
        // The others still run: each is one file, and what they write is as true as before.
        this.failure ??= { error };
      }
    }
  }
}
