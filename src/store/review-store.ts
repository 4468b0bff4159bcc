import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import type { GenerateSuccess } from "../providers/provider.js";
import type { Review, ReviewFailure } from "../report/report-schema.js";
import type { Tool } from "../tools/tool.js";
import { MIGRATIONS } from "./migrations.js";
import { ProviderBatchStore } from "./provider-batch-store.js";
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
  /** Persona ids with a hash of each persona file. */
  personas: { id: string; hash: string }[];
  promptHashes: Record<string, string>;
  inputs: string[];
}

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

  private constructor(db: Database.Database) {
    this.db = db;
    this.writes = new WriteQueue(db);
    this.batches = new ProviderBatchStore(db, (sql) => this.statement(sql));
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

  /** Opens (creating if needed) the store at `path` and brings its schema up to date. */
  static open(path: string): ReviewStore {
    const db = new Database(path);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    const store = new ReviewStore(db);
    store.migrate();
    return store;
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

  private migrate(): void {
    const current = this.schemaVersion;
    if (current > MIGRATIONS.length) {
      throw new Error(`store schema version ${current} is newer than this Panelist knows (${MIGRATIONS.length}); upgrade Panelist`);
    }
    for (let version = current; version < MIGRATIONS.length; version += 1) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[version]!);
        this.db.pragma(`user_version = ${version + 1}`);
      })();
    }
  }

  /** Records a new run and returns its id (sortable by start time). */
  createRun(run: Omit<RunRecord, "id" | "startedAt" | "finishedAt" | "status">): RunRecord {
    const startedAt = new Date().toISOString();
    const id = `${startedAt.replace(/[-:T]/g, "").slice(0, 14)}-${randomBytes(3).toString("hex")}`;
    this.statement(
        `INSERT INTO runs (id, started_at, status, signature, command, config_json, models_json, personas_json, prompt_hashes_json, inputs_json)
         VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, startedAt, run.signature, run.command, JSON.stringify(run.config), JSON.stringify(run.models), JSON.stringify(run.personas), JSON.stringify(run.promptHashes), JSON.stringify(run.inputs));
    return { ...run, id, startedAt, finishedAt: null, status: "running" };
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

  /** The reviews a run already has, keyed by {@link reviewKey}. */
  storedReviews(runId: string): Map<string, Review> {
    const rows = this.statement("SELECT * FROM reviews WHERE run_id = ?").all(runId) as ReviewRow[];
    return new Map(rows.map((row) => [reviewKey(row.tool_id, row.persona, row.model), toReview(row)]));
  }

  /**
   * Stores a review, replacing a failure of the same key from an earlier attempt (queued: see
   * {@link committed}).
   */
  saveReview(runId: string, toolId: number, review: Review, details: { rawText?: string; fromCache: boolean }): void {
    const createdAt = new Date().toISOString();
    this.writes.add(() => this.writeReview(runId, toolId, review, details, createdAt));
  }

  private writeReview(runId: string, toolId: number, review: Review, details: { rawText?: string; fromCache: boolean }, createdAt: string): void {
    const insert = this.statement(
      `INSERT INTO reviews (run_id, tool_id, persona, model, verdict, confidence, quote, rationale, strengths_json, risks_json, pricing_read,
         input_tokens, cached_input_tokens, output_tokens, cost_usd, latency_ms, attempts, response_model, finish_reason, repairs_json, reasked, from_cache, via_batch, raw_text, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id, tool_id, persona, model) DO NOTHING`,
    );
    const clearFailure = this.statement("DELETE FROM failures WHERE run_id = ? AND tool_id = ? AND persona = ? AND model = ?");
    insert.run(
        runId, toolId, review.persona, review.model, review.verdict, review.confidence, review.quote, review.rationale,
        JSON.stringify(review.strengths), JSON.stringify(review.risks), review.pricingRead ?? null,
        review.usage.inputTokens, review.usage.cachedInputTokens, review.usage.outputTokens, review.costUsd, review.latencyMs, review.attempts,
        review.responseModel, review.finishReason, review.repairs ? JSON.stringify(review.repairs) : null, review.reasked ? 1 : 0,
        details.fromCache ? 1 : 0, review.viaBatch ? 1 : 0, details.rawText ?? null, createdAt,
    );
    clearFailure.run(runId, toolId, review.persona, review.model);
  }

  /** Stores (or replaces) the failure of one review of a run (queued: see {@link committed}). */
  saveFailure(runId: string, toolId: number, failure: ReviewFailure): void {
    const createdAt = new Date().toISOString();
    this.writes.add(() => this.writeFailure(runId, toolId, failure, createdAt));
  }

  private writeFailure(runId: string, toolId: number, failure: ReviewFailure, createdAt: string): void {
    this.statement(
        `INSERT INTO failures (run_id, tool_id, persona, model, kind, error, raw_text, attempts, input_tokens, cached_input_tokens, output_tokens, cost_usd, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, tool_id, persona, model) DO UPDATE SET kind = excluded.kind, error = excluded.error, raw_text = excluded.raw_text,
           attempts = excluded.attempts, input_tokens = excluded.input_tokens, cached_input_tokens = excluded.cached_input_tokens,
           output_tokens = excluded.output_tokens, cost_usd = excluded.cost_usd, created_at = excluded.created_at`,
      )
      .run(
        runId, toolId, failure.persona, failure.model, failure.kind, failure.error, failure.rawText ?? null, failure.attempts,
        failure.usage.inputTokens, failure.usage.cachedInputTokens, failure.usage.outputTokens, failure.costUsd, createdAt,
      );
  }

  /**
   * Whether a tool with this identity and content was already reviewed, in any run, by every one of
   * these personas with every one of these models (`--since-last`).
   */
  reviewedBefore(identity: string, contentHash: string, personas: readonly string[], models: readonly string[]): boolean {
    if (personas.length === 0 || models.length === 0) return false;
    const row = this.statement(
        `SELECT COUNT(DISTINCT r.persona || char(0) || r.model) AS pairs FROM reviews r JOIN tools t ON t.id = r.tool_id
         WHERE t.identity = ? AND t.content_hash = ?
           AND r.persona IN (SELECT value FROM json_each(?)) AND r.model IN (SELECT value FROM json_each(?))`,
      )
      .get(identity, contentHash, JSON.stringify(personas), JSON.stringify(models)) as { pairs: number };
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

  /** The reviews of a run as flat rows, in tool order then persona and model, read lazily. */
  *exportRows(runId: string): Generator<ExportRow> {
    const statement = this.statement(
      `SELECT r.*, t.identity, t.record_json FROM reviews r JOIN tools t ON t.id = r.tool_id
       JOIN run_tools rt ON rt.run_id = r.run_id AND rt.tool_id = r.tool_id
       WHERE r.run_id = ? ORDER BY rt.position, r.persona, r.model`,
    );
    for (const row of statement.iterate(runId) as Iterable<ReviewRow & { identity: string; record_json: string }>) {
      const tool = JSON.parse(row.record_json) as Tool;
      const review = toReview(row);
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
        inputTokens: review.usage.inputTokens,
        cachedInputTokens: review.usage.cachedInputTokens,
        outputTokens: review.usage.outputTokens,
        costUsd: review.costUsd,
        latencyMs: review.latencyMs,
        attempts: review.attempts,
        fromCache: row.from_cache === 1,
        createdAt: row.created_at,
      };
    }
  }

  /** Counts, for tests and summaries. */
  counts(runId: string): { reviews: number; failures: number } {
    const reviews = (this.statement("SELECT COUNT(*) AS n FROM reviews WHERE run_id = ?").get(runId) as { n: number }).n;
    const failures = (this.statement("SELECT COUNT(*) AS n FROM failures WHERE run_id = ?").get(runId) as { n: number }).n;
    return { reviews, failures };
  }
}

/** The key of one review within a run. */
export function reviewKey(toolId: number, persona: string, model: string): string {
  return `${toolId}\u0000${persona}\u0000${model}`;
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
}

interface ReviewRow {
  run_id: string;
  tool_id: number;
  persona: string;
  model: string;
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
  from_cache: number;
  via_batch: number;
  created_at: string;
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
  };
}

function toReview(row: ReviewRow): Review {
  return {
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
    ...(row.via_batch ? { viaBatch: true as const } : {}),
  };
}
