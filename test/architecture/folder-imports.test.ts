import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, test } from "vitest";

const SRC = "src";

/** Every import of every source file, as (file, folder it is in, module it names). */
function imports(): { file: string; from: string; to: string; spec: string }[] {
  const files: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder)) {
      const path = join(folder, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith(".ts")) files.push(path);
    }
  };
  walk(SRC);
  // A file at the top of src/ (index.ts, version.ts) is a room of its own.
  const roomOf = (path: string): string => {
    const inside = relative(SRC, path);
    return inside.includes("/") ? inside.split("/")[0]! : inside.replace(/\.ts$/, "");
  };
  return files.flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/(?:import|export)[^"';]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^import\s+["']([^"']+)["']/gm)].map((match) => {
      // A side-effect import (`import "./x.js"`) names its module too.
      const spec = (match[1] ?? match[2] ?? match[3])!;
      const to = spec.startsWith(".") ? roomOf(relative(process.cwd(), resolve(dirname(file), spec))) : spec;
      return { file, from: roomOf(file), to, spec };
    }),
  );
}

describe("the architecture the folders show", () => {
  const all = imports();

  test("no import cycles between folders", () => {
    const edges = new Map<string, Set<string>>();
    for (const { from, to } of all) if (from !== to && !to.startsWith("node:") && /^[a-z-]+$/.test(to)) edges.set(from, (edges.get(from) ?? new Set()).add(to));
    // Depth-first search for a path back to where it started.
    const cycles: string[] = [];
    const visit = (start: string, at: string, path: string[]): void => {
      for (const next of edges.get(at) ?? []) {
        if (next === start) cycles.push([...path, next].join(" → "));
        else if (!path.includes(next) && next > start) visit(start, next, [...path, next]);
      }
    };
    for (const room of edges.keys()) visit(room, room, [room]);
    expect(cycles).toEqual([]);
    // The check sees the imports it should: the engine uses the per-call core, batch builds on the engine.
    expect(edges.get("engine")).toContain("pipeline");
    expect(edges.get("batch")).toContain("engine");
  });

  test("nothing imports the CLI; only the CLI reads process.env or calls process.exit", () => {
    expect(all.filter(({ from, to }) => from !== "cli" && to === "cli").map(({ file }) => file)).toEqual([]);
    const offenders = readdirRecursive(SRC)
      .filter((file) => !file.startsWith(join(SRC, "cli")))
      .filter((file) => /process\.env\b|process\.exit\(/.test(readFileSync(file, "utf8")));
    expect(offenders).toEqual([]);
  });

  test("panel math, statistics and verdict parsing are pure: no provider, store, file system or network", () => {
    const pure = all.filter(({ from }) => ["panel", "stats", "verdict"].includes(from));
    expect(pure.length).toBeGreaterThan(5);
    const allowed = new Set(["panel", "stats", "verdict", "tools", "report", "zod"]);
    expect(pure.filter(({ to }) => !allowed.has(to)).map(({ file, spec }) => `${file}: ${spec}`)).toEqual([]);
  });

  test("the workbench is imported only by the CLI, and reaches the store only through ReviewStore's methods (no SQL of its own)", () => {
    const importers = all.filter(({ from, to }) => to === "workbench" && from !== "workbench");
    // The check sees what it should: `panelist serve` starts the workbench.
    expect(importers.map(({ from }) => from)).toContain("cli");
    expect(importers.filter(({ from }) => from !== "cli").map(({ file, spec }) => `${file}: ${spec}`)).toEqual([]);
    expect(all.filter(({ from, to }) => from === "workbench" && to === "better-sqlite3").map(({ file }) => file)).toEqual([]);
    const inStore = readdirRecursive(join(SRC, "store")).filter((file) => SQL.test(readFileSync(file, "utf8")));
    expect(inStore.length).toBeGreaterThan(0);
    const inWorkbench = readdirRecursive(join(SRC, "workbench")).filter((file) => SQL.test(readFileSync(file, "utf8")) || /\.(prepare|exec|pragma)\(/.test(readFileSync(file, "utf8")));
    expect(inWorkbench).toEqual([]);
  });
});

/** A statement as the store writes them; prose ("select a model", "delete the token") does not match. */
const SQL = /\b(SELECT\s+[\w*.,\s()]+?\s+FROM\s+\w|INSERT\s+(OR\s+\w+\s+)?INTO\s+\w|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s+\w|(CREATE|ALTER|DROP)\s+(TABLE|INDEX|VIEW)\b|PRAGMA\s+\w)/i;

function readdirRecursive(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry);
    return statSync(path).isDirectory() ? readdirRecursive(path) : path.endsWith(".ts") ? [path] : [];
  });
}
