import type Database from "better-sqlite3";
import type { Tool } from "../tools/tool.js";
import type { StatementSource } from "./statement-source.js";

/** A tool as registered for a run. */
export interface StoredTool {
  toolId: number;
  tool: Tool;
  identity: string;
  contentHash: string;
}

/** The store's tools: each tool record once by identity and content, linked to the runs that review it. */
export class ToolRegistry {
  constructor(
    private readonly db: Database.Database,
    private readonly statement: StatementSource,
  ) {}

  /** Registers a run's tools in order (one transaction) and returns them with their ids. */
  register(runId: string, tools: readonly { tool: Tool; identity: string; contentHash: string }[]): StoredTool[] {
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
  forRun(runId: string): StoredTool[] {
    const rows = this.statement("SELECT t.id, t.identity, t.content_hash, t.record_json FROM run_tools rt JOIN tools t ON t.id = rt.tool_id WHERE rt.run_id = ? ORDER BY rt.position")
      .all(runId) as { id: number; identity: string; content_hash: string; record_json: string }[];
    return rows.map((row) => ({ toolId: row.id, identity: row.identity, contentHash: row.content_hash, tool: JSON.parse(row.record_json) as Tool }));
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
}
