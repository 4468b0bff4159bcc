/**
 * For a user with a key: reviews the 130 real launches in fixtures/launches.jsonl with a real
 * provider and calibrates the panel against the 82 launch-day labels in
 * fixtures/labels/launch-upvotes.jsonl (50 or more upvotes: ship). Upvotes are a weak proxy for
 * "people would ship it"; read the figures as a test of how the panel ranks, not of its truth.
 *
 *   npm run build && npx tsx bench/calibrate-launches.ts anthropic:claude-sonnet-5 [--max-cost 2]
 *
 * It runs `panelist batch` then `panelist calibrate` through the built CLI, into a folder of its
 * own, and prints the calibration summary. Re-running it asks the provider for nothing new.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const [model, ...rest] = process.argv.slice(2);
if (!model) {
  console.error("usage: npx tsx bench/calibrate-launches.ts provider:model [panelist batch options, e.g. --max-cost 2]");
  process.exit(2);
}
const dir = join("bench-results", "calibrate-launches", model.replace(/[^a-z0-9.-]+/gi, "_"));
mkdirSync(dir, { recursive: true });
const store = join(dir, "panelist.db");
const cli = (args: string[]): number => spawnSync(process.execPath, ["dist/cli/bin.js", ...args], { stdio: "inherit" }).status ?? 3;
const batch = cli(["batch", "fixtures/launches.jsonl", "--model", model, "--store", store, "--out", join(dir, "batch"), "--format", "json,md", ...rest]);
if (batch !== 0 && batch !== 1) process.exit(batch);
process.exit(cli(["calibrate", "--labels", "fixtures/labels/launch-upvotes.jsonl", "--store", store, "--out", dir]));
