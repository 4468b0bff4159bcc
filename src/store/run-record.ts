import type { SkippedTool } from "../report/report-schema.js";

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

/** A `runs` row as SQLite returns it. */
export interface RunRow {
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

/** A `runs` row as the record the rest of Panelist reads. */
export function toRunRecord(row: RunRow): RunRecord {
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
