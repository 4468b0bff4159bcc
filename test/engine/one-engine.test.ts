import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { reportSchema, type Report } from "../../src/report/report-schema.js";
import { ReviewStore } from "../../src/store/review-store.js";
import { useBuiltInPersonas, useFakeLlmServers } from "../support/panel-fixtures.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";
import { identifyCall, isModeratorCall, panelHandler, scriptedVerdict } from "../support/scripted-panel.js";

const personas = useBuiltInPersonas();
const servers = useFakeLlmServers();
const CLAW = "fixtures/tools/claw-code.md";
const SMOL = "fixtures/tools/smolvlm2-turbo.md";
const SCRIPT = { "Claw Code": { skeptic: "skip" as const } };

async function readReport(out: string): Promise<Report> {
  return reportSchema.parse(JSON.parse(await readFile(join(out, "report.json"), "utf8")));
}

/** What a reader of the page relies on: names, panels, verdicts and quotes, the pick, the summary. */
function facts(report: Report) {
  return {
    tools: report.tools.map((tool) => ({ name: tool.name, panel: tool.panel, reviews: tool.reviews.map((review) => `${review.persona}:${review.verdict}:${review.quote}`) })),
    pick: report.pick,
    summary: report.summary,
  };
}

async function launches(dir: string, count: number): Promise<string> {
  const input = join(dir, "launches.jsonl");
  const lines = (await readFile("fixtures/launches.jsonl", "utf8")).trim().split("\n").slice(0, count);
  await writeFile(input, `${lines.join("\n")}\n`);
  return input;
}

