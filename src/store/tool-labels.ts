import { ConfigError } from "../errors/config-error.js";
import type { StatementSource } from "./statement-source.js";

/** An editor's own verdict on a tool of a run: the human label calibration compares the panel with. */
export interface ToolLabel {
  verdict: "ship" | "skip";
  note: string;
  editor: string;
  /** ISO time. */
  at: string;
}

/** A tool page an editor marked accepted. */
export interface ToolAcceptance {
  editor: string;
  at: string;
}

/** A stored human verdict with the tool it is about, for `calibrate --labels store`. */
export interface StoredLabel extends ToolLabel {
  runId: string;
  toolId: number;
  /** The tool's identity across runs (see tool-identity.ts) and its name. */
  identity: string;
  name: string;
}

/**
 * Human verdicts and acceptances of a run's tools, append-only: setting one adds a row, and the
 * newest row is the current one, so who said what and when is never lost. Part of the
 * ReviewStore, as `store.labels`.
 */
export class ToolLabels {
  constructor(private readonly statement: StatementSource) {}

  /** Records the editor's verdict on a tool of a run, replacing their earlier one as current. */
  set(runId: string, toolId: number, label: { verdict: "ship" | "skip"; note?: string; editor: string }): ToolLabel {
    this.assertRunTool(runId, toolId);
    if (label.verdict !== "ship" && label.verdict !== "skip") throw new ConfigError("verdict", `must be ship or skip, got ${String(label.verdict)}`);
    if (label.editor.trim() === "") throw new ConfigError("editor", "a verdict needs the editor's name");
    const at = new Date().toISOString();
    const note = (label.note ?? "").trim();
    this.statement("INSERT INTO tool_labels (run_id, tool_id, verdict, note, editor, created_at) VALUES (?, ?, ?, ?, ?, ?)").run(runId, toolId, label.verdict, note, label.editor, at);
    return { verdict: label.verdict, note, editor: label.editor, at };
  }

  /** Marks a tool page of a run accepted, or takes the mark back. */
  setAccepted(runId: string, toolId: number, change: { accepted: boolean; editor: string }): ToolAcceptance | undefined {
    this.assertRunTool(runId, toolId);
    const at = new Date().toISOString();
    this.statement("INSERT INTO tool_acceptances (run_id, tool_id, accepted, editor, created_at) VALUES (?, ?, ?, ?, ?)").run(runId, toolId, change.accepted ? 1 : 0, change.editor, at);
    return change.accepted ? { editor: change.editor, at } : undefined;
  }

  /** The current human verdict of each labelled tool of a run, by tool id. */
  forRun(runId: string): Map<number, ToolLabel> {
    const rows = this.statement(
      "SELECT * FROM tool_labels l WHERE run_id = ? AND id = (SELECT MAX(x.id) FROM tool_labels x WHERE x.run_id = l.run_id AND x.tool_id = l.tool_id)",
    ).all(runId) as LabelRow[];
    return new Map(rows.map((row) => [row.tool_id, toLabel(row)]));
  }

  /** The accepted tools of a run, by tool id. */
  acceptedForRun(runId: string): Map<number, ToolAcceptance> {
    const rows = this.statement(
      "SELECT * FROM tool_acceptances a WHERE run_id = ? AND id = (SELECT MAX(x.id) FROM tool_acceptances x WHERE x.run_id = a.run_id AND x.tool_id = a.tool_id)",
    ).all(runId) as { tool_id: number; accepted: number; editor: string; created_at: string }[];
    return new Map(rows.filter((row) => row.accepted === 1).map((row) => [row.tool_id, { editor: row.editor, at: row.created_at }]));
  }

  /** Every verdict a tool of a run has had, oldest first. */
  history(runId: string, toolId: number): ToolLabel[] {
    return (this.statement("SELECT * FROM tool_labels WHERE run_id = ? AND tool_id = ? ORDER BY id").all(runId, toolId) as LabelRow[]).map(toLabel);
  }

  /** The current human verdict of every labelled tool of every run, oldest first. */
  all(): StoredLabel[] {
    const rows = this.statement(
      `SELECT l.*, t.identity, t.name FROM tool_labels l JOIN tools t ON t.id = l.tool_id
       WHERE l.id = (SELECT MAX(x.id) FROM tool_labels x WHERE x.run_id = l.run_id AND x.tool_id = l.tool_id) ORDER BY l.id`,
    ).all() as (LabelRow & { identity: string; name: string })[];
    return rows.map((row) => ({ ...toLabel(row), runId: row.run_id, toolId: row.tool_id, identity: row.identity, name: row.name }));
  }

  private assertRunTool(runId: string, toolId: number): void {
    const found = this.statement("SELECT 1 FROM run_tools WHERE run_id = ? AND tool_id = ?").get(runId, toolId);
    if (!found) throw new ConfigError("tool", `no tool ${toolId} in run ${runId}`);
  }
}

interface LabelRow {
  run_id: string;
  tool_id: number;
  verdict: "ship" | "skip";
  note: string;
  editor: string;
  created_at: string;
}

function toLabel(row: LabelRow): ToolLabel {
  return { verdict: row.verdict, note: row.note, editor: row.editor, at: row.created_at };
}
