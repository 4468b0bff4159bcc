import type Database from "better-sqlite3";
import type { ProviderErrorKind } from "../errors/provider-error.js";
import type { GenerateSuccess } from "../providers/provider.js";
import type { StatementSource } from "./statement-source.js";

/** A provider batch of a run, as the store keeps it. */
export interface ProviderBatchRecord {
  /** The provider's batch id. */
  id: string;
  runId: string;
  /** `provider:model`: one batch holds one model. */
  model: string;
  /** OpenAI: the uploaded request file. */
  inputFileId: string | null;
  requestCount: number;
  /** `submitted`: results not yet downloaded; `collected`: results stored; `failed`: the batch was rejected as a whole. */
  state: "submitted" | "collected" | "failed";
  /** The provider's status when last checked, e.g. `in_progress`, `completed`, `ended`. */
  providerStatus: string | null;
  /** Requests answered / failed, as of the last check. */
  succeeded: number | null;
  errored: number | null;
  submittedAt: string;
  checkedAt: string | null;
  collectedAt: string | null;
}

/** One request's result from a batch, kept until the run has used it. */
export type StoredBatchResult =
  | ({ ok: true } & Pick<GenerateSuccess, "text" | "usage" | "finishReason" | "responseModel">)
  | { ok: false; kind: ProviderErrorKind; message: string; status?: number; retryable: boolean };

/**
 * The store's tables for provider batch APIs: batches, the requests each holds, and their results.
 * Part of {@link ReviewStore}, reached as `store.batches`.
 */
export class ProviderBatchStore {
  constructor(
    private readonly db: Database.Database,
    private readonly statement: StatementSource,
  ) {}

  /** Records a batch the provider accepted, with the ids of its requests, in one transaction. */
  saveBatch(batch: { id: string; runId: string; model: string; inputFileId?: string }, customIds: readonly string[]): void {
    const insertBatch = this.statement(
      `INSERT INTO provider_batches (id, run_id, model, input_file_id, request_count, state, submitted_at) VALUES (?, ?, ?, ?, ?, 'submitted', ?)`,
    );
    const insertRequest = this.statement("INSERT OR IGNORE INTO provider_batch_requests (batch_id, custom_id) VALUES (?, ?)");
    this.db.transaction(() => {
      insertBatch.run(batch.id, batch.runId, batch.model, batch.inputFileId ?? null, customIds.length, new Date().toISOString());
      for (const customId of customIds) insertRequest.run(batch.id, customId);
    })();
  }

  /** The batches of a run, oldest first. */
  batchesOf(runId: string): ProviderBatchRecord[] {
    const rows = this.statement("SELECT * FROM provider_batches WHERE run_id = ? ORDER BY submitted_at, id").all(runId) as BatchRow[];
    return rows.map(toRecord);
  }

  /** The most recent run that has provider batches. */
  latestRunWithBatches(): string | undefined {
    const row = this.statement("SELECT run_id FROM provider_batches ORDER BY submitted_at DESC, rowid DESC LIMIT 1").get() as { run_id: string } | undefined;
    return row?.run_id;
  }

  /** Ids of every request of a run already sent to a batch of this model, whatever became of the batch. */
  batchedRequestIds(runId: string, model: string): Set<string> {
    const rows = this.statement(
      `SELECT r.custom_id FROM provider_batch_requests r JOIN provider_batches b ON b.id = r.batch_id WHERE b.run_id = ? AND b.model = ?`,
    )
      .pluck()
      .all(runId, model) as string[];
    return new Set(rows);
  }

  /** Notes what the provider last said about a batch. */
  noteStatus(batchId: string, status: { providerStatus: string; succeeded: number; errored: number }): void {
    this.statement("UPDATE provider_batches SET provider_status = ?, succeeded = ?, errored = ?, checked_at = ? WHERE id = ?")
      .run(status.providerStatus, status.succeeded, status.errored, new Date().toISOString(), batchId);
  }

  /** Marks a batch rejected as a whole: its requests are made as ordinary calls. */
  markFailed(batchId: string): void {
    this.statement("UPDATE provider_batches SET state = 'failed' WHERE id = ?").run(batchId);
  }

  /** Stores results of a batch (a download can be repeated: a result replaces its earlier copy). */
  saveResults(runId: string, model: string, batchId: string, results: readonly { customId: string; result: StoredBatchResult }[]): void {
    const insert = this.statement("INSERT OR REPLACE INTO provider_batch_results (run_id, model, custom_id, batch_id, result_json) VALUES (?, ?, ?, ?, ?)");
    this.db.transaction(() => {
      for (const { customId, result } of results) insert.run(runId, model, customId, batchId, JSON.stringify(result));
    })();
  }

  /** Marks a batch's results as all stored. */
  markCollected(batchId: string): void {
    this.statement("UPDATE provider_batches SET state = 'collected', collected_at = ? WHERE id = ?").run(new Date().toISOString(), batchId);
  }

  /** The stored result of one request of a run, if its batch returned one. */
  result(runId: string, model: string, customId: string): StoredBatchResult | undefined {
    const row = this.statement("SELECT result_json FROM provider_batch_results WHERE run_id = ? AND model = ? AND custom_id = ?")
      .pluck()
      .get(runId, model, customId) as string | undefined;
    return row === undefined ? undefined : (JSON.parse(row) as StoredBatchResult);
  }
}

interface BatchRow {
  id: string;
  run_id: string;
  model: string;
  input_file_id: string | null;
  request_count: number;
  state: ProviderBatchRecord["state"];
  provider_status: string | null;
  succeeded: number | null;
  errored: number | null;
  submitted_at: string;
  checked_at: string | null;
  collected_at: string | null;
}

function toRecord(row: BatchRow): ProviderBatchRecord {
  return {
    id: row.id,
    runId: row.run_id,
    model: row.model,
    inputFileId: row.input_file_id,
    requestCount: row.request_count,
    state: row.state,
    providerStatus: row.provider_status,
    succeeded: row.succeeded,
    errored: row.errored,
    submittedAt: row.submitted_at,
    checkedAt: row.checked_at,
    collectedAt: row.collected_at,
  };
}