describe("compare keeps what it paid for", () => {
  test("an --out that is a file, or lies under one, exits 2 with one line before any call", async () => {
    const server = await servers.start({ handler: panelHandler(SCRIPT, personas) });
    const env = { OPENAI_API_KEY: "sk-test-out", OPENAI_BASE_URL: server.openaiBaseUrl };
    const dir = await temporaryDirectory();
    const file = join(dir, "report.md");
    await writeFile(file, "an editor's draft\n");
    for (const [out, message] of [
      [file, `panelist: --out: ${file} is a file, not a folder\n`],
      [join(file, "reports"), `panelist: --out: ${join(file, "reports")} cannot be created: ${file} is a file\n`],
    ] as const) {
      const run = await runCli(["compare", CLAW, SMOL, "--model", "openai:gpt-4.1-mini", "--out", out, "--store", join(dir, "p.db")], env);
      expect(run).toMatchObject({ code: 2, stderr: message });
    }
    const store = await runCli(["compare", CLAW, SMOL, "--model", "openai:gpt-4.1-mini", "--out", join(dir, "out"), "--store", dir], env);
    expect(store).toMatchObject({ code: 2, stderr: `panelist: --store: ${dir} is a folder, not a store file\n` });
    expect(server.calls).toHaveLength(0);
    expect(await readFile(file, "utf8")).toBe("an editor's draft\n");
  });

  test("re-running the same compare makes no calls and gives the same report; --no-cache asks again", async () => {
    const server = await servers.start({ handler: panelHandler(SCRIPT, personas) });
    const env = { OPENAI_API_KEY: "sk-test-rerun", OPENAI_BASE_URL: server.openaiBaseUrl };
    const dir = await temporaryDirectory();
    const args = (out: string) => ["compare", CLAW, SMOL, "--model", "openai:gpt-4.1-mini", "--out", join(dir, out), "--store", join(dir, "p.db")];
    const first = await runCli(args("one"), env);
    expect(first.code).toBe(0);
    expect(server.calls).toHaveLength(9);
    const firstReport = await readReport(join(dir, "one"));
    expect(firstReport.usage.calls).toBe(9);
    expect(firstReport.costUsd).toBeGreaterThan(0);

    const second = await runCli(args("two"), env);
    expect(second.code).toBe(0);
    expect(server.calls).toHaveLength(9);
    const secondReport = await readReport(join(dir, "two"));
    expect(facts(secondReport)).toEqual(facts(firstReport));
    expect(facts(secondReport).pick?.name).toBe("SmolVLM2 Turbo");
    expect(secondReport.tools[0]!.panel.split).toBe("3–1");
    expect(secondReport.usage.calls).toBe(0);
    expect(secondReport.costUsd).toBe(0);
    expect(secondReport.tools.flatMap((tool) => tool.reviews).every((review) => review.source === "cache" && review.fromCache)).toBe(true);

    const forced = await runCli([...args("three"), "--no-cache"], env);
    expect(forced.code).toBe(0);
    expect(server.calls).toHaveLength(18);
    expect(facts(await readReport(join(dir, "three")))).toEqual(facts(firstReport));
  });

  test("a cut-off answer is recorded as that failure but never served again: the next run asks for it", async () => {
    let cutOff = true;
    const server = await servers.start({
      handler: (call) => {
        if (isModeratorCall(call)) return { kind: "json", value: { summary: "Summary." } };
        const { tool, persona } = identifyCall(call, personas);
        if (cutOff && tool === "Claw Code" && persona === "skeptic") return { kind: "text", text: '{"verdict": "skip", "confidence": 0.7, "quote": "It cuts', finishReason: "length" };
        return scriptedVerdict(tool, persona, "ship");
      },
    });
    const env = { OPENAI_API_KEY: "sk-test-cut", OPENAI_BASE_URL: server.openaiBaseUrl };
    const dir = await temporaryDirectory();
    const args = ["review", CLAW, SMOL, "--model", "openai:gpt-4.1-mini", "--out", join(dir, "out"), "--store", join(dir, "p.db")];
    const first = await runCli(args, env);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("failed: Claw Code / skeptic / openai:gpt-4.1-mini: the answer was cut off at the 1024-token limit");
    // The first ask and its one re-ask, both cut off.
    const skepticCalls = () => server.calls.filter((call) => identifyCall(call, personas).tool === "Claw Code" && identifyCall(call, personas).persona === "skeptic").length;
    expect(skepticCalls()).toBe(2);
    expect(server.calls).toHaveLength(9);
    const firstReport = await readReport(join(dir, "out"));
    expect(firstReport.tools[0]!.failures).toMatchObject([{ persona: "skeptic", kind: "truncated" }]);

    cutOff = false;
    const second = await runCli(args, env);
    expect(second.code).toBe(0);
    // Only the failed review is asked for again; the seven usable answers come from the store.
    expect(skepticCalls()).toBe(3);
    expect(server.calls).toHaveLength(10);
    const secondReport = await readReport(join(dir, "out"));
    expect(secondReport.tools[0]!.failures).toEqual([]);
    expect(secondReport.tools[0]!.reviews.find((review) => review.persona === "skeptic")).toMatchObject({ verdict: "ship", source: "call" });
  });

  test("--swap: usage and cost count every call the server saw, the swapped pass included", async () => {
    const server = await servers.start({ handler: panelHandler(SCRIPT, personas) });
    const env = { OPENAI_API_KEY: "sk-test-swap", OPENAI_BASE_URL: server.openaiBaseUrl };
    const out = await temporaryDirectory();
    const run = await runCli(["compare", CLAW, SMOL, "--swap", "--model", "openai:gpt-4.1-mini", "--out", out, "--store", join(out, "p.db")], env);
    expect(run.code).toBe(0);
    const report = await readReport(out);
    // 8 reviews in the given order, 8 with the tools swapped, and the editor summary.
    expect(server.calls).toHaveLength(17);
    expect(report.usage.calls).toBe(server.calls.length);
    const billed = server.calls.reduce((sum, call) => sum + call.promptCache!.promptTokens, 0);
    expect(report.usage.inputTokens).toBe(billed);
    expect(report.swap).toEqual({ pick: "SmolVLM2 Turbo", positionDependent: false });
    // The page shows the given order's reviews only: one per persona and tool.
    expect(report.tools.map((tool) => tool.reviews.length)).toEqual([4, 4]);
    const perReview = report.tools.flatMap((tool) => tool.reviews).reduce((sum, review) => sum + (review.costUsd ?? 0), 0);
    // The swapped pass reads its prompts from the provider's cache, so it costs less than the first.
    expect(report.costUsd!).toBeGreaterThan(perReview * 1.5);
  });

  test("a compare of three tools opens each tool's panel with one lead call: each dossier is written to Anthropic's cache once", async () => {
    const server = await servers.start({ handler: panelHandler({}, personas), latencyMs: 40 });
    const env = { ANTHROPIC_API_KEY: "sk-ant-test-compare-lead", ANTHROPIC_BASE_URL: server.anthropicBaseUrl };
    const out = await temporaryDirectory();
    const run = await runCli(["compare", CLAW, SMOL, "fixtures/tools/forge-cli.md", "--model", "anthropic:claude-sonnet-5", "--out", out, "--store", join(out, "p.db"), "--no-summary"], env);
    expect(run.code).toBe(0);
    expect(server.calls).toHaveLength(12);
    const writes = new Map<string, number>();
    for (const call of server.calls) {
      const { tool } = identifyCall(call, personas);
      if (call.promptCache!.cacheWriteTokens > 0) writes.set(tool, (writes.get(tool) ?? 0) + 1);
    }
    expect(Object.fromEntries(writes)).toEqual({ "Claw Code": 1, "SmolVLM2 Turbo": 1, "Forge CLI": 1 });
  });
});

