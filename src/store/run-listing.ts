import { toRunRecord, type RunListing, type RunRow } from "./run-record.js";
import type { StatementSource } from "./statement-source.js";

/**
 * Runs newest first with their counts and cost, at most `limit` (all by default); `tool` keeps
 * the runs with a tool whose name contains it (case-insensitive).
 */
export function listRunsWithCounts(statement: StatementSource, options: { limit?: number; tool?: string }): RunListing[] {
  const rows = statement(
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
  ).all(options.tool ?? null, options.tool ?? null, options.limit ?? -1) as (RunRow & { tool_count: number; review_count: number; failure_count: number; not_started_count: number; cost: number; unpriced: number })[];
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

/**
 * A stored run as a script or an agent reads it (`panelist runs --json`, MCP `list_runs`): what
 * is needed to pick a run, without its stored configuration.
 */
export function runListingSummary(run: RunListing) {
  return {
    id: run.id,
    command: run.command,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    status: run.status,
    tools: run.tools,
    models: run.models,
    reviews: run.reviews,
    failures: run.failures,
    notStarted: run.notStarted,
    costUsd: run.costUsd,
  };
}

/** One run's summary. */
export type RunListingSummary = ReturnType<typeof runListingSummary>;
