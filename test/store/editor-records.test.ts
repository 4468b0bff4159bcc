import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, test } from "vitest";
import { buildRunReport } from "../../src/engine/run-report.js";
import { EditConflictError } from "../../src/errors/edit-conflict-error.js";
import type { Review } from "../../src/report/report-schema.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { ReviewStore } from "../../src/store/review-store.js";
import type { Tool } from "../../src/tools/tool.js";
import { temporaryDirectory } from "../support/run-cli.js";

const tool: Tool = { name: "Claw Code", description: "An agent.", community: null, source: { file: "claw.md" } };
const PERSONAS = ["dx", "skeptic", "futurist", "analyst"];
const review = (persona: string, verdict: "ship" | "skip", model = "openai:m"): Review => ({
  persona, model, verdict, confidence: 0.8, quote: `${persona} says ${verdict}.`, rationale: "r", strengths: [], risks: [],
  usage: { inputTokens: 100, cachedInputTokens: 0, outputTokens: 20 }, latencyMs: 5, responseModel: "m-1", finishReason: "stop", attempts: 1, costUsd: 0.001,
});

/** A finished one-tool review run: dx, futurist and analyst ship, the skeptic skips (75%). */
async function reviewedRun(): Promise<{ store: ReviewStore; path: string; runId: string; toolId: number; skepticId: number }> {
  const path = join(await temporaryDirectory(), "p.db");
  const store = ReviewStore.open(path);
  const run = store.createRun({
    signature: "s", command: "review", config: {}, models: ["openai:m"], personas: PERSONAS.map((id) => ({ id, hash: `h-${id}`, name: id })), promptHashes: {}, inputs: ["claw.md"],
    plan: { panel: Object.fromEntries(PERSONAS.map((id) => [id, ["openai:m"]])), samples: 1, swap: false, compare: false, promptHash: "p" },
  });
  const [stored] = store.tools.register(run.id, [{ tool, identity: "name:claw code", contentHash: "c" }]);
  for (const persona of PERSONAS) store.saveReview(run.id, stored!.toolId, review(persona, persona === "skeptic" ? "skip" : "ship"), { sample: 0, source: "call" });
  store.setRunStatus(run.id, "finished");
  const skepticId = buildRunReport(store, run.id)!.report.tools[0]!.reviews.find((entry) => entry.persona === "skeptic")!.id!;
  return { store, path, runId: run.id, toolId: stored!.toolId, skepticId };
}

