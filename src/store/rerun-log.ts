import type { StatementSource } from "./statement-source.js";

/** A re-run of some of a run's reviews, as the store records it. */
export interface RerunRecord {
  id: number;
  runId: string;
  /** The tool re-run, or null for every tool of the run. */
  toolId: number | null;
  /** The persona re-run, or null for the whole panel. */
  persona: string | null;
  /** The model asked instead of the run's own, or null for the run's models. */
  model: string | null;
  editor: string;
  status: "running" | "finished" | "interrupted";
  startedAt: string;
  finishedAt: string | null;
  /** Reviews the re-run asked for that did not come back; the reviews they would have replaced stay current. */
  failures: RerunFailure[];
  /** USD spent on the failed answers. */
  failedCostUsd: number;
}

/** One review of a re-run that failed. */
export interface RerunFailure {
  toolId: number;
  persona: string;
  model: string;
  kind: string;
  error: string;
  costUsd: number | null;
}

/** The log of re-runs: who asked for what, when, and how it ended. Part of the ReviewStore, as `store.reruns`. */
export class RerunLog {
  constructor(private readonly statement: StatementSource) {}

  /** Records a re-run as started and returns its id. */
  start(runId: string, target: { toolId: number | null; persona: string | null; model: string | null; editor: string }): number {
    const { lastInsertRowid } = this.statement(
      "INSERT INTO reruns (run_id, tool_id, persona, model, editor, status, started_at) VALUES (?, ?, ?, ?, ?, 'running', ?)",
    ).run(runId, target.toolId, target.persona, target.model, target.editor, new Date().toISOString());
    return Number(lastInsertRowid);
  }

  /** Records how a re-run ended. */
  finish(id: number, outcome: { interrupted: boolean; failures: readonly RerunFailure[] }): void {
    const failedCost = outcome.failures.reduce((sum, failure) => sum + (failure.costUsd ?? 0), 0);
    this.statement("UPDATE reruns SET status = ?, finished_at = ?, failures_json = ?, failed_cost_usd = ? WHERE id = ?").run(
      outcome.interrupted ? "interrupted" : "finished",
      new Date().toISOString(),
      JSON.stringify(outcome.failures),
      failedCost,
      id,
    );
  }

  /** The re-runs of a run, oldest first. */
  forRun(runId: string): RerunRecord[] {
    const rows = this.statement("SELECT * FROM reruns WHERE run_id = ? ORDER BY id").all(runId) as RerunRow[];
    return rows.map((row) => ({
      id: row.id,
      runId: row.run_id,
      toolId: row.tool_id,
      persona: row.persona,
      model: row.model,
      editor: row.editor,
      status: row.status,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      failures: JSON.parse(row.failures_json) as RerunFailure[],
      failedCostUsd: row.failed_cost_usd,
    }));
  }
}

interface RerunRow {
  id: number;
  run_id: string;
  tool_id: number | null;
  persona: string | null;
  model: string | null;
  editor: string;
  status: RerunRecord["status"];
  started_at: string;
  finished_at: string | null;
  failures_json: string;
  failed_cost_usd: number;
}
