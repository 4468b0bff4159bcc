import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { FLAG_NAMES } from "../../src/cli/parse-command-line.js";
import { resolveConfig } from "../../src/config/resolve-config.js";
import { AfterCommit } from "../../src/engine/after-commit.js";
import type { RunOutputs } from "../../src/engine/run-outputs.js";
import { runReviews } from "../../src/engine/run-reviews.js";
import { ReviewStore, type StoredTool } from "../../src/store/review-store.js";
import { useBuiltInPersonas, useFakeLlmServers } from "../support/panel-fixtures.js";
import { temporaryDirectory } from "../support/run-cli.js";
import { identifyCall, scriptedVerdict } from "../support/scripted-panel.js";

const personas = useBuiltInPersonas();
const servers = useFakeLlmServers();
const TOOLS = ["fixtures/tools/claw-code.md", "fixtures/tools/smolvlm2-turbo.md"];
const turn = (): Promise<void> => new Promise((done) => setImmediate(done));

describe("AfterCommit", () => {
  test("runs its tasks on a later turn, in the order they were added", async () => {
    const queue = new AfterCommit();
    const ran: string[] = [];
    queue.add(() => ran.push("a"));
    queue.add(() => ran.push("b"));
    expect(ran).toEqual([]);
    await turn();
    expect(ran).toEqual(["a", "b"]);
    queue.add(() => ran.push("c"));
    queue.drain();
    expect(ran).toEqual(["a", "b", "c"]);
  });

  test("a failed task is kept for check and drain; the tasks after it still run", async () => {
    const queue = new AfterCommit();
    const ran: string[] = [];
    queue.add(() => {
      throw new Error("ENOSPC: no space left on device, write 'out/tools/claw-code.json'");
    });
    queue.add(() => ran.push("next page"));
    expect(() => queue.check()).not.toThrow();
    await turn();
    expect(ran).toEqual(["next page"]);
    expect(() => queue.check()).toThrow(/ENOSPC.*claw-code\.json/);
    queue.add(() => ran.push("last line"));
    expect(() => queue.drain()).toThrow(/ENOSPC/);
    expect(ran).toEqual(["next page", "last line"]);
  });
});

/** Two tools, one call at a time, every review a ship; `outputs` sees what the engine feeds it. */
async function twoToolRun(outputs: Partial<RunOutputs>) {
  const server = await servers.start({ handler: (call) => scriptedVerdict(identifyCall(call, personas).tool, identifyCall(call, personas).persona, "ship") });
  const dir = await temporaryDirectory();
  const { config, credentials } = resolveConfig({
    flags: { models: ["openai:gpt-4.1-mini"], store: join(dir, "p.db"), concurrency: "1" },
    flagNames: FLAG_NAMES,
    dotenv: {},
    environment: { OPENAI_API_KEY: "sk-test-after-commit", OPENAI_BASE_URL: server.openaiBaseUrl },
  });
  const store = ReviewStore.open(config.store);
  const run = runReviews({
    command: "batch",
    inputs: TOOLS,
    config,
    credentials,
    store,
    outputs: { check() {}, async begin() {}, async finish() { return []; }, ...outputs },
  });
  return { server, store, run };
}

describe("a tool's files follow its last commit without holding the slot", () => {
  test("the next tool's first request reaches the server before the finished tool's page is written", async () => {
    const done: { tool: string; callsSoFar: number }[] = [];
    let server: Awaited<ReturnType<typeof twoToolRun>>["server"] | undefined;
    const started = await twoToolRun({
      toolDone(entry: StoredTool) {
        done.push({ tool: entry.tool.name, callsSoFar: server!.calls.length });
      },
    });
    server = started.server;
    const result = await started.run;
    started.store.close();
    expect(result.reviewed).toBe(8);
    // Claw Code's four calls, and already the first of SmolVLM2 Turbo's.
    expect(done).toEqual([
      { tool: "Claw Code", callsSoFar: 5 },
      { tool: "SmolVLM2 Turbo", callsSoFar: 8 },
    ]);
  });

  test("a page that cannot be written stops the run once the answer in flight is stored, and is the run's error", async () => {
    const { server, store, run } = await twoToolRun({
      toolDone(entry: StoredTool) {
        throw new Error(`ENOSPC: no space left on device, open 'out/tools/${entry.identity}.json'`);
      },
    });
    await expect(run).rejects.toThrow(/ENOSPC/);
    // Claw Code's four, and the call that was in flight when its page failed: paid, so stored.
    expect(server.calls).toHaveLength(5);
    const runId = store.listRunsWithCounts({})[0]!.id;
    expect(store.runOutcomes(runId).map((outcome) => outcome.ok)).toEqual([true, true, true, true, true]);
    store.close();
  });
});
