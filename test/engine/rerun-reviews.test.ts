import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { FLAG_NAMES } from "../../src/cli/parse-command-line.js";
import { resolveConfig } from "../../src/config/resolve-config.js";
import { rerunReviews, type RerunReviewsOptions } from "../../src/engine/rerun-reviews.js";
import { buildRunReport } from "../../src/engine/run-report.js";
import { ConfigError } from "../../src/errors/config-error.js";
import { ReviewStore } from "../../src/store/review-store.js";
import type { FakeCall, FakeReply } from "../support/fake-llm-server.js";
import { useBuiltInPersonas, useFakeLlmServers } from "../support/panel-fixtures.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";
import { identifyCall, isModeratorCall, scriptedVerdict } from "../support/scripted-panel.js";

const personas = useBuiltInPersonas();
const servers = useFakeLlmServers();
const MODEL = "openai:gpt-4.1-mini";
const OTHER = "openai:gpt-4.1";
const KEY = "sk-test-rerun-engine-0123456789";

/**
 * A compare of Claw Code and SmolVLM2 Turbo in a real store, where the skeptic skips Claw Code
 * the first time and ships it when asked again by any model; `fail` scripts calls that fail.
 */
async function comparedRun(fail: (call: FakeCall, tool: string, persona: string) => FakeReply | undefined = () => undefined) {
  let phase = "first";
  const server = await servers.start({
    handler: (call) => {
      if (isModeratorCall(call)) return { kind: "json", value: { summary: `Summary ${phase} by ${call.model}.` } };
      const { tool, persona } = identifyCall(call, personas);
      const failed = phase === "rerun" ? fail(call, tool, persona) : undefined;
      if (failed) return failed;
      const reply = scriptedVerdict(tool, persona, phase === "first" && tool === "Claw Code" && persona === "skeptic" ? "skip" : "ship");
      if (phase === "rerun" && reply.kind === "json") (reply.value as Record<string, unknown>).quote = `${persona} again, by ${call.model}, on ${tool}.`;
      return reply;
    },
  });
  const dir = await temporaryDirectory("panelist-rerun-");
  const storeFile = join(dir, "p.db");
  const env = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.openaiBaseUrl };
  const made = await runCli(["compare", "fixtures/tools/claw-code.md", "fixtures/tools/smolvlm2-turbo.md", "--model", MODEL, "--store", storeFile, "--out", join(dir, "out")], env);
  expect(made.code).toBe(0);
  const runId = /Run (\S+) \(store/.exec(made.stdout)![1]!;
  const { config, credentials } = resolveConfig({ flags: { models: [MODEL, OTHER], store: storeFile }, flagNames: FLAG_NAMES, dotenv: {}, environment: env });
  const store = ReviewStore.open(storeFile);
  const firstCalls = server.calls.length;
  return {
    server,
    store,
    runId,
    firstCalls,
    rerun: (options: Partial<RerunReviewsOptions>) => {
      phase = "rerun";
      return rerunReviews({ store, runId, config, credentials, editor: "ada", ...options });
    },
    close: () => store.close(),
  };
}

function clawOf(store: ReviewStore, runId: string) {
  return buildRunReport(store, runId)!.report.tools.find((tool) => tool.name === "Claw Code")!;
}

