import type Database from "better-sqlite3";

/**
 * How the store's parts get a prepared statement: the store's own accessor, which commits the
 * queued writes first (so a read sees them) and prepares each SQL text once.
 */
export type StatementSource = (sql: string) => Database.Statement;