describe("Ctrl-C in a comparison", () => {
  test("the calls in flight finish and are kept, the page says what is missing (exit 130); the same command finishes it", async () => {
    const listeners: (() => void)[] = [];
    const server = await servers.start({
      handler: (call) => {
        // Ctrl-C once the third call has arrived.
        if (server.calls.length === 3) listeners.forEach((listener) => listener());
        return panelHandler(SCRIPT, personas)(call);
      },
      latencyMs: 20,
    });
    const env = { OPENAI_API_KEY: "sk-test-ctrl-c", OPENAI_BASE_URL: server.openaiBaseUrl };
    const dir = await temporaryDirectory();
    const argv = ["compare", CLAW, SMOL, "--model", "openai:gpt-4.1-mini", "--concurrency", "2", "--out", join(dir, "out"), "--store", join(dir, "p.db")];
    let stderr = "";
    const { main } = await import("../../src/cli/main.js");
    const code = await main(argv, {
      stdout: () => {},
      stderr: (text) => void (stderr += text),
      env,
      cwd: dir,
      onInterrupt: (listener) => {
        listeners.push(listener);
        return () => listeners.splice(listeners.indexOf(listener), 1);
      },
    });
    expect(code).toBe(130);
    expect(stderr).toContain("Stopping: no new calls start");
    expect(stderr).toContain("Run the same command again to finish it");
    const asked = server.calls.length;
    expect(asked).toBeGreaterThanOrEqual(3);
    expect(asked).toBeLessThan(8);
    const partial = await readReport(join(dir, "out"));
    const reviewed = partial.tools.reduce((sum, tool) => sum + tool.reviews.length, 0);
    // Every call that started came back and is on the page; the rest are listed as not started.
    expect(reviewed).toBe(asked);
    expect(partial.notStarted).toBe(8 - asked);
    expect(partial.tools.flatMap((tool) => tool.failures).every((failure) => failure.kind === "stopped")).toBe(true);
    expect(partial.summary).toBeUndefined();

    const finished = await runCli(argv, env);
    expect(finished.code).toBe(0);
    expect(finished.stdout).toContain(", resumed)");
    // Only the missing reviews and the editor summary were asked for.
    expect(server.calls.length).toBe(asked + (8 - asked) + 1);
    expect(facts(await readReport(join(dir, "out"))).pick?.name).toBe("SmolVLM2 Turbo");
  });
});

