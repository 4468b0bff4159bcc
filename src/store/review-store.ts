import { randomBytes } from "node:crypto";
import type Database from "better-sqlite3";
import type { Review, ReviewFailure } from "../report/report-schema.js";
import { exportRows, type ExportRow } from "./export-rows.js";
import { openDatabase } from "./open-database.js";
import { ProviderBatchStore } from "./provider-batch-store.js";
import { RerunLog } from "./rerun-log.js";
import { ResponseCache } from "./response-cache.js";
import { ReviewEdits, type CurrentEdit } from "./review-edits.js";
import { reviewKey } from "./review-key.js";
import { toFailure, toReview, withEdit, withRerun, type FailureRow, type ReviewDetails, type ReviewRow, type StoredOutcome } from "./review-rows.js";
import { listRunsWithCounts } from "./run-listing.js";
import { toRunRecord, type RunListing, type RunRecord, type RunRow, type StoredSummary } from "./run-record.js";
import type { StatementSource } from "./statement-source.js";
import { StoredHttpCache } from "./stored-http-cache.js";
import { ToolLabels } from "./tool-labels.js";
import { ToolRegistry } from "./tool-registry.js";
import { WriteQueue } from "./write-queue.js";

export type { RunListing, RunPlan, RunRecord, StoredSummary, StoredUsage } from "./run-record.js";
export type { ExportRow } from "./export-rows.js";
export type { StoredTool } from "./tool-registry.js";
export type { ReviewDetails, StoredOutcome } from "./review-rows.js";

export { reviewKey } from "./review-key.js";

/**
 * The SQLite store: runs, reviews and failures here; tools, provider batches, editors' edits and
 * labels, re-runs, the response cache and the HTTP cache through the sub-stores it holds. Every
 * SQL statement of Panelist lives in src/store/. Writes are transactions, so a review is stored
 * whole or not at all, and WAL journaling keeps what was committed through a kill -9.
 *
 * Reviews, failures and cached responses are queued and committed together at the end of the
 * event-loop turn ({@link committed} resolves then); any other statement, read or write, commits
 * the queue first, so reads see every write made before them and writes keep their order.
 */
export class ReviewStore {
  private readonly db: Database.Database;
  /** Prepared once per SQL text: a batch saves tens of thousands of reviews. */
  private readonly statements = new Map<string, Database.Statement>();
  private readonly writes: WriteQueue;
  /** {@link statement} as the parts call it. */
  private readonly source: StatementSource = (sql) => this.statement(sql);

  /** Provider batches (`--via batch-api`) and their results. */
  readonly batches: ProviderBatchStore;
  /** Editors' changes to reviews, with who, when and why. */
  readonly edits: ReviewEdits;
  /** Editors' own verdicts and acceptances of a run's tools. */
  readonly labels: ToolLabels;
  /** Re-runs of a run's reviews (`panelist rerun`, the workbench). */
  readonly reruns: RerunLog;
  /** The tools, and which runs review them. */
  readonly tools: ToolRegistry;
  /** Providers' answers by request hash, served again for an identical request. */
  readonly responses: ResponseCache;
  /** The sources' HTTP responses by URL (GitHub, npm, the Hub, pages). */
  readonly http: StoredHttpCache;

  private constructor(db: Database.Database) {
    this.db = db;
    this.writes = new WriteQueue(db);
    this.batches = new ProviderBatchStore(db, this.source);
    this.edits = new ReviewEdits(db, this.source);
    this.labels = new ToolLabels(this.source);
    this.reruns = new RerunLog(this.source);
    this.tools = new ToolRegistry(db, this.source);
    this.responses = new ResponseCache(this.source, this.writes);
    this.http = new StoredHttpCache(this.source);
  }

