import type Database from "better-sqlite3";

/**
 * Groups the store's frequent small writes into one transaction per event-loop turn.
 *
 * A batch stores two rows per review (the answer in the response cache, then the review). As one
 * transaction each, every row pays a commit: a write of its pages to the WAL and the bookkeeping
 * around it, which was most of the store's cost. Writes added while the loop is busy wait for the
 * turn to end (`setImmediate`), then commit together; {@link committed} says when that happened,
 * so a caller that must not go on before its row is durable waits one turn, not a timer.
 */
export class WriteQueue {
  private writes: (() => void)[] = [];
  private group: Deferred | undefined;
  private scheduled: ReturnType<typeof setImmediate> | undefined;
  private flushing = false;

  /**
   * One transaction function for every commit: better-sqlite3 builds a wrapper (four variants and
   * their properties) each time `transaction()` is called, about 7 µs of a commit's CPU.
   */
  private readonly commit: (writes: readonly (() => void)[]) => void;

  constructor(db: Database.Database) {
    this.commit = db.transaction((writes: readonly (() => void)[]) => {
      for (const write of writes) write();
    });
  }

  /** Queues a write for the next commit. */
  add(write: () => void): void {
    this.writes.push(write);
    this.group ??= deferred();
    this.scheduled ??= setImmediate(() => {
      this.scheduled = undefined;
      try {
        this.flush();
      } catch {
        // The error reaches whoever waits on committed(); a write nobody waits on is retried by the
        // resumed run, like a call in flight.
      }
    });
  }

  /** Resolves once every write queued so far is committed; rejects if their transaction failed. */
  committed(): Promise<void> {
    return this.group?.promise ?? Promise.resolve();
  }

  /**
   * Commits the queued writes now, in one transaction (all or none). Called before every other
   * statement, so reads see queued writes and writes keep their order.
   */
  flush(): void {
    // A queued write runs statements itself; those must not start a flush of their own.
    if (this.flushing || this.writes.length === 0) return;
    const writes = this.writes;
    const group = this.group!;
    this.writes = [];
    this.group = undefined;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.flushing = true;
    try {
      this.commit(writes);
    } catch (error) {
      group.reject(error);
      throw error;
    } finally {
      this.flushing = false;
    }
    group.resolve();
  }
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((done, fail) => {
    resolve = done;
    reject = fail;
  });
  // Writes nobody waits on (the response cache) must not turn a failed commit into an unhandled rejection.
  promise.catch(() => {});
  return { promise, resolve, reject };
}