describe("batch on the same engine", () => {
  test("--max-cost reaches about the same spend at concurrency 8 as at 1: a call that does not fit waits for those in flight", async () => {
    const dir = await temporaryDirectory();
    const input = await launches(dir, 30);
    const spend = async (concurrency: number): Promise<{ cost: number; reviews: number }> => {
      const server = await servers.start({ handler: panelHandler({}, personas), latencyMs: 10 });
      const env = { OPENAI_API_KEY: "sk-test-cap", OPENAI_BASE_URL: server.openaiBaseUrl };
      const store = join(dir, `c${concurrency}.db`);
      const run = await runCli(["batch", input, "--model", "openai:gpt-4.1-mini", "--max-cost", "0.02", "--concurrency", String(concurrency), "--store", store, "--out", join(dir, `out${concurrency}`), "--format", "json"], env);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/not started [1-9]\d*/);
      const opened = ReviewStore.open(store);
      const [listing] = opened.listRunsWithCounts();
      opened.close();
      expect(listing!.costUsd!).toBeLessThanOrEqual(0.02);
      return { cost: listing!.costUsd!, reviews: listing!.reviews };
    };
    const one = await spend(1);
    const eight = await spend(8);
    expect(one.reviews).toBeGreaterThan(20);
    expect(eight.cost).toBeGreaterThanOrEqual(one.cost * 0.9);
    // Lead calls pay for their dossier, so the same spend buys a few reviews fewer at 8 than at 1.
    expect(eight.reviews).toBeGreaterThanOrEqual(Math.floor(one.reviews * 0.75));
  }, 30_000);

  test("--samples 3 and --assign: every sample stored under its own key; stats --store sees across-sample agreement", async () => {
    const dir = await temporaryDirectory();
    const input = await launches(dir, 3);
    const server = await servers.start({ handler: panelHandler({}, personas) });
    const env = { OPENAI_API_KEY: "sk-test-samples", OPENAI_BASE_URL: server.openaiBaseUrl };
    const store = join(dir, "p.db");
    const run = await runCli(
      ["batch", input, "--model", "openai:gpt-4.1-mini", "--assign", "skeptic=openai:gpt-4.1-nano", "--samples", "3", "--seed", "7", "--store", store, "--out", join(dir, "out")],
      env,
    );
    expect(run.code).toBe(0);
    // 3 tools × 4 personas × 3 samples, the skeptic on its assigned model.
    expect(server.calls).toHaveLength(36);
    expect(server.calls.filter((call) => call.model === "gpt-4.1-nano")).toHaveLength(9);
    expect(new Set(server.calls.map((call) => call.body.seed))).toEqual(new Set([7, 8, 9]));
    const opened = ReviewStore.open(store);
    const [listing] = opened.listRunsWithCounts();
    const rows = [...opened.exportRows(listing!.id)];
    opened.close();
    expect(rows).toHaveLength(36);
    expect(rows.filter((row) => row.persona === "skeptic").every((row) => row.model === "openai:gpt-4.1-nano")).toBe(true);
    expect(new Set(rows.map((row) => row.sample))).toEqual(new Set([0, 1, 2]));
    const stats = await runCli(["stats", "--store", store, "--out", dir]);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toContain("× 3 samples");
    const written = JSON.parse(await readFile(join(dir, "stats.json"), "utf8"));
    expect(written.samples).toBe(3);
    // Every scripted answer is the same for every sample: perfect agreement across samples, over
    // every (tool, persona) pair.
    expect(written.acrossSamples).toMatchObject({ subjects: 12, ac1: 1 });
  });

  test("--since-last notices an edited persona file: that tool's panel is reviewed again", async () => {
    const dir = await temporaryDirectory();
    const personasDir = join(dir, "personas");
    await mkdir(personasDir);
    await cp("personas/skeptic.md", join(personasDir, "skeptic.md"));
    const server = await servers.start({ handler: panelHandler({}, personas) });
    const env = { OPENAI_API_KEY: "sk-test-since", OPENAI_BASE_URL: server.openaiBaseUrl };
    const args = ["batch", CLAW, "--since-last", "--personas-dir", personasDir, "--model", "openai:gpt-4.1-mini", "--store", join(dir, "p.db"), "--out", join(dir, "out")];
    expect((await runCli(args, env)).code).toBe(0);
    expect(server.calls).toHaveLength(1);
    const again = await runCli(args, env);
    expect(again.stdout).toContain("skipped 1 already reviewed");
    expect(server.calls).toHaveLength(1);
    const persona = await readFile(join(personasDir, "skeptic.md"), "utf8");
    await writeFile(join(personasDir, "skeptic.md"), persona.replace(/\n*$/, "\n\nAsk who maintains it when the founders leave.\n"));
    const edited = await runCli(args, env);
    expect(edited.code).toBe(0);
    expect(edited.stdout).toContain("skipped 0 already reviewed");
    expect(server.calls).toHaveLength(2);
  });
});

