import { existsSync } from "node:fs";
import { ConfigError } from "../../errors/config-error.js";
import { ReviewStore, type RunListing } from "../../store/review-store.js";
import { runListingSummary } from "../../store/run-listing.js";
import { EXIT, type CliIO } from "../cli-io.js";
import type { CommandLine } from "../parse-command-line.js";
import { storePath } from "../store-path.js";

/** `panelist runs [--store db] [--limit n] [--tool name] [--json]`: the stored runs, newest first. */
export async function runRunsCommand(commandLine: CommandLine, io: CliIO): Promise<number> {
  const { limit: limitText, tool, json } = commandLine.batch;
  const limit = limitText === undefined ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1) throw new ConfigError("--limit", `must be a whole number from 1 and up, got "${limitText}"`);
  const path = storePath(commandLine, io);
  if (!existsSync(path)) {
    io.stdout(`No runs yet: no store at ${path} (review, compare and batch create it)\n`);
    return EXIT.ok;
  }
  const store = ReviewStore.open(path, { create: false });
  let runs: RunListing[];
  try {
    runs = store.listRunsWithCounts({ limit, ...(tool ? { tool } : {}) });
  } finally {
    store.close();
  }
  if (json) {
    for (const run of runs) io.stdout(`${JSON.stringify(runListingSummary(run))}\n`);
    return EXIT.ok;
  }
  if (runs.length === 0) {
    io.stdout(tool ? `No runs with a tool named like "${tool}" in ${path}\n` : `No runs in ${path} yet\n`);
    return EXIT.ok;
  }
  const rows = runs.map((run) => [
    run.id,
    run.command,
    run.startedAt.replace("T", " ").slice(0, 19),
    run.status,
    String(run.tools),
    run.models.join(","),
    `${run.reviews} done, ${run.failures} failed${run.notStarted > 0 ? `, ${run.notStarted} not started` : ""}`,
    run.costUsd === null ? "unknown" : `$${run.costUsd.toFixed(4)}`,
  ]);
  io.stdout(table(["run", "command", "started (UTC)", "state", "tools", "models", "reviews", "cost"], rows));
  return EXIT.ok;
}

/** Columns padded to their widest cell; the last column is not padded. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  ");
  return `${[line(header), ...rows.map(line)].join("\n")}\n`;
}
