import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, test } from "vitest";
import type { Review } from "../../src/report/report-schema.js";
import { ReviewStore } from "../../src/store/review-store.js";
import { WriteQueue } from "../../src/store/write-queue.js";
import type { Tool } from "../../src/tools/tool.js";
import { temporaryDirectory } from "../support/run-cli.js";

const tool: Tool = { name: "Claw Code", description: "An agent.", community: null, source: { file: "x.md" } };
const review = (persona: string): Review => ({
  persona, model: "openai:m", verdict: "ship", confidence: 0.7, quote: "Yes.", rationale: "r", strengths: [], risks: [],
  usage: { inputTokens: 100, cachedInputTokens: 0, outputTokens: 20 }, latencyMs: 12, responseModel: "m-1", finishReason: "stop", attempts: 1, costUsd: 0.0001,
});
const runMeta = { signature: "sig", command: "batch", config: {}, models: ["openai:m"], personas: [], promptHashes: {}, inputs: ["x.md"] };

/** What another process would find in the file now, as after a kill -9 of the writer. */
function rowsOnDisk(path: string): { reviews: number; responses: number } {
  const reader = new Database(path, { readonly: true });
  try {
    const count = (table: string): number => (reader.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { reviews: count("reviews"), responses: count("responses") };
  } finally {
    reader.close();
  }
}

describe("grouped writes", () => {
  test("reviews and responses saved in one turn are committed together; committed() resolves once they are on disk", async () => {
    const path = join(await temporaryDirectory(), "q.db");
    const store = ReviewStore.open(path);
    const run = store.createRun(runMeta);
    const [stored] = store.tools.register(run.id, [{ tool, identity: "name:claw code", contentHash: "c1" }]);
    for (const persona of ["skeptic", "futurist", "pragmatist"]) {
      store.responses.putResponse(`hash-${persona}`, "openai:m", { text: "{}", usage: review(persona).usage, finishReason: { normalized: "stop", raw: "stop" }, responseModel: "m-1" });
      store.saveReview(run.id, stored!.toolId, review(persona), { sample: 0, source: "call" });
    }
    // Queued, not yet committed: a kill -9 now would lose them, like calls in flight.
    expect(rowsOnDisk(path)).toEqual({ reviews: 0, responses: 0 });
    await store.committed();
    expect(rowsOnDisk(path)).toEqual({ reviews: 3, responses: 3 });
    store.close();
  });

  test("any read commits the queue first, so it sees every write made before it", async () => {
    const store = ReviewStore.open(join(await temporaryDirectory(), "r.db"));
    const run = store.createRun(runMeta);
    const [stored] = store.tools.register(run.id, [{ tool, identity: "name:claw code", contentHash: "c1" }]);
    store.responses.putResponse("h1", "openai:m", { text: "answer", usage: review("skeptic").usage, finishReason: { normalized: "stop", raw: "stop" }, responseModel: "m-1" });
    expect(store.responses.getResponse("h1")?.text).toBe("answer");
    store.saveReview(run.id, stored!.toolId, review("skeptic"), { sample: 0, source: "call" });
    expect(store.counts(run.id)).toEqual({ reviews: 1, failures: 0 });
    store.close();
  });

  test("close() commits what is still queued", async () => {
    const path = join(await temporaryDirectory(), "c.db");
    const store = ReviewStore.open(path);
    const run = store.createRun(runMeta);
    const [stored] = store.tools.register(run.id, [{ tool, identity: "name:claw code", contentHash: "c1" }]);
    store.saveReview(run.id, stored!.toolId, review("skeptic"), { sample: 0, source: "call" });
    store.saveReview(run.id, stored!.toolId, review("futurist"), { sample: 0, source: "call" });
    store.close();
    expect(rowsOnDisk(path).reviews).toBe(2);
  });

  test("a group whose transaction fails is rolled back whole and committed() rejects; later writes go on", async () => {
    const db = new Database(":memory:");
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
    const queue = new WriteQueue(db);
    const insert = db.prepare("INSERT INTO t (id) VALUES (?)");
    queue.add(() => insert.run(1));
    queue.add(() => insert.run(1));
    await expect(queue.committed()).rejects.toThrow(/UNIQUE constraint failed/);
    expect(db.prepare("SELECT COUNT(*) AS n FROM t").get()).toEqual({ n: 0 });
    queue.add(() => insert.run(2));
    await queue.committed();
    expect(db.prepare("SELECT id FROM t").all()).toEqual([{ id: 2 }]);
    db.close();
  });
});
