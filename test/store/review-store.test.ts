import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, test } from "vitest";
import type { Review } from "../../src/report/report-schema.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { reviewKey, ReviewStore } from "../../src/store/review-store.js";
import type { Tool } from "../../src/tools/tool.js";
import { temporaryDirectory } from "../support/run-cli.js";

const tool: Tool = { name: "Claw Code", description: "An agent.", community: null, source: { file: "x.md" } };
const review: Review = {
  persona: "skeptic", model: "openai:m", verdict: "skip", confidence: 0.7, quote: "No.", rationale: "r", strengths: [], risks: ["legal"],
  usage: { inputTokens: 100, cachedInputTokens: 50, outputTokens: 20 }, latencyMs: 12, responseModel: "m-1", finishReason: "stop", attempts: 1, costUsd: 0.0001,
};
const runMeta = { signature: "sig", command: "batch", config: {}, models: ["openai:m"], personas: [{ id: "skeptic", hash: "h" }], promptHashes: {}, inputs: ["x.md"] };

describe("ReviewStore", () => {
  test("creates the schema on an empty file, and reopening changes nothing", async () => {
    const path = join(await temporaryDirectory(), "new.db");
    const store = ReviewStore.open(path);
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    store.close();
    const raw = new Database(path);
    const tables = (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((row) => row.name);
    expect(tables).toEqual(["failures", "http_cache", "provider_batch_requests", "provider_batch_results", "provider_batches", "reruns", "responses", "review_edits", "reviews", "run_tools", "runs", "tool_acceptances", "tool_labels", "tools"]);
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    raw.close();
    const again = ReviewStore.open(path);
    expect(again.schemaVersion).toBe(MIGRATIONS.length);
    again.close();
  });

  test("a run's reviews, the review a re-run replaced and the newest runs are found by index, not by scanning every review", async () => {
    const path = join(await temporaryDirectory(), "indexes.db");
    ReviewStore.open(path).close();
    const raw = new Database(path);
    const plan = (sql: string): string => (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(1) as { detail: string }[]).map((row) => row.detail).join("; ");
    // The shapes of the runs list's counts and costs, and of runOutcomes' "replaces" lookup.
    expect(plan("SELECT COALESCE(SUM(cost_usd), 0) FROM reviews v WHERE v.run_id = ?")).toContain("USING INDEX reviews_by_run");
    expect(plan("SELECT COUNT(*) FROM reviews v WHERE v.run_id = ? AND v.cost_usd IS NULL")).toContain("USING INDEX reviews_by_run");
    expect(plan("SELECT MAX(o.id) FROM reviews o WHERE o.superseded_by = ?")).toContain("reviews_by_superseding");
    // One tool's current edits, asked as each tool of a batch completes: through the (run, tool) index.
    expect(plan("SELECT e.* FROM review_edits e WHERE e.review_id IN (SELECT id FROM reviews WHERE run_id = ? AND tool_id = 1)")).toContain("reviews_by_run (run_id=? AND tool_id=?)");
    expect(plan("SELECT id FROM runs r WHERE ? IS NOT NULL ORDER BY r.started_at DESC, r.id DESC LIMIT 50")).not.toContain("TEMP B-TREE");
    raw.close();
  });

  test("a store made before provider batches (schema 1) is brought forward with its data intact", async () => {
    const path = join(await temporaryDirectory(), "v1.db");
    const old = new Database(path);
    old.exec(MIGRATIONS[0]!);
    old.pragma("user_version = 1");
    old.prepare("INSERT INTO runs (id, started_at, status, signature, command, config_json, models_json, personas_json, prompt_hashes_json, inputs_json) VALUES ('r1', '2026-01-01', 'finished', 's', 'batch', '{}', '[]', '[]', '{}', '[]')").run();
    old.prepare("INSERT INTO tools (id, identity, content_hash, name, record_json, first_seen) VALUES (1, 'name:x', 'h', 'X', '{}', '2026-01-01')").run();
    old.prepare("INSERT INTO run_tools (run_id, tool_id, position) VALUES ('r1', 1, 0)").run();
    old.prepare(
      `INSERT INTO reviews (run_id, tool_id, persona, model, verdict, confidence, quote, rationale, strengths_json, risks_json, input_tokens, cached_input_tokens, output_tokens, latency_ms, attempts, response_model, finish_reason, created_at)
       VALUES ('r1', 1, 'skeptic', 'openai:m', 'skip', 0.6, 'No.', 'r', '[]', '[]', 10, 0, 5, 100, 1, 'm', 'stop', '2026-01-01')`,
    ).run();
    old.close();
    const store = ReviewStore.open(path);
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    const [outcome] = store.runOutcomes("r1");
    expect(outcome).toMatchObject({ ok: true, toolId: 1, sample: 0, review: { persona: "skeptic", verdict: "skip", quote: "No.", source: "call" } });
    expect(outcome!.ok && outcome!.review.viaBatch).toBeUndefined();
    expect(store.reviewedKeys("r1")).toEqual(new Set([reviewKey(1, "skeptic", "openai:m", 0)]));
    expect(store.batches.batchesOf("r1")).toEqual([]);
    store.close();
  });

  test("a schema-3 store gains the HTTP cache and keeps its runs", async () => {
    const path = join(await temporaryDirectory(), "v3.db");
    const old = new Database(path);
    for (const migration of MIGRATIONS.slice(0, 3)) old.exec(migration);
    old.pragma("user_version = 3");
    old.prepare("INSERT INTO runs (id, started_at, status, signature, command, config_json, models_json, personas_json, prompt_hashes_json, inputs_json) VALUES ('r1', '2026-01-01', 'finished', 's', 'batch', '{}', '[]', '[]', '{}', '[]')").run();
    old.close();
    const store = ReviewStore.open(path);
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    expect(store.getRun("r1")?.status).toBe("finished");
    expect(store.http.get("https://example.com/")).toBeUndefined();
    store.close();
  });

  test("HTTP responses round-trip by URL; a later one replaces the copy; absent validators stay absent", async () => {
    const path = join(await temporaryDirectory(), "h.db");
    const store = ReviewStore.open(path);
    const url = "https://registry.npmjs.org/ky";
    const entry = { status: 200, headers: { "content-type": "application/json", etag: '"v1"' }, text: '{"name":"ky"}', etag: '"v1"', lastModified: "Tue, 01 Dec 2026 10:00:00 GMT", fetchedAt: "2026-12-01T10:00:00.000Z" };
    store.http.put(url, entry);
    expect(store.http.get(url)).toEqual(entry);
    const cache = store.http;
    cache.put(url, { status: 200, headers: {}, text: "é ünïcode", etag: '"v2"', fetchedAt: "2026-12-02T10:00:00.000Z" });
    store.close();
    const reopened = ReviewStore.open(path);
    expect(reopened.http.get(url)).toEqual({ status: 200, headers: {}, text: "é ünïcode", etag: '"v2"', fetchedAt: "2026-12-02T10:00:00.000Z" });
    expect(reopened.http.get(`${url}/other`)).toBeUndefined();
    reopened.close();
  });

  test("a store from a newer Panelist is refused rather than damaged", async () => {
    const path = join(await temporaryDirectory(), "future.db");
    const raw = new Database(path);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => ReviewStore.open(path)).toThrow(new RegExp(`^--store: ${path} was written by a newer Panelist \\(store schema ${MIGRATIONS.length + 1}; this one knows ${MIGRATIONS.length}\\): upgrade Panelist$`));
  });

  test("reviews round-trip; a review replaces an earlier failure; duplicates are ignored", async () => {
    const store = ReviewStore.open(join(await temporaryDirectory(), "r.db"));
    const run = store.createRun(runMeta);
    const [stored] = store.tools.register(run.id, [{ tool, identity: "name:claw code", contentHash: "c1" }]);
    store.saveFailure(run.id, stored!.toolId, { persona: "skeptic", model: "openai:m", kind: "http", error: "HTTP 500", attempts: 5, usage: { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 }, costUsd: 0 }, 0);
    expect(store.counts(run.id)).toEqual({ reviews: 0, failures: 1 });
    store.saveReview(run.id, stored!.toolId, review, { rawText: "{...}", sample: 0, source: "call" });
    store.saveReview(run.id, stored!.toolId, { ...review, verdict: "ship" }, { sample: 0, source: "call" });
    // Another sample of the same (tool, persona, model) is another review.
    store.saveReview(run.id, stored!.toolId, { ...review, verdict: "ship" }, { sample: 1, source: "cache" });
    expect(store.counts(run.id)).toEqual({ reviews: 2, failures: 0 });
    const outcomes = store.runOutcomes(run.id);
    expect(outcomes.map((outcome) => [outcome.sample, outcome.ok && outcome.review.verdict, outcome.ok && outcome.review.source])).toEqual([[0, "skip", "call"], [1, "ship", "cache"]]);
    expect(outcomes[0]).toEqual({ ok: true, toolId: stored!.toolId, sample: 0, review: { ...review, id: 1, version: 0, source: "call", sample: 0 } });
    expect(store.reviewedKeys(run.id)).toEqual(new Set([reviewKey(stored!.toolId, "skeptic", "openai:m", 0), reviewKey(stored!.toolId, "skeptic", "openai:m", 1)]));
    expect(store.tools.forRun(run.id).map((entry) => entry.tool.name)).toEqual(["Claw Code"]);
    store.close();
  });

  test("reviewedBefore needs the same identity, content, persona files, prompts, and every persona × model", async () => {
    const store = ReviewStore.open(join(await temporaryDirectory(), "s.db"));
    const run = store.createRun(runMeta);
    const [stored] = store.tools.register(run.id, [{ tool, identity: "name:claw code", contentHash: "c1" }]);
    store.saveReview(run.id, stored!.toolId, review, { sample: 0, source: "call", personaHash: "h", promptHash: "p1" });
    const skeptic = [{ id: "skeptic", hash: "h" }];
    expect(store.tools.reviewedBefore("name:claw code", "c1", skeptic, ["openai:m"], "p1")).toBe(true);
    expect(store.tools.reviewedBefore("name:claw code", "c2", skeptic, ["openai:m"], "p1")).toBe(false);
    expect(store.tools.reviewedBefore("name:claw code", "c1", [...skeptic, { id: "futurist", hash: "f" }], ["openai:m"], "p1")).toBe(false);
    expect(store.tools.reviewedBefore("name:claw code", "c1", skeptic, ["openai:m", "anthropic:x"], "p1")).toBe(false);
    // An edited persona file or prompt template is a new panel.
    expect(store.tools.reviewedBefore("name:claw code", "c1", [{ id: "skeptic", hash: "h2" }], ["openai:m"], "p1")).toBe(false);
    expect(store.tools.reviewedBefore("name:claw code", "c1", skeptic, ["openai:m"], "p2")).toBe(false);
    store.close();
  });

  test("a path that cannot hold a store is one line naming it; a missing folder is created", async () => {
    const dir = await temporaryDirectory();
    expect(() => ReviewStore.open(dir)).toThrow(`--store: ${dir} is a folder, not a store file`);
    const text = join(dir, "notes.txt");
    writeFileSync(text, "not a database at all, just some notes that are long enough to look like a header\n".repeat(20));
    expect(() => ReviewStore.open(text)).toThrow(`--store: ${text}: not a Panelist store (the file is not a SQLite database)`);
    const nested = join(dir, "a", "b", "p.db");
    ReviewStore.open(nested).close();
    expect(existsSync(nested)).toBe(true);
    // Pages overwritten in the middle of the file: damaged, not "internal error".
    const damaged = join(dir, "damaged.db");
    const store = ReviewStore.open(damaged);
    const run = store.createRun(runMeta);
    store.tools.register(run.id, Array.from({ length: 400 }, (_, index) => ({ tool: { ...tool, description: "x".repeat(500) }, identity: `name:t${index}`, contentHash: `c${index}` })));
    store.close();
    const bytes = readFileSync(damaged);
    bytes.fill(0x5a, 8192, 8192 + 4096 * 8);
    writeFileSync(damaged, bytes);
    expect(() => ReviewStore.open(damaged)).toThrow(new RegExp(`^--store: ${damaged}: the database is damaged`));
  });

  test("unfinished runs are found by signature; finished ones are not", async () => {
    const store = ReviewStore.open(join(await temporaryDirectory(), "u.db"));
    const run = store.createRun(runMeta);
    expect(store.findUnfinishedRun("sig")?.id).toBe(run.id);
    store.setRunStatus(run.id, "finished");
    expect(store.findUnfinishedRun("sig")).toBeUndefined();
    expect(store.getRun(run.id)?.finishedAt).not.toBeNull();
    store.close();
  });
});
