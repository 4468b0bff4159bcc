import { EventEmitter } from "node:events";
import { randomBytes } from "node:crypto";
import { PanelistError } from "../errors/panelist-error.js";

/** How far a job's calls have got. */
export interface JobProgress {
  /** Reviews the job plans. */
  total: number;
  done: number;
  failed: number;
}

/** A re-run or a new review running in the background, as `GET /api/jobs/:id` shows it. */
export interface JobState {
  id: string;
  kind: "rerun" | "review" | "compare";
  /** The run it works on (a new review's once it is opened). */
  runId: string | undefined;
  status: "running" | "finished" | "interrupted" | "failed";
  progress: JobProgress;
  startedAt: string;
  finishedAt: string | undefined;
  /** One line: why it failed (redacted). */
  error: string | undefined;
  /** What the engine returned, for the API (re-run: replaced reviews, cost…). */
  result: unknown;
}

/** What a job's work is handed: the signals Ctrl-C raises and where to report. */
export interface JobControl {
  /** No new call starts once aborted; calls in flight finish and are stored. */
  stopSignal: AbortSignal;
  /** Aborts calls in flight. */
  abortSignal: AbortSignal;
  onProgress(progress: JobProgress): void;
  /** A new review's run is known. */
  onRun(runId: string): void;
}

/**
 * The jobs the workbench started, kept in memory while it serves (what they store is in the
 * store; a job's progress is not). Ctrl-C stops them all: each stores what it got.
 */
export class WorkbenchJobs {
  private readonly jobs = new Map<string, JobState>();
  private readonly running = new Set<Promise<void>>();
  private readonly events = new EventEmitter();
  private readonly stop = new AbortController();
  private readonly abort = new AbortController();

  constructor(private readonly redact: (text: string) => string) {
    this.events.setMaxListeners(0);
  }

  /** Starts `work` in the background and returns its state at once (the 202's body). */
  start(kind: JobState["kind"], runId: string | undefined, work: (control: JobControl) => Promise<{ runId: string; interrupted: boolean; result: unknown }>): JobState {
    const job: JobState = {
      id: randomBytes(8).toString("hex"),
      kind,
      runId,
      status: "running",
      progress: { total: 0, done: 0, failed: 0 },
      startedAt: new Date().toISOString(),
      finishedAt: undefined,
      error: undefined,
      result: undefined,
    };
    this.jobs.set(job.id, job);
    const control: JobControl = {
      stopSignal: this.stop.signal,
      abortSignal: this.abort.signal,
      onProgress: (progress) => {
        job.progress = { total: progress.total, done: progress.done, failed: progress.failed };
        this.events.emit(job.id, job);
      },
      onRun: (id) => {
        job.runId = id;
        this.events.emit(job.id, job);
      },
    };
    const done = work(control).then(
      (outcome) => {
        job.runId = outcome.runId;
        job.result = outcome.result;
        job.status = outcome.interrupted ? "interrupted" : "finished";
      },
      (error: unknown) => {
        job.status = "failed";
        // A Panelist error is the user's to fix; anything else is a bug, said in one line.
        const text = error instanceof PanelistError ? error.message : `internal error: ${error instanceof Error ? error.message.split("\n")[0] : String(error)} (a bug in Panelist: please report it)`;
        job.error = this.redact(text);
      },
    ).finally(() => {
      job.finishedAt = new Date().toISOString();
      this.running.delete(done);
      this.events.emit(job.id, job);
    });
    this.running.add(done);
    return job;
  }

  get(id: string): JobState | undefined {
    return this.jobs.get(id);
  }

  /** Calls `listener` on every change of the job until the returned function is called. */
  subscribe(id: string, listener: (job: JobState) => void): () => void {
    this.events.on(id, listener);
    return () => this.events.off(id, listener);
  }

  /** Whether any job is still running. */
  get busy(): boolean {
    return this.running.size > 0;
  }

  /** Ctrl-C: no new call starts in any job; `abortCalls` also cuts off the calls in flight. */
  stopAll(abortCalls = false): void {
    this.stop.abort();
    if (abortCalls) this.abort.abort();
  }

  /** Resolves once every job has ended and stored what it got. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
