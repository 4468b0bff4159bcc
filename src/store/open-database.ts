import { mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { ConfigError } from "../errors/config-error.js";
import { MIGRATIONS } from "./migrations.js";

/**
 * Opens the SQLite file of a store (creating it and its folder unless `create` is false), with WAL
 * journaling, and brings its schema up to date. Whatever stops that (a folder, a file that is not
 * SQLite, a damaged database, one from a newer Panelist, a folder that cannot be made) is a
 * ConfigError naming the setting (`--store`) and the path, in one line.
 */
export function openDatabase(path: string, setting: string, create: boolean): Database.Database {
  if (path !== ":memory:") {
    const existing = statIfAny(path);
    if (existing?.isDirectory()) throw new ConfigError(setting, `${path} is a folder, not a store file`);
    // A command that only reads (runs, report, stats, export) must not leave an empty store behind a typo.
    if (!existing && !create) throw new ConfigError(setting, `no store at ${path} (runs are kept in ./panelist.db unless --store or PANELIST_STORE names another)`);
    if (!existing) {
      try {
        mkdirSync(dirname(path), { recursive: true });
      } catch (error) {
        throw new ConfigError(setting, `${path}: cannot create its folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      }
    }
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    migrate(db, path, setting);
    // A damaged page anywhere shows here rather than halfway through a paid run.
    const check = db.pragma("quick_check", { simple: true });
    if (check !== "ok") throw new ConfigError(setting, `${path}: the database is damaged (${String(check).split("\n")[0]})`);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(setting, `${path}: ${storeProblem(error)}`);
  }
}

/** Applies the migrations the file has not had yet, each in its own transaction. */
function migrate(db: Database.Database, path: string, setting: string): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new ConfigError(setting, `${path} was written by a newer Panelist (store schema ${current}; this one knows ${MIGRATIONS.length}): upgrade Panelist`);
  }
  for (let version = current; version < MIGRATIONS.length; version += 1) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

function statIfAny(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** One line for why SQLite refused a store file. */
function storeProblem(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === "SQLITE_NOTADB") return "not a Panelist store (the file is not a SQLite database)";
  if (code === "SQLITE_CORRUPT") return "the database is damaged";
  if (code === "SQLITE_CANTOPEN" || code === "EACCES" || code === "SQLITE_READONLY") return "cannot be opened for writing (check the path and its permissions)";
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
}
