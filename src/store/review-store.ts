import { randomBytes } from "node:crypto";
import { mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { ConfigError } from "../errors/config-error.js";
import type { GenerateSuccess } from "../providers/provider.js";
import type { AnswerSource, Review, ReviewFailure, SkippedTool } from "../report/report-schema.js";
import type { CachedHttp, HttpCache } from "../sources/http-client.js";
import type { Tool } from "../tools/tool.js";
import { MIGRATIONS } from "./migrations.js";
import { reviewKey } from "./review-key.js";
import { ProviderBatchStore } from "./provider-batch-store.js";
import { RerunLog } from "./rerun-log.js";
import { ReviewEdits, type CurrentEdit } from "./review-edits.js";
import { ToolLabels } from "./tool-labels.js";
import { WriteQueue } from "./write-queue.js";

/** A run as the store records it. */
export interface RunRecord {
  id: string;
  startedAt: string;
  finishedAt: string | null;
  status: "running" | "finished" | "interrupted";
  /** Hash of what makes two runs the same job (inputs, models, personas, prompts). */
  signature: string;
  /** `batch`, `review`… */
  command: string;
  config: unknown;
  models: string[];
  /** Persona ids with a hash of each persona file (and its name, for runs stored since schema 3). */
  personas: { id: string; hash: string; name?: string }[];
  promptHashes: Record<string, string>;
  inputs: string[];
  /** What the run planned; null for runs stored before schema 3. */
  plan: RunPlan | null;
  /** Tools left out for bad input. */
  skipped: SkippedTool[];
  /** The editor summary call, once made. */
  summary: StoredSummary | null;
}

/** What a run asks for: enough to tell a missing review from one never planned. */
export interface RunPlan {
  /** The models each persona reviews with, by persona id, in panel order. */
  panel: Record<string, string[]>;
  /** Samples of each (tool, persona, model); sample numbers 0 … samples-1. */
  samples: number;
  /** compare --swap: a second pass with the tools reversed, as samples samples … 2·samples-1. */
  swap: boolean;
  /** A head-to-head comparison (its report has a pick). */
  compare: boolean;
  /** Hash of the prompt templates and spotlight mode that made the run's prompts. */
  promptHash: string;
}

/** The moderator's editor summary of a run, or why there is none, with what the call cost. */
export type StoredSummary =
  | { ok: true; summary: string; usage: StoredUsage; attempts: number; costUsd: number | null }
  | { ok: false; error: string; usage: StoredUsage; attempts: number; costUsd: number | null };

/** Token counts as stored. */
export interface StoredUsage {
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
}

/** A run with its counts, for `panelist runs`. */
export interface RunListing extends RunRecord {
  tools: number;
  reviews: number;
  /** Failed reviews (not counting those never started). */
  failures: number;
  /** Reviews not started (--max-cost). */
  notStarted: number;
  /** USD of every call of the run; null when a model had no known price. */
  costUsd: number | null;
}

/** How a review was made besides its content: the key's sample, the source, the hashes. */
export interface ReviewDetails {
  /** 0-based sample number (the swapped pass of compare --swap continues after the last sample). */
  sample: number;
  source: AnswerSource;
  rawText?: string;
  /** Hash of the persona file that spoke. */
  personaHash?: string;
  /** Hash of the prompt templates (and spotlight mode) of the request. */
  promptHash?: string;
}

/** A stored review or failure with the tool and sample it belongs to. */
export type StoredOutcome =
  | { ok: true; toolId: number; sample: number; review: Review }
  | { ok: false; toolId: number; sample: number; failure: ReviewFailure };

/** A tool as registered for a run. */
export interface StoredTool {
  toolId: number;
  tool: Tool;
  identity: string;
  contentHash: string;
}

/** One flat row per review, for spreadsheets and notebooks (`panelist export`). */
export interface ExportRow {
  runId: string;
  tool: string;
  identity: string;
  category: string | null;
  pricing: string | null;
  url: string | null;
  /** Characters in the tool's description. */
  descriptionChars: number;
  persona: string;
  model: string;
  verdict: string;
  confidence: number;
  quote: string;
  rationale: string;
  strengths: string;
  risks: string;
  pricingRead: string | null;
  /** 0-based sample number. */
  sample: number;
  /** Where the answer came from: `call`, `cache` or `batch`. */
  source: AnswerSource;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  latencyMs: number;
  attempts: number;
  fromCache: boolean;
  createdAt: string;
}

/** A stored provider answer, served again for an identical request. */
export type CachedResponse = Pick<GenerateSuccess, "text" | "usage" | "finishReason" | "responseModel">;

export { reviewKey } from "./review-key.js";

/**
 * The SQLite store: runs, tools, reviews, failures and the response cache; provider batches are
 * reached through {@link batches}. Every SQL statement of Panelist lives in src/store/. Writes are transactions, so a review is stored whole or not at all,
 * and WAL journaling keeps what was committed through a kill -9.
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

  /** Provider batches (`--via batch-api`) and their results. */
  readonly batches: ProviderBatchStore;
  /** Editors' changes to reviews, with who, when and why. */
  readonly edits: ReviewEdits;
  /** Editors' own verdicts and acceptances of a run's tools. */
  readonly labels: ToolLabels;
  /** Re-runs of a run's reviews (`panelist rerun`, the workbench). */
  readonly reruns: RerunLog;

  private constructor(db: Database.Database) {
    this.db = db;
    this.writes = new WriteQueue(db);
    this.batches = new ProviderBatchStore(db, (sql) => this.statement(sql));
    this.edits = new ReviewEdits(db, (sql) => this.statement(sql));
    this.labels = new ToolLabels((sql) => this.statement(sql));
    this.reruns = new RerunLog((sql) => this.statement(sql));
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
    const setting = options.setting ?? "--store";
    if (path !== ":memory:") {
      const existing = statIfAny(path);
      if (existing?.isDirectory()) throw new ConfigError(setting, `${path} is a folder, not a store file`);
      // A command that only reads (runs, report, stats, export) must not leave an empty store behind a typo.
      if (!existing && options.create === false) throw new ConfigError(setting, `no store at ${path} (runs are kept in ./panelist.db unless --store or PANELIST_STORE names another)`);
      if (!existing) {
        try {
          mkdirSync(dirname(path), { recursive: true });
        } catch (error) {
          throw new ConfigError(setting, `${path}: cannot create its folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
        }
      }
    }
    let db: Database.Database | undefined;
    try {
      db = new Database(path);
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      db.pragma("foreign_keys = ON");
      db.pragma("busy_timeout = 5000");
      const store = new ReviewStore(db);
      store.migrate(path, setting);
      // A damaged page anywhere shows here rather than halfway through a paid run.
      const check = db.pragma("quick_check", { simple: true });
      if (check !== "ok") throw new ConfigError(setting, `${path}: the database is damaged (${String(check).split("\n")[0]})`);
      return store;
    } catch (error) {
      db?.close();
      if (error instanceof ConfigError) throw error;
      throw new ConfigError(setting, `${path}: ${storeProblem(error)}`);
    }
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

  private migrate(path: string, setting: string): void {
    const current = this.schemaVersion;
    if (current > MIGRATIONS.length) {
      throw new ConfigError(setting, `${path} was written by a newer Panelist (store schema ${current}; this one knows ${MIGRATIONS.length}): upgrade Panelist`);
    }
    for (let version = current; version < MIGRATIONS.length; version += 1) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[version]!);
        this.db.pragma(`user_version = ${version + 1}`);
      })();
    }
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
    const rows = this.statement(
        `SELECT r.*,
           (SELECT COUNT(*) FROM run_tools rt WHERE rt.run_id = r.id) AS tool_count,
           (SELECT COUNT(*) FROM reviews v WHERE v.run_id = r.id AND v.superseded_at IS NULL) AS review_count,
           (SELECT COUNT(*) FROM failures f WHERE f.run_id = r.id AND f.kind NOT IN ('budget', 'stopped')) AS failure_count,
           (SELECT COUNT(*) FROM failures f WHERE f.run_id = r.id AND f.kind IN ('budget', 'stopped')) AS not_started_count,
           (SELECT COALESCE(SUM(cost_usd), 0) FROM reviews v WHERE v.run_id = r.id) + (SELECT COALESCE(SUM(cost_usd), 0) FROM failures f WHERE f.run_id = r.id)
             + (SELECT COALESCE(SUM(failed_cost_usd), 0) FROM reruns rr WHERE rr.run_id = r.id) AS cost,
           (SELECT COUNT(*) FROM reviews v WHERE v.run_id = r.id AND v.cost_usd IS NULL) + (SELECT COUNT(*) FROM failures f WHERE f.run_id = r.id AND f.cost_usd IS NULL AND f.attempts > 0) AS unpriced
         FROM runs r
         WHERE ? IS NULL OR EXISTS (SELECT 1 FROM run_tools rt JOIN tools t ON t.id = rt.tool_id WHERE rt.run_id = r.id AND instr(lower(t.name), lower(?)) > 0)
         ORDER BY r.started_at DESC, r.id DESC LIMIT ?`,
      )
      .all(options.tool ?? null, options.tool ?? null, options.limit ?? -1) as (RunRow & { tool_count: number; review_count: number; failure_count: number; not_started_count: number; cost: number; unpriced: number })[];
    return rows.map((row) => {
      const record = toRunRecord(row);
      const summaryCost = record.summary ? record.summary.costUsd : 0;
      const unpriced = row.unpriced > 0 || (record.summary !== null && record.summary.costUsd === null && record.summary.attempts > 0);
      return {
        ...record,
        tools: row.tool_count,
        reviews: row.review_count,
        failures: row.failure_count,
        notStarted: row.not_started_count,
        costUsd: unpriced ? null : Math.round((row.cost + (summaryCost ?? 0)) * 1_000_000) / 1_000_000,
      };
    });
  }

  setRunStatus(id: string, status: RunRecord["status"]): void {
    this.statement("UPDATE runs SET status = ?, finished_at = CASE WHEN ? = 'finished' THEN ? ELSE finished_at END WHERE id = ?").run(status, status, new Date().toISOString(), id);
  }

  /** Registers a run's tools in order (one transaction) and returns them with their ids. */
  registerTools(runId: string, tools: readonly { tool: Tool; identity: string; contentHash: string }[]): StoredTool[] {
    const insertTool = this.statement(
      "INSERT INTO tools (identity, content_hash, name, record_json, first_seen) VALUES (?, ?, ?, ?, ?) ON CONFLICT (identity, content_hash) DO NOTHING",
    );
    const findTool = this.statement("SELECT id FROM tools WHERE identity = ? AND content_hash = ?");
    const link = this.statement("INSERT OR IGNORE INTO run_tools (run_id, tool_id, position) VALUES (?, ?, ?)");
    const now = new Date().toISOString();
    return this.db.transaction(() =>
      tools.map((entry, position) => {
        insertTool.run(entry.identity, entry.contentHash, entry.tool.name, JSON.stringify(entry.tool), now);
        const { id } = findTool.get(entry.identity, entry.contentHash) as { id: number };
        link.run(runId, id, position);
        return { ...entry, toolId: id };
      }),
    )();
  }

  /** The tools of a run, in the order they were registered. */
  runTools(runId: string): StoredTool[] {
    const rows = this.statement("SELECT t.id, t.identity, t.content_hash, t.record_json FROM run_tools rt JOIN tools t ON t.id = rt.tool_id WHERE rt.run_id = ? ORDER BY rt.position")
      .all(runId) as { id: number; identity: string; content_hash: string; record_json: string }[];
    return rows.map((row) => ({ toolId: row.id, identity: row.identity, contentHash: row.content_hash, tool: JSON.parse(row.record_json) as Tool }));
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

  /** Stores (or replaces) the failure of one review of a run (queued: see {@link committed}). */
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

  /**
   * Whether a tool with this identity and content was already reviewed, in any run, by every one of
   * these personas (the same persona files, by hash) with every one of these models, from the same
   * prompts (`--since-last`). A changed persona or prompt template means the tool is reviewed again.
   */
  reviewedBefore(identity: string, contentHash: string, personas: readonly { id: string; hash: string }[], models: readonly string[], promptHash: string): boolean {
    if (personas.length === 0 || models.length === 0) return false;
    const row = this.statement(
        `SELECT COUNT(DISTINCT r.persona || char(0) || r.model) AS pairs FROM reviews r JOIN tools t ON t.id = r.tool_id
         WHERE t.identity = ? AND t.content_hash = ? AND r.prompt_hash = ?
           AND (r.persona || char(0) || r.persona_hash) IN (SELECT value FROM json_each(?)) AND r.model IN (SELECT value FROM json_each(?))`,
      )
      .get(identity, contentHash, promptHash, JSON.stringify(personas.map((persona) => `${persona.id}\u0000${persona.hash}`)), JSON.stringify(models)) as { pairs: number };
    return row.pairs === personas.length * models.length;
  }

  /** The stored answer to a request with this hash, if one was stored. */
  getResponse(requestHash: string): CachedResponse | undefined {
    const row = this.statement("SELECT * FROM responses WHERE request_hash = ?").get(requestHash) as ResponseRow | undefined;
    if (!row) return undefined;
    return { text: row.text, usage: JSON.parse(row.usage_json), finishReason: JSON.parse(row.finish_reason_json), responseModel: row.response_model };
  }

  /** Stores a provider's answer under its request hash (queued: see {@link committed}). */
  putResponse(requestHash: string, model: string, response: CachedResponse): void {
    const createdAt = new Date().toISOString();
    this.writes.add(() =>
      this.statement("INSERT OR REPLACE INTO responses (request_hash, model, text, usage_json, finish_reason_json, response_model, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .run(requestHash, model, response.text, JSON.stringify(response.usage), JSON.stringify(response.finishReason), response.responseModel, createdAt),
    );
  }

  /** The stored copy of a source's HTTP response for this URL, if one was kept. */
  getHttp(url: string): CachedHttp | undefined {
    const row = this.statement("SELECT * FROM http_cache WHERE url = ?").get(url) as HttpCacheRow | undefined;
    if (!row) return undefined;
    return {
      status: row.status,
      headers: JSON.parse(row.headers_json),
      text: row.body,
      ...(row.etag === null ? {} : { etag: row.etag }),
      ...(row.last_modified === null ? {} : { lastModified: row.last_modified }),
      fetchedAt: row.fetched_at,
    };
  }

  /** Stores (or replaces) the copy of a response for this URL, at once: a fetch is not a review to batch. */
  putHttp(url: string, entry: CachedHttp): void {
    this.statement("INSERT OR REPLACE INTO http_cache (url, status, headers_json, body, etag, last_modified, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(url, entry.status, JSON.stringify(entry.headers), entry.text, entry.etag ?? null, entry.lastModified ?? null, entry.fetchedAt);
  }

  /** The store as the sources' HTTP cache ({@link getHttp}, {@link putHttp}). */
  httpCache(): HttpCache {
    return { get: (url) => this.getHttp(url), put: (url, entry) => this.putHttp(url, entry) };
  }

  /** The reviews of a run as flat rows, in tool order then persona and model, read lazily. */
  *exportRows(runId: string): Generator<ExportRow> {
    const statement = this.statement(
      `SELECT r.*, t.identity, t.record_json FROM reviews r JOIN tools t ON t.id = r.tool_id
       JOIN run_tools rt ON rt.run_id = r.run_id AND rt.tool_id = r.tool_id
       WHERE r.run_id = ? AND r.superseded_at IS NULL ORDER BY rt.position, r.persona, r.model, r.sample`,
    );
    const edits = this.edits.currentForRun(runId);
    for (const row of statement.iterate(runId) as Iterable<ReviewRow & { identity: string; record_json: string }>) {
      const tool = JSON.parse(row.record_json) as Tool;
      const review = withEdit(toReview(row), edits.get(row.id));
      yield {
        runId: row.run_id,
        tool: tool.name,
        identity: row.identity,
        category: tool.category ?? null,
        pricing: tool.pricing ?? null,
        url: tool.url ?? null,
        descriptionChars: tool.description.length,
        persona: review.persona,
        model: review.model,
        verdict: review.verdict,
        confidence: review.confidence,
        quote: review.quote,
        rationale: review.rationale,
        strengths: review.strengths.join("; "),
        risks: review.risks.join("; "),
        pricingRead: review.pricingRead ?? null,
        sample: row.sample,
        source: row.source,
        inputTokens: review.usage.inputTokens,
        cachedInputTokens: review.usage.cachedInputTokens,
        outputTokens: review.usage.outputTokens,
        costUsd: review.costUsd,
        latencyMs: review.latencyMs,
        attempts: review.attempts,
        fromCache: row.source === "cache",
        createdAt: row.created_at,
      };
    }
  }

  /** Counts, for tests and summaries. */
  counts(runId: string): { reviews: number; failures: number } {
    const reviews = (this.statement("SELECT COUNT(*) AS n FROM reviews WHERE run_id = ? AND superseded_at IS NULL").get(runId) as { n: number }).n;
    const failures = (this.statement("SELECT COUNT(*) AS n FROM failures WHERE run_id = ? AND kind NOT IN ('budget', 'stopped')").get(runId) as { n: number }).n;
    return { reviews, failures };
  }
}


function statIfAny(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** One line for why SQLite refused a store file. */
function storeProblem(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === "SQLITE_NOTADB") return "not a Panelist store (the file is not a SQLite database)";
  if (code === "SQLITE_CORRUPT") return "the database is damaged";
  if (code === "SQLITE_CANTOPEN" || code === "EACCES" || code === "SQLITE_READONLY") return "cannot be opened for writing (check the path and its permissions)";
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
}

interface RunRow {
  id: string;
  started_at: string;
  finished_at: string | null;
  status: RunRecord["status"];
  signature: string;
  command: string;
  config_json: string;
  models_json: string;
  personas_json: string;
  prompt_hashes_json: string;
  inputs_json: string;
  plan_json: string | null;
  skipped_json: string;
  summary_json: string | null;
}

interface ReviewRow {
  id: number;
  run_id: string;
  tool_id: number;
  persona: string;
  model: string;
  sample: number;
  verdict: "ship" | "skip";
  confidence: number;
  quote: string;
  rationale: string;
  strengths_json: string;
  risks_json: string;
  pricing_read: string | null;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  cost_usd: number | null;
  latency_ms: number;
  attempts: number;
  response_model: string;
  finish_reason: string;
  repairs_json: string | null;
  reasked: number;
  source: AnswerSource;
  seed: number | null;
  created_at: string;
  superseded_at: string | null;
  superseded_by: number | null;
  rerun_id: number | null;
}

interface FailureRow {
  tool_id: number;
  persona: string;
  model: string;
  sample: number;
  kind: string;
  error: string;
  raw_text: string | null;
  attempts: number;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  cost_usd: number | null;
}

interface HttpCacheRow {
  status: number;
  headers_json: string;
  body: string;
  etag: string | null;
  last_modified: string | null;
  fetched_at: string;
}

interface ResponseRow {
  text: string;
  usage_json: string;
  finish_reason_json: string;
  response_model: string;
}

function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status,
    signature: row.signature,
    command: row.command,
    config: JSON.parse(row.config_json),
    models: JSON.parse(row.models_json),
    personas: JSON.parse(row.personas_json),
    promptHashes: JSON.parse(row.prompt_hashes_json),
    inputs: JSON.parse(row.inputs_json),
    plan: row.plan_json ? JSON.parse(row.plan_json) : null,
    skipped: JSON.parse(row.skipped_json ?? "[]"),
    summary: row.summary_json ? JSON.parse(row.summary_json) : null,
  };
}

function toFailure(row: FailureRow): ReviewFailure {
  return {
    persona: row.persona,
    model: row.model,
    kind: row.kind,
    error: row.error,
    ...(row.raw_text === null ? {} : { rawText: row.raw_text }),
    attempts: row.attempts,
    usage: { inputTokens: row.input_tokens, cachedInputTokens: row.cached_input_tokens, outputTokens: row.output_tokens },
    costUsd: row.cost_usd,
  };
}

function toReview(row: ReviewRow): Review {
  return {
    id: row.id,
    version: 0,
    persona: row.persona,
    model: row.model,
    verdict: row.verdict,
    confidence: row.confidence,
    quote: row.quote,
    rationale: row.rationale,
    strengths: JSON.parse(row.strengths_json),
    risks: JSON.parse(row.risks_json),
    ...(row.pricing_read === null ? {} : { pricingRead: row.pricing_read }),
    usage: { inputTokens: row.input_tokens, cachedInputTokens: row.cached_input_tokens, outputTokens: row.output_tokens },
    latencyMs: row.latency_ms,
    responseModel: row.response_model,
    finishReason: row.finish_reason,
    attempts: row.attempts,
    costUsd: row.cost_usd,
    ...(row.repairs_json ? { repairs: JSON.parse(row.repairs_json) } : {}),
    ...(row.reasked ? { reasked: true as const } : {}),
    source: row.source,
    ...(row.source === "cache" ? { fromCache: true as const } : {}),
    ...(row.source === "batch" ? { viaBatch: true as const } : {}),
    sample: row.sample,
    ...(row.seed === null ? {} : { seed: row.seed }),
  };
}

/** A review as an editor left it: the edited quote, verdict and confidence, with the model's original kept beside them. */
function withEdit(review: Review, current: CurrentEdit | undefined): Review {
  if (!current) return review;
  const { edit } = current;
  if (!edit) return { ...review, version: current.version };
  return {
    ...review,
    version: current.version,
    quote: edit.quote!,
    verdict: edit.verdict!,
    confidence: edit.confidence!,
    edit: { editor: edit.editor, at: edit.at, reason: edit.reason, original: { quote: review.quote, verdict: review.verdict, confidence: review.confidence } },
  };
}

/** A re-run's review says when, by whom and which review it replaced. */
function withRerun(review: Review, row: { rerun_id: number | null; rerun_editor: string | null; replaces: number | null; created_at: string }): Review {
  if (row.rerun_id === null || row.replaces === null) return review;
  return { ...review, rerun: { at: row.created_at, editor: row.rerun_editor ?? "", replaces: row.replaces } };
}
