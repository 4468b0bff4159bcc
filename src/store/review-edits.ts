import type Database from "better-sqlite3";
import { ConfigError } from "../errors/config-error.js";
import { EditConflictError } from "../errors/edit-conflict-error.js";
import type { StatementSource } from "./statement-source.js";

/** One recorded change to a review: an edit (the whole edited state) or an undo back to the model's answer. */
export interface ReviewEditRecord {
  id: number;
  reviewId: number;
  /** 1 for the first change of a review, then 2, 3…: what optimistic concurrency compares. */
  version: number;
  action: "edit" | "undo";
  /** The review's state after an edit; null for an undo. */
  quote: string | null;
  verdict: "ship" | "skip" | null;
  confidence: number | null;
  reason: string;
  editor: string;
  /** ISO time. */
  at: string;
}

/** What an editor changes; fields left out keep their current value. */
export interface ReviewEditChange {
  quote?: string;
  verdict?: "ship" | "skip";
  confidence?: number;
  /** Why: required, and kept in the history. */
  reason: string;
  editor: string;
  /** The version the editor saw (0 for a review never changed). */
  version: number;
}

/** A review's current edited state, as a report applies it. */
export interface CurrentEdit {
  version: number;
  /** The newest edit when it is an edit; undefined when the newest change was an undo. */
  edit: ReviewEditRecord | undefined;
}

/**
 * Human edits of stored reviews, append-only: the model's answer in `reviews` is never touched,
 * and every edit or undo is a row with who, when and why. Part of the ReviewStore, as `store.edits`.
 */
export class ReviewEdits {
  constructor(
    private readonly db: Database.Database,
    private readonly statement: StatementSource,
  ) {}

  /** Records an edit of a current review; refuses one made on an older version. */
  edit(reviewId: number, change: ReviewEditChange): ReviewEditRecord {
    if (change.quote !== undefined && change.quote.trim() === "") throw new ConfigError("quote", "cannot be empty");
    if (change.confidence !== undefined && !(change.confidence >= 0 && change.confidence <= 1)) throw new ConfigError("confidence", `must be between 0 and 1, got ${change.confidence}`);
    if (change.verdict !== undefined && change.verdict !== "ship" && change.verdict !== "skip") throw new ConfigError("verdict", `must be ship or skip, got ${String(change.verdict)}`);
    return this.record(reviewId, change, (current) => ({
      action: "edit",
      quote: change.quote ?? current.quote,
      verdict: change.verdict ?? current.verdict,
      confidence: change.confidence ?? current.confidence,
    }));
  }

  /** Restores the model's original answer (the history keeps every edit). */
  undo(reviewId: number, change: Pick<ReviewEditChange, "reason" | "editor" | "version">): ReviewEditRecord {
    return this.record(reviewId, change, () => ({ action: "undo", quote: null, verdict: null, confidence: null }));
  }

  /** Every edit and undo of a review, oldest first. */
  history(reviewId: number): ReviewEditRecord[] {
    return (this.statement("SELECT * FROM review_edits WHERE review_id = ? ORDER BY version").all(reviewId) as EditRow[]).map(toRecord);
  }

  /** The current edit state of each changed review of a run (or of one tool of it), by review id. */
  currentForRun(runId: string, toolId?: number): Map<number, CurrentEdit> {
    // One tool's reviews through the (run, tool) index: a batch asks this as each of its tools
    // completes, and a join over the whole run's reviews made that quadratic in the batch's size.
    const rows = this.statement(
      `SELECT e.* FROM review_edits e
       WHERE e.review_id IN (SELECT id FROM reviews WHERE run_id = ?${toolId === undefined ? "" : " AND tool_id = ?"})
       AND e.version = (SELECT MAX(x.version) FROM review_edits x WHERE x.review_id = e.review_id)`,
    ).all(...(toolId === undefined ? [runId] : [runId, toolId])) as EditRow[];
    return new Map(rows.map((row) => [row.review_id, { version: row.version, edit: row.action === "edit" ? toRecord(row) : undefined }]));
  }

  private record(
    reviewId: number,
    change: Pick<ReviewEditChange, "reason" | "editor" | "version">,
    state: (current: { quote: string; verdict: "ship" | "skip"; confidence: number }) => Pick<ReviewEditRecord, "action" | "quote" | "verdict" | "confidence">,
  ): ReviewEditRecord {
    const reason = change.reason.trim();
    if (reason === "") throw new ConfigError("reason", "say why the review is changed (it is kept in the history)");
    if (change.editor.trim() === "") throw new ConfigError("editor", "an edit needs the editor's name");
    // Read, compare and write in one immediate transaction: two saves of the same version cannot both pass.
    return this.db.transaction((): ReviewEditRecord => {
      const review = this.statement("SELECT id, quote, verdict, confidence, superseded_at FROM reviews WHERE id = ?").get(reviewId) as
        | { id: number; quote: string; verdict: "ship" | "skip"; confidence: number; superseded_at: string | null }
        | undefined;
      if (!review) throw new ConfigError("review", `no review ${reviewId} in this store`);
      if (review.superseded_at !== null) throw new ConfigError("review", `review ${reviewId} was replaced by a re-run on ${review.superseded_at.slice(0, 10)}; edit the current review instead`);
      const latest = this.statement("SELECT * FROM review_edits WHERE review_id = ? ORDER BY version DESC LIMIT 1").get(reviewId) as EditRow | undefined;
      const version = latest?.version ?? 0;
      if (change.version !== version) throw new EditConflictError(reviewId, change.version, version);
      const current = latest?.action === "edit" ? { quote: latest.quote!, verdict: latest.verdict!, confidence: latest.confidence! } : review;
      const next = state(current);
      const at = new Date().toISOString();
      const { lastInsertRowid } = this.statement(
        "INSERT INTO review_edits (review_id, version, action, quote, verdict, confidence, reason, editor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ).run(reviewId, version + 1, next.action, next.quote, next.verdict, next.confidence, reason, change.editor, at);
      return { id: Number(lastInsertRowid), reviewId, version: version + 1, ...next, reason, editor: change.editor, at };
    }).immediate();
  }
}

interface EditRow {
  id: number;
  review_id: number;
  version: number;
  action: "edit" | "undo";
  quote: string | null;
  verdict: "ship" | "skip" | null;
  confidence: number | null;
  reason: string;
  editor: string;
  created_at: string;
}

function toRecord(row: EditRow): ReviewEditRecord {
  return {
    id: row.id,
    reviewId: row.review_id,
    version: row.version,
    action: row.action,
    quote: row.quote,
    verdict: row.verdict,
    confidence: row.confidence,
    reason: row.reason,
    editor: row.editor,
    at: row.created_at,
  };
}
