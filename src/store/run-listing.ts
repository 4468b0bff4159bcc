import type { RunListing } from "./review-store.js";

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