describe("every run in the store: panelist runs and panelist report", () => {
  test("runs lists review, compare and batch runs; report renders each again from the store with no calls", async () => {
    const dir = await temporaryDirectory();
    const store = join(dir, "team.db");
    const server = await servers.start({ handler: panelHandler(SCRIPT, personas) });
    const env = { OPENAI_API_KEY: "sk-test-runs", OPENAI_BASE_URL: server.openaiBaseUrl, PANELIST_STORE: store };
    expect((await runCli(["review", CLAW, "--model", "openai:gpt-4.1-mini", "--out", join(dir, "review")], env)).code).toBe(0);
    expect((await runCli(["compare", CLAW, SMOL, "--model", "openai:gpt-4.1-mini", "--out", join(dir, "compare"), "--format", "md,json,html"], env)).code).toBe(0);
    expect((await runCli(["batch", await launches(dir, 2), "--model", "openai:gpt-4.1-mini", "--out", join(dir, "batch")], env)).code).toBe(0);
    const calls = server.calls.length;

    const listed = await runCli(["runs", "--json"], env);
    expect(listed.code).toBe(0);
    const runs = listed.stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(runs.map((run) => run.command)).toEqual(["batch", "compare", "review"]);
    expect(runs.map((run) => [run.tools, run.reviews, run.failures, run.status])).toEqual([[2, 8, 0, "finished"], [2, 8, 0, "finished"], [1, 4, 0, "finished"]]);
    expect(runs[1].costUsd).toBeGreaterThan(0);
    const table = await runCli(["runs", "--tool", "smol"], env);
    expect(table.stdout.split("\n")[0]).toMatch(/^run\s+command\s+started \(UTC\)\s+state\s+tools\s+models\s+reviews\s+cost$/);
    expect(table.stdout).toContain(runs[1].id);
    expect(table.stdout).not.toContain(runs[0].id);

    const original = await readReport(join(dir, "compare"));
    const again = await runCli(["report", runs[1].id, "--out", join(dir, "again"), "--format", "json,html"], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Rendered run ${runs[1].id} (compare, finished)`);
    const rerendered = await readReport(join(dir, "again"));
    expect({ ...rerendered, generatedAt: "" }).toEqual({ ...original, generatedAt: "" });
    expect(await readFile(join(dir, "again", "report.html"), "utf8")).toContain("SmolVLM2 Turbo");

    const batchAgain = await runCli(["report", runs[0].id, "--out", join(dir, "batch-again")], env);
    expect(batchAgain.code).toBe(0);
    const index = JSON.parse(await readFile(join(dir, "batch-again", "index.json"), "utf8"));
    expect(index.tools).toHaveLength(2);
    expect(index.runId).toBe(runs[0].id);
    expect((await readFile(join(dir, "batch-again", "results.jsonl"), "utf8")).trim().split("\n")).toHaveLength(8);

    const review = await runCli(["report", runs[2].id, "--out", join(dir, "review-again")], env);
    expect(review.code).toBe(0);
    expect((await readReport(join(dir, "review-again"))).tools.map((tool) => tool.panel.split)).toEqual(["3–1"]);
    expect(server.calls).toHaveLength(calls);

    const missing = await runCli(["report", "20990101000000-abcdef"], env);
    expect(missing).toMatchObject({ code: 2, stderr: `panelist: report: no run "20990101000000-abcdef" in ${store}; 'panelist runs' lists them\n` });
  });
});