describe("rerunReviews", () => {
  test("one persona of one tool with another model: a new review supersedes the old, the panel and the pick follow", async () => {
    const run = await comparedRun();
    try {
      expect(run.firstCalls).toBe(9);
      const before = clawOf(run.store, run.runId);
      expect(before.panel.split).toBe("3–1");
      const oldSkeptic = before.reviews.find((review) => review.persona === "skeptic")!;
      expect(oldSkeptic).toMatchObject({ verdict: "skip", model: MODEL });

      const progress: number[] = [];
      const result = await run.rerun({ tool: "claw code", persona: "skeptic", model: OTHER, onProgress: (step) => progress.push(step.done) });
      expect(result).toMatchObject({ planned: 1, reviewed: 1, failed: 0, notStarted: 0, interrupted: false, summarized: true });
      expect(result.replaced).toEqual([{ oldId: oldSkeptic.id, newId: expect.any(Number) }]);
      expect(progress).toEqual([0, 1]);
      // One review call and the editor summary asked again, by the run's own model.
      const calls = run.server.calls.slice(run.firstCalls);
      expect(calls.map((call) => call.model)).toEqual(["gpt-4.1", "gpt-4.1-mini"]);
      expect(isModeratorCall(calls[1]!)).toBe(true);

      const after = clawOf(run.store, run.runId);
      expect(after.panel.split).toBe("4–0");
      expect(after.panel.shipPct).toBe(100);
      const skeptic = after.reviews.filter((review) => review.persona === "skeptic");
      expect(skeptic).toHaveLength(1);
      expect(skeptic[0]).toMatchObject({ id: result.replaced[0]!.newId, verdict: "ship", model: OTHER, quote: "skeptic again, by gpt-4.1, on Claw Code." });
      const report = buildRunReport(run.store, run.runId)!.report;
      expect(report.summary).toBe("Summary rerun by gpt-4.1-mini.");
      // The old answer is kept, as history of the new one.
      expect(run.store.findReview(oldSkeptic.id!)).toMatchObject({ superseded: true, persona: "skeptic", model: MODEL });
      expect(run.store.reviewLineage(result.replaced[0]!.newId).map((review) => [review.verdict, review.model])).toEqual([["skip", MODEL]]);
      expect(run.store.reruns.forRun(run.runId)).toMatchObject([{ persona: "skeptic", model: OTHER, editor: "ada", status: "finished", failures: [] }]);
    } finally {
      run.close();
    }
  });

  test("a whole tool with its own model: every persona asked again, old reviews superseded one for one", async () => {
    const run = await comparedRun();
    try {
      const before = clawOf(run.store, run.runId).reviews.map((review) => review.id);
      const result = await run.rerun({ tool: "Claw Code" });
      expect(result).toMatchObject({ planned: 4, reviewed: 4, failed: 0 });
      expect(result.replaced.map((entry) => entry.oldId).sort()).toEqual([...before].sort());
      const after = clawOf(run.store, run.runId);
      expect(after.reviews.map((review) => review.quote)).toEqual(["developer-experience", "skeptic", "futurist", "business"].map((persona) => `${persona} again, by gpt-4.1-mini, on Claw Code.`));
      expect(after.reviews.every((review) => review.model === MODEL)).toBe(true);
      // SmolVLM2 Turbo was not asked.
      expect(run.server.calls.slice(run.firstCalls).filter((call) => !isModeratorCall(call)).map((call) => identifyCall(call, personas).tool)).toEqual(Array(4).fill("Claw Code"));
    } finally {
      run.close();
    }
  });

  test("a review that fails leaves the old one current and is in the re-run's log", async () => {
    const run = await comparedRun((_call, _tool, persona) => (persona === "skeptic" ? { kind: "error", status: 400, message: "bad request for the skeptic" } : undefined));
    try {
      const oldSkeptic = clawOf(run.store, run.runId).reviews.find((review) => review.persona === "skeptic")!;
      const result = await run.rerun({ tool: "Claw Code", model: OTHER });
      expect(result).toMatchObject({ planned: 4, reviewed: 3, failed: 1 });
      expect(result.failures).toEqual([{ tool: "Claw Code", persona: "skeptic", model: OTHER, error: expect.stringContaining("bad request for the skeptic") }]);
      const after = clawOf(run.store, run.runId);
      expect(after.reviews.find((review) => review.persona === "skeptic")).toMatchObject({ id: oldSkeptic.id, verdict: "skip", model: MODEL });
      expect(after.reviews.filter((review) => review.persona !== "skeptic").every((review) => review.model === OTHER)).toBe(true);
      expect(after.panel.split).toBe("3–1");
      const [logged] = run.store.reruns.forRun(run.runId);
      expect(logged).toMatchObject({ status: "finished", failures: [{ persona: "skeptic", model: OTHER, kind: expect.any(String) }] });
      expect(JSON.stringify(logged)).not.toContain(KEY);
    } finally {
      run.close();
    }
  });

  test("a bad run, tool, persona or model is a ConfigError naming the setting, before any call", async () => {
    const run = await comparedRun();
    try {
      for (const [options, setting, message] of [
        [{ runId: "nope" }, "run", /no run "nope"/],
        [{ tool: "Nothing" }, "--tool", /has no tool "Nothing"; its tools: Claw Code, SmolVLM2 Turbo/],
        [{ persona: "poet" }, "--persona", /has no persona "poet"; its panel: developer-experience, skeptic, futurist, business/],
        [{ model: "nowhere:model" }, undefined, /nowhere/],
      ] as const) {
        const error = await run.rerun(options as Partial<RerunReviewsOptions>).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ConfigError);
        if (setting) expect((error as ConfigError).setting).toBe(setting);
        expect((error as Error).message).toMatch(message);
      }
      expect(run.server.calls).toHaveLength(run.firstCalls);
      expect(run.store.reruns.forRun(run.runId)).toEqual([]);
    } finally {
      run.close();
    }
  });
});