describe("editors' records in the store", () => {
  test("an edit changes the report's quote, verdict and panel math; the model's answer is kept; undo restores it", async () => {
    const { store, runId, skepticId } = await reviewedRun();
    expect(buildRunReport(store, runId)!.report.tools[0]!.panel.shipPct).toBe(75);

    const edit = store.edits.edit(skepticId, { quote: "Ship it, with a contract review.", verdict: "ship", reason: "the model misread the licence", editor: "ada", version: 0 });
    expect(edit).toMatchObject({ version: 1, action: "edit", quote: "Ship it, with a contract review.", verdict: "ship", confidence: 0.8, editor: "ada" });
    const edited = buildRunReport(store, runId)!.report.tools[0]!;
    const skeptic = edited.reviews.find((entry) => entry.persona === "skeptic")!;
    expect(skeptic).toMatchObject({ id: skepticId, version: 1, verdict: "ship", quote: "Ship it, with a contract review." });
    expect(skeptic.edit).toMatchObject({ editor: "ada", reason: "the model misread the licence", original: { quote: "skeptic says skip.", verdict: "skip", confidence: 0.8 } });
    expect(edited.panel).toMatchObject({ shipPct: 100, split: "4–0" });
    // The export rows follow the edit too.
    expect([...store.exportRows(runId)].find((row) => row.persona === "skeptic")).toMatchObject({ verdict: "ship", quote: "Ship it, with a contract review." });

    store.edits.undo(skepticId, { reason: "checked again", editor: "bo", version: 1 });
    const undone = buildRunReport(store, runId)!.report.tools[0]!;
    expect(undone.reviews.find((entry) => entry.persona === "skeptic")).toMatchObject({ version: 2, verdict: "skip", quote: "skeptic says skip." });
    expect(undone.reviews.find((entry) => entry.persona === "skeptic")!.edit).toBeUndefined();
    expect(undone.panel.shipPct).toBe(75);
    expect(store.edits.history(skepticId).map((entry) => [entry.version, entry.action, entry.editor, entry.reason])).toEqual([
      [1, "edit", "ada", "the model misread the licence"],
      [2, "undo", "bo", "checked again"],
    ]);
  });

  test("a second save on the same version is refused with the version to reload, and nothing is written", async () => {
    const { store, skepticId } = await reviewedRun();
    store.edits.edit(skepticId, { quote: "First tab.", reason: "tone", editor: "ada", version: 0 });
    let error: unknown;
    try {
      store.edits.edit(skepticId, { quote: "Second tab.", reason: "tone", editor: "bo", version: 0 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EditConflictError);
    expect((error as EditConflictError).current).toBe(1);
    expect((error as Error).message).toMatch(/changed by someone else \(version 1, this edit was made on version 0\): reload it/);
    expect(store.edits.history(skepticId).map((entry) => entry.quote)).toEqual(["First tab."]);
    expect(() => store.edits.edit(skepticId, { quote: "x", reason: "  ", editor: "ada", version: 1 })).toThrow(/^reason: say why/);
    expect(() => store.edits.edit(skepticId, { confidence: 1.5, reason: "r", editor: "ada", version: 1 })).toThrow(/^confidence: must be between 0 and 1/);
    expect(() => store.edits.edit(999, { quote: "x", reason: "r", editor: "ada", version: 0 })).toThrow(/^review: no review 999/);
  });

  test("a re-run's review supersedes the old one, which stays as history and can no longer be edited", async () => {
    const { store, runId, toolId, skepticId } = await reviewedRun();
    store.edits.edit(skepticId, { quote: "Edited before the re-run.", reason: "tone", editor: "ada", version: 0 });
    const rerunId = store.reruns.start(runId, { toolId, persona: "skeptic", model: "anthropic:claude", editor: "ada" });
    const newId = store.saveRerunReview(runId, toolId, review("skeptic", "ship", "anthropic:claude"), { sample: 0, source: "call" }, { rerunId, replaces: [skepticId] });
    store.reruns.finish(rerunId, { interrupted: false, failures: [] });

    const { report } = buildRunReport(store, runId)!;
    const tool = report.tools[0]!;
    expect(tool.reviews.map((entry) => [entry.persona, entry.model, entry.verdict])).toEqual([
      ["dx", "openai:m", "ship"], ["skeptic", "anthropic:claude", "ship"], ["futurist", "openai:m", "ship"], ["analyst", "openai:m", "ship"],
    ]);
    // The replaced model's slot is not reported as a missing review.
    expect(tool.failures).toEqual([]);
    expect(tool.panel.shipPct).toBe(100);
    expect(report.models).toEqual(["openai:m", "anthropic:claude"]);
    expect(tool.reviews[1]!.rerun).toMatchObject({ editor: "ada", replaces: skepticId });
    expect(store.findReview(skepticId)).toMatchObject({ runId, superseded: true });
    expect(store.reviewLineage(newId).map((entry) => [entry.id, entry.model, entry.quote])).toEqual([[skepticId, "openai:m", "Edited before the re-run."]]);
    expect(() => store.edits.edit(skepticId, { quote: "x", reason: "r", editor: "ada", version: 1 })).toThrow(/was replaced by a re-run/);
    expect(store.counts(runId).reviews).toBe(4);
    // Both answers were paid for: the run's cost counts the superseded one too.
    expect(store.listRunsWithCounts()[0]).toMatchObject({ reviews: 4, costUsd: 0.005 });
    expect(store.reruns.forRun(runId)).toMatchObject([{ id: rerunId, persona: "skeptic", status: "finished", editor: "ada" }]);
  });

  test("human verdicts and acceptances: the newest is current, every one is kept, calibration reads them", async () => {
    const { store, runId, toolId } = await reviewedRun();
    store.labels.set(runId, toolId, { verdict: "skip", editor: "ada" });
    store.labels.set(runId, toolId, { verdict: "ship", note: "  fine for internal use ", editor: "bo" });
    store.labels.setAccepted(runId, toolId, { accepted: true, editor: "bo" });
    const tool = buildRunReport(store, runId)!.report.tools[0]!;
    expect(tool).toMatchObject({ id: toolId, label: { verdict: "ship", note: "fine for internal use", editor: "bo" }, accepted: { editor: "bo" } });
    expect(store.labels.history(runId, toolId).map((label) => [label.verdict, label.editor])).toEqual([["skip", "ada"], ["ship", "bo"]]);
    expect(store.labels.all()).toMatchObject([{ runId, toolId, identity: "name:claw code", name: "Claw Code", verdict: "ship", editor: "bo" }]);
    store.labels.setAccepted(runId, toolId, { accepted: false, editor: "ada" });
    expect(buildRunReport(store, runId)!.report.tools[0]!.accepted).toBeUndefined();
    expect(() => store.labels.set(runId, 999, { verdict: "ship", editor: "ada" })).toThrow(/^tool: no tool 999 in run/);
  });

  test("a schema-4 store is brought forward with its reviews intact and one current review per key", async () => {
    const path = join(await temporaryDirectory(), "v4.db");
    const raw = new Database(path);
    for (const [index, migration] of MIGRATIONS.slice(0, 4).entries()) {
      raw.exec(migration);
      raw.pragma(`user_version = ${index + 1}`);
    }
    raw.exec(`INSERT INTO runs (id, started_at, status, signature, command, config_json, models_json, personas_json, prompt_hashes_json, inputs_json)
      VALUES ('r1', '2026-11-01T00:00:00Z', 'finished', 's', 'review', '{}', '["openai:m"]', '[{"id":"skeptic","hash":"h"}]', '{}', '[]');
      INSERT INTO tools (id, identity, content_hash, name, record_json, first_seen) VALUES (7, 'name:claw code', 'c', 'Claw Code', '${JSON.stringify(tool)}', '2026-11-01');
      INSERT INTO run_tools (run_id, tool_id, position) VALUES ('r1', 7, 0);
      INSERT INTO reviews (id, run_id, tool_id, persona, model, sample, verdict, confidence, quote, rationale, strengths_json, risks_json, input_tokens, cached_input_tokens, output_tokens, latency_ms, attempts, response_model, finish_reason, created_at)
      VALUES (42, 'r1', 7, 'skeptic', 'openai:m', 0, 'skip', 0.7, 'Old quote.', 'r', '[]', '[]', 1, 0, 1, 1, 1, 'm', 'stop', '2026-11-01');`);
    raw.close();

    const store = ReviewStore.open(path);
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    expect(buildRunReport(store, "r1")!.report.tools[0]!.reviews).toMatchObject([{ id: 42, version: 0, quote: "Old quote.", verdict: "skip" }]);
    expect(store.edits.edit(42, { quote: "New quote.", reason: "typo", editor: "ada", version: 0 }).version).toBe(1);
    store.close();
    const check = new Database(path);
    // The partial unique index still refuses a second current review of the same key.
    expect(() => check.prepare("INSERT INTO reviews (run_id, tool_id, persona, model, sample, verdict, confidence, quote, rationale, strengths_json, risks_json, input_tokens, cached_input_tokens, output_tokens, latency_ms, attempts, response_model, finish_reason, created_at) SELECT run_id, tool_id, persona, model, sample, verdict, confidence, quote, rationale, strengths_json, risks_json, input_tokens, cached_input_tokens, output_tokens, latency_ms, attempts, response_model, finish_reason, created_at FROM reviews WHERE id = 42").run()).toThrow(/UNIQUE/);
    check.close();
  });
});