  private statement(sql: string): Database.Statement {
    this.writes.flush();
    let prepared = this.statements.get(sql);
    if (!prepared) {
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  /**
   * Opens (creating it and its folder if needed) the store at `path` and brings its schema up to
   * date (`create: false`: only an existing one). A path that cannot hold a store (a folder, a file that is not SQLite, a damaged
   * database, one from a newer Panelist) is a ConfigError naming `--store` and the path.
   */
  static open(path: string, options: { setting?: string; create?: boolean } = {}): ReviewStore {
    return new ReviewStore(openDatabase(path, options.setting ?? "--store", options.create ?? true));
  }

  /** The schema version: how many migrations have been applied. */
  get schemaVersion(): number {
    return this.db.pragma("user_version", { simple: true }) as number;
  }

  /** Commits what is queued and closes the database. */
  close(): void {
    this.writes.flush();
    this.db.close();
  }

  /**
   * Resolves once every review, failure and response saved so far is committed (within one turn of
   * the event loop); rejects if that transaction failed.
   */
  committed(): Promise<void> {
    return this.writes.committed();
  }

  /** Records a new run and returns its id (sortable by start time). */
  createRun(input: Omit<RunRecord, "id" | "startedAt" | "finishedAt" | "status" | "summary" | "plan" | "skipped"> & Partial<Pick<RunRecord, "plan" | "skipped">>): RunRecord {
    const run = { ...input, plan: input.plan ?? null, skipped: input.skipped ?? [] };
    const startedAt = new Date().toISOString();
    const id = `${startedAt.replace(/[-:T]/g, "").slice(0, 14)}-${randomBytes(3).toString("hex")}`;
    this.statement(
        `INSERT INTO runs (id, started_at, status, signature, command, config_json, models_json, personas_json, prompt_hashes_json, inputs_json, plan_json, skipped_json)
         VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id, startedAt, run.signature, run.command, JSON.stringify(run.config), JSON.stringify(run.models), JSON.stringify(run.personas),
        JSON.stringify(run.promptHashes), JSON.stringify(run.inputs), run.plan ? JSON.stringify(run.plan) : null, JSON.stringify(run.skipped),
      );
    return { ...run, id, startedAt, finishedAt: null, status: "running", summary: null };
  }

  /** Records the editor summary call of a run (made or failed), replacing an earlier one. */
  saveSummary(runId: string, summary: StoredSummary): void {
    this.statement("UPDATE runs SET summary_json = ? WHERE id = ?").run(JSON.stringify(summary), runId);
  }

  getRun(id: string): RunRecord | undefined {
    const row = this.statement("SELECT * FROM runs WHERE id = ?").get(id) as RunRow | undefined;
    return row && toRunRecord(row);
  }

  /** The newest run of this signature that did not finish, if any: the run to resume. */
  findUnfinishedRun(signature: string): RunRecord | undefined {
    const row = this.statement("SELECT * FROM runs WHERE signature = ? AND status != 'finished' ORDER BY started_at DESC, id DESC LIMIT 1")
      .get(signature) as RunRow | undefined;
    return row && toRunRecord(row);
  }

  /** All runs, newest first. */
  listRuns(): RunRecord[] {
    return (this.statement("SELECT * FROM runs ORDER BY started_at DESC, id DESC").all() as RunRow[]).map(toRunRecord);
  }

  /** Runs newest first with their counts and cost, at most `limit`; `tool` keeps runs with a tool of that name (case-insensitive part). */
  listRunsWithCounts(options: { limit?: number; tool?: string } = {}): RunListing[] {
    return listRunsWithCounts(this.source, options);
  }

  setRunStatus(id: string, status: RunRecord["status"]): void {
    this.statement("UPDATE runs SET status = ?, finished_at = CASE WHEN ? = 'finished' THEN ? ELSE finished_at END WHERE id = ?").run(status, status, new Date().toISOString(), id);
  }

  /** The keys ({@link reviewKey}) of the reviews a run already has: what a resumed run leaves out. */
  reviewedKeys(runId: string): Set<string> {
    const rows = this.statement("SELECT tool_id, persona, model, sample FROM reviews WHERE run_id = ? AND superseded_at IS NULL").all(runId) as Pick<ReviewRow, "tool_id" | "persona" | "model" | "sample">[];
    return new Set(rows.map((row) => reviewKey(row.tool_id, row.persona, row.model, row.sample)));
  }

  /**
   * Every current review (editors' edits applied, re-runs' replacements in place of what they
   * replaced) and failure of a run (of one tool when `toolId` is given), in tool order.
   */
  runOutcomes(runId: string, toolId?: number): StoredOutcome[] {
    const filter = toolId === undefined ? "" : " AND x.tool_id = ?";
    const args = toolId === undefined ? [runId] : [runId, toolId];
    const reviews = this.statement(
      `SELECT x.*, rr.editor AS rerun_editor, (SELECT MAX(o.id) FROM reviews o WHERE o.superseded_by = x.id) AS replaces
       FROM reviews x JOIN run_tools rt ON rt.run_id = x.run_id AND rt.tool_id = x.tool_id LEFT JOIN reruns rr ON rr.id = x.rerun_id
       WHERE x.run_id = ? AND x.superseded_at IS NULL${filter} ORDER BY rt.position, x.id`,
    ).all(...args) as (ReviewRow & { rerun_editor: string | null; replaces: number | null })[];
    const edits = this.edits.currentForRun(runId, toolId);
    const failures = this.statement(`SELECT x.* FROM failures x JOIN run_tools rt ON rt.run_id = x.run_id AND rt.tool_id = x.tool_id WHERE x.run_id = ?${filter} ORDER BY rt.position, x.id`)
      .all(...args) as FailureRow[];
    return [
      ...reviews.map((row): StoredOutcome => ({ ok: true, toolId: row.tool_id, sample: row.sample, review: withRerun(withEdit(toReview(row), edits.get(row.id)), row) })),
      ...failures.map((row): StoredOutcome => ({ ok: false, toolId: row.tool_id, sample: row.sample, failure: toFailure(row) })),
    ];
  }

  /**
   * Stores a review, replacing a failure of the same key from an earlier attempt (queued: see
   * {@link committed}).
   */
  saveReview(runId: string, toolId: number, review: Review, details: ReviewDetails): void {
    const createdAt = new Date().toISOString();
    this.writes.add(() => this.writeReview(runId, toolId, review, details, createdAt));
  }

  private writeReview(runId: string, toolId: number, review: Review, details: ReviewDetails, createdAt: string, rerunId: number | null = null): number {
    const insert = this.statement(
      `INSERT INTO reviews (run_id, tool_id, persona, model, sample, verdict, confidence, quote, rationale, strengths_json, risks_json, pricing_read,
         input_tokens, cached_input_tokens, output_tokens, cost_usd, latency_ms, attempts, response_model, finish_reason, repairs_json, reasked,
         source, seed, persona_hash, prompt_hash, raw_text, created_at, rerun_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, tool_id, persona, model, sample) WHERE superseded_at IS NULL DO NOTHING`,
    );
    const clearFailure = this.statement("DELETE FROM failures WHERE run_id = ? AND tool_id = ? AND persona = ? AND model = ? AND sample = ?");
    const { lastInsertRowid } = insert.run(
        runId, toolId, review.persona, review.model, details.sample, review.verdict, review.confidence, review.quote, review.rationale,
        JSON.stringify(review.strengths), JSON.stringify(review.risks), review.pricingRead ?? null,
        review.usage.inputTokens, review.usage.cachedInputTokens, review.usage.outputTokens, review.costUsd, review.latencyMs, review.attempts,
        review.responseModel, review.finishReason, review.repairs ? JSON.stringify(review.repairs) : null, review.reasked ? 1 : 0,
        details.source, review.seed ?? null, details.personaHash ?? null, details.promptHash ?? null, details.rawText ?? null, createdAt, rerunId,
    );
    clearFailure.run(runId, toolId, review.persona, review.model, details.sample);
    return Number(lastInsertRowid);
  }

  /**
   * Stores a re-run's review in place of the current reviews it replaces (`replaces`, and any
   * current review of the same key), in one transaction: the replaced ones stay in the store as
   * superseded history, pointing at the new one. Returns the new review's id.
   */
  saveRerunReview(runId: string, toolId: number, review: Review, details: ReviewDetails, rerun: { rerunId: number; replaces: readonly number[] }): number {
    const createdAt = new Date().toISOString();
    const supersedeKey = this.statement(
      "UPDATE reviews SET superseded_at = ? WHERE run_id = ? AND tool_id = ? AND persona = ? AND model = ? AND sample = ? AND superseded_at IS NULL RETURNING id",
    );
    const supersedeId = this.statement("UPDATE reviews SET superseded_at = ? WHERE id = ? AND run_id = ? AND superseded_at IS NULL RETURNING id");
    const link = this.statement("UPDATE reviews SET superseded_by = ? WHERE id = ?");
    return this.db.transaction(() => {
      const replaced = [
        ...(supersedeKey.all(createdAt, runId, toolId, review.persona, review.model, details.sample) as { id: number }[]),
        ...rerun.replaces.flatMap((id) => supersedeId.all(createdAt, id, runId) as { id: number }[]),
      ];
      const id = this.writeReview(runId, toolId, review, details, createdAt, rerun.rerunId);
      for (const old of replaced) link.run(id, old.id);
      return id;
    }).immediate();
  }

  /** Where a stored review belongs, and whether a re-run has replaced it. */
  findReview(reviewId: number): { runId: string; toolId: number; persona: string; model: string; sample: number; superseded: boolean } | undefined {
    const row = this.statement("SELECT run_id, tool_id, persona, model, sample, superseded_at FROM reviews WHERE id = ?").get(reviewId) as
      | { run_id: string; tool_id: number; persona: string; model: string; sample: number; superseded_at: string | null }
      | undefined;
    return row && { runId: row.run_id, toolId: row.tool_id, persona: row.persona, model: row.model, sample: row.sample, superseded: row.superseded_at !== null };
  }

  /** The reviews this one replaced through re-runs, newest first, each as the model answered it (with its own edits). */
  reviewLineage(reviewId: number): (Review & { supersededAt: string })[] {
    const rows = this.statement(
      `WITH RECURSIVE chain(id) AS (SELECT id FROM reviews WHERE superseded_by = ? UNION SELECT r.id FROM reviews r JOIN chain c ON r.superseded_by = c.id)
       SELECT r.* FROM reviews r JOIN chain c ON c.id = r.id ORDER BY r.id DESC`,
    ).all(reviewId) as ReviewRow[];
    const runId = rows[0]?.run_id;
    const edits = runId ? this.edits.currentForRun(runId) : new Map<number, CurrentEdit>();
    return rows.map((row) => ({ ...withEdit(toReview(row), edits.get(row.id)), supersededAt: row.superseded_at ?? "" }));
  }

  /** Stores (or replaces) the failure of one review of a run (queued: see {@link ReviewStore.committed}). */
  saveFailure(runId: string, toolId: number, failure: ReviewFailure, sample: number): void {
    const createdAt = new Date().toISOString();
    this.writes.add(() => this.writeFailure(runId, toolId, failure, sample, createdAt));
  }

  private writeFailure(runId: string, toolId: number, failure: ReviewFailure, sample: number, createdAt: string): void {
    this.statement(
        `INSERT INTO failures (run_id, tool_id, persona, model, sample, kind, error, raw_text, attempts, input_tokens, cached_input_tokens, output_tokens, cost_usd, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, tool_id, persona, model, sample) DO UPDATE SET kind = excluded.kind, error = excluded.error, raw_text = excluded.raw_text,
           attempts = excluded.attempts, input_tokens = excluded.input_tokens, cached_input_tokens = excluded.cached_input_tokens,
           output_tokens = excluded.output_tokens, cost_usd = excluded.cost_usd, created_at = excluded.created_at`,
      )
      .run(
        runId, toolId, failure.persona, failure.model, sample, failure.kind, failure.error, failure.rawText ?? null, failure.attempts,
        failure.usage.inputTokens, failure.usage.cachedInputTokens, failure.usage.outputTokens, failure.costUsd, createdAt,
      );
  }

  /** The reviews of a run as flat rows, in tool order then persona and model, read lazily. */
  exportRows(runId: string): Generator<ExportRow> {
    return exportRows(this.source, (id) => this.edits.currentForRun(id), runId);
  }

  /** Counts, for tests and summaries. */
  counts(runId: string): { reviews: number; failures: number } {
    const reviews = (this.statement("SELECT COUNT(*) AS n FROM reviews WHERE run_id = ? AND superseded_at IS NULL").get(runId) as { n: number }).n;
    const failures = (this.statement("SELECT COUNT(*) AS n FROM failures WHERE run_id = ? AND kind NOT IN ('budget', 'stopped')").get(runId) as { n: number }).n;
    return { reviews, failures };
  }
}
