import { readFile, writeFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { indexReportSchema } from "../../src/batch/index-report.js";
import { reportSchema } from "../../src/report/report-schema.js";
import { ReviewStore } from "../../src/store/review-store.js";
import type { FakeLlmServer } from "../support/fake-llm-server.js";
import { useBuiltInPersonas, useFakeLlmServers } from "../support/panel-fixtures.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";
import { identifyCall, scriptedVerdict } from "../support/scripted-panel.js";

const personas = useBuiltInPersonas();
const servers = useFakeLlmServers();
let server: FakeLlmServer | undefined;

/** Tools whose name starts with a letter before "M" get a skeptic skip, so ship % varies. */
async function startServer() {
  server = await servers.start({
    handler: (call) => {
      const { tool, persona } = identifyCall(call, personas);
      return scriptedVerdict(tool, persona, persona === "skeptic" && /^[A-Ma-m]/.test(tool) ? "skip" : "ship");
    },
  });
  return { OPENAI_API_KEY: "sk-test-batch", OPENAI_BASE_URL: server.openaiBaseUrl };
}

const lines = async (path: string) => (await readFile(path, "utf8")).trim().split("\n").filter(Boolean).map((line) => JSON.parse(line));

describe("panelist batch", () => {
  test("nightly-style run of the 130 real launches: per-tool reports, index, results.jsonl; a second --since-last run skips everything", async () => {
    const env = await startServer();
    const dir = await temporaryDirectory();
    const store = join(dir, "panelist.db");
    const out = join(dir, "reports");
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on("warning", onWarning);
    const { main } = await import("../../src/cli/main.js");
    let stdout = "";
    let stderr = "";
    const code = await main(["batch", "fixtures/launches.jsonl", "--model", "openai:gpt-4.1-mini", "--store", store, "--out", out, "--since-last", "--concurrency", "16"], {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
      env,
      cwd: dir,
      // A Ctrl-C handler gives the run an abort signal that every call in flight listens on.
      onInterrupt: () => () => undefined,
    });
    process.off("warning", onWarning);
    expect(warnings).not.toContain("MaxListenersExceededWarning");
    const first = { code, stdout, stderr };
    expect(first.stderr).toContain("warning: votes: unknown key ignored in 130 records");
    expect(first.code).toBe(0);
    expect(server!.calls).toHaveLength(130 * 4);
    expect(first.stdout).toMatch(/: 130 tools · reviewed 520 \(0 from cache\) · failed 0 · not started 0 · skipped 0 already reviewed, 0 bad input · cost \$\d+\.\d{4}/);

    const toolFiles = await readdir(join(out, "tools"));
    expect(toolFiles.filter((file) => file.endsWith(".json"))).toHaveLength(130);
    expect(toolFiles.filter((file) => file.endsWith(".md"))).toHaveLength(130);
    const index = indexReportSchema.parse(JSON.parse(await readFile(join(out, "index.json"), "utf8")));
    expect(index.tools).toHaveLength(130);
    const shipPcts = index.tools.map((tool) => tool.panel.shipPct ?? -1);
    expect(shipPcts).toEqual([...shipPcts].sort((a, b) => b - a));
    expect(new Set(shipPcts)).toEqual(new Set([100, 75]));
    const nimo = index.tools.find((tool) => tool.name === "Nimo")!;
    expect(nimo.panel).toMatchObject({ shipPct: 100, split: "4–0" });
    const nimoReport = reportSchema.parse(JSON.parse(await readFile(join(out, nimo.files.find((file) => file.endsWith(".json"))!), "utf8")));
    expect(nimoReport.tools[0]!.reviews.map((review) => review.persona)).toEqual(["developer-experience", "skeptic", "futurist", "business"]);
    const indexMd = await readFile(join(out, "index.md"), "utf8");
    expect(indexMd).toContain(`| [Nimo](${nimo.files.find((file) => file.endsWith(".md"))}) | 100% | 4–0 |`);

    const results = await lines(join(out, "results.jsonl"));
    expect(results).toHaveLength(520);
    expect(new Set(results.map((row) => `${row.identity}/${row.persona}`)).size).toBe(520);

    const second = await runCli(["batch", "fixtures/launches.jsonl", "--model", "openai:gpt-4.1-mini", "--store", store, "--out", join(dir, "second"), "--since-last"], env);
    expect(second.code).toBe(0);
    expect(server!.calls).toHaveLength(520);
    expect(second.stdout).toMatch(/: 0 tools · reviewed 0 .* skipped 130 already reviewed/);
  }, 60_000);

  test("--since-last reviews a tool again when its description changed", async () => {
    const env = await startServer();
    const dir = await temporaryDirectory();
    const input = join(dir, "tools.jsonl");
    const sample = (await readFile("fixtures/tools/launches-sample.jsonl", "utf8")).trim().split("\n");
    await writeFile(input, `${sample.join("\n")}\n`);
    const args = ["batch", input, "--model", "openai:m", "--store", join(dir, "p.db"), "--out", join(dir, "out"), "--since-last"];
    expect((await runCli(args, env)).code).toBe(0);
    expect(server!.calls).toHaveLength(20);
    const changed = JSON.parse(sample[1]!);
    changed.description += " Now with webhooks.";
    sample[1] = JSON.stringify(changed);
    await writeFile(input, `${sample.join("\n")}\n`);
    const again = await runCli(args, env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/: 1 tools · reviewed 4 .* skipped 4 already reviewed/);
    expect(server!.calls.slice(20).map((call) => identifyCall(call, personas).tool)).toEqual(Array(4).fill(changed.name));
  });

  test("the response cache: the same batch again makes zero HTTP calls and gives the same report", async () => {
    const env = await startServer();
    const dir = await temporaryDirectory();
    const store = join(dir, "p.db");
    const first = await runCli(["batch", "fixtures/tools/launches-sample.jsonl", "--model", "openai:gpt-4.1-mini", "--store", store, "--out", join(dir, "a")], env);
    expect(first.code).toBe(0);
    const calls = server!.calls.length;
    const second = await runCli(["batch", "fixtures/tools/launches-sample.jsonl", "--model", "openai:gpt-4.1-mini", "--store", store, "--out", join(dir, "b"), "--new-run"], env);
    expect(second.code).toBe(0);
    expect(server!.calls.length).toBe(calls);
    expect(second.stdout).toMatch(/reviewed 20 \(20 from cache\) .* cost \$0\.0000/);
    const strip = (index: { generatedAt: string; runId: string }) => ({ ...index, generatedAt: "", runId: "" });
    const a = JSON.parse(await readFile(join(dir, "a", "index.json"), "utf8"));
    const b = JSON.parse(await readFile(join(dir, "b", "index.json"), "utf8"));
    expect(strip(b)).toEqual(strip(a));
    const third = await runCli(["batch", "fixtures/tools/launches-sample.jsonl", "--model", "openai:gpt-4.1-mini", "--store", store, "--out", join(dir, "c"), "--new-run", "--no-cache"], env);
    expect(third.code).toBe(0);
    expect(server!.calls.length).toBe(calls + 20);
  });

  test("feeds, folders and tool files mix as inputs; a bad input is skipped and listed", async () => {
    const env = await startServer();
    const dir = await temporaryDirectory();
    const run = await runCli(["batch", "fixtures/feeds/tools.feed.json", "fixtures/feeds/github-releases-gulp.atom", "fixtures/tools", "fixtures/bad-tools/missing-name.md", "--model", "openai:m", "--store", join(dir, "p.db"), "--out", join(dir, "out"), "--format", "json"], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("warning: skipped: fixtures/bad-tools/missing-name.md:2: name: is required");
    // 2 from the JSON Feed, 10 releases, and the fixtures/tools folder: 5 Markdown, 1 JSON, 5 JSON Lines.
    expect(run.stdout).toMatch(/: 23 tools · reviewed 92 /);
  });

  test("Ctrl-C: calls in flight finish and are stored, exit 130 with the resume command; resuming finishes the run", async () => {
    const env = await startServer();
    const dir = await temporaryDirectory();
    const store = join(dir, "p.db");
    const listeners: (() => void)[] = [];
    let seen = 0;
    server!.setHandler((call) => {
      seen += 1;
      // Interrupt once the tenth call has arrived.
      if (seen === 10) listeners.forEach((listener) => listener());
      const { tool, persona } = identifyCall(call, personas);
      return { ...scriptedVerdict(tool, persona, "ship"), delayMs: 20 };
    });
    let stdout = "";
    let stderr = "";
    const { main } = await import("../../src/cli/main.js");
    const code = await main(["batch", "fixtures/launches.jsonl", "--model", "openai:m", "--store", store, "--out", join(dir, "out"), "--concurrency", "4"], {
      stdout: (text) => void (stdout += text),
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
    const runId = /Interrupted\. Resume with: panelist batch --resume (\S+) --store/.exec(stderr)?.[1];
    expect(runId).toBeDefined();
    const opened = ReviewStore.open(store);
    const stored = opened.counts(runId!).reviews;
    expect(opened.getRun(runId!)?.status).toBe("interrupted");
    opened.close();
    // Every call that was started finished and was stored; nothing else started.
    expect(stored).toBe(server!.calls.length);
    expect(stored).toBeGreaterThanOrEqual(10);
    expect(stored).toBeLessThan(520);

    server!.setHandler((call) => scriptedVerdict(identifyCall(call, personas).tool, identifyCall(call, personas).persona, "ship"));
    const before = server!.calls.length;
    const resumed = await runCli(["batch", "--resume", runId!, "--model", "openai:m", "--store", store, "--out", join(dir, "out")], env);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`Resuming run ${runId}`);
    expect(server!.calls.length - before).toBe(520 - stored);
    expect(await lines(join(dir, "out", "results.jsonl"))).toHaveLength(520);
  }, 30_000);
});

describe("panelist export", () => {
  test("jsonl and csv, one line per review, hostile cells defused", async () => {
    const env = await startServer();
    const dir = await temporaryDirectory();
    const store = join(dir, "p.db");
    await runCli(["batch", "fixtures/tools/claw-code.md", "fixtures/hostile/xss-tool.md", "--model", "openai:m", "--store", store, "--out", join(dir, "out")], env);
    const jsonl = await runCli(["export", "--store", store, "--format", "jsonl"]);
    expect(jsonl.code).toBe(0);
    const rows = jsonl.stdout.trim().split("\n").map((line) => JSON.parse(line));
    expect(rows).toHaveLength(8);
    expect(rows[0]).toMatchObject({ tool: "Claw Code", persona: "business", verdict: "ship", model: "openai:m", sample: 0, source: "call" });
    const csvPath = join(dir, "reviews.csv");
    const csv = await runCli(["export", "--store", store, "--format", "csv", "--output", csvPath]);
    expect(csv.code).toBe(0);
    const text = await readFile(csvPath, "utf8");
    const csvLines = text.trimEnd().split("\r\n");
    expect(csvLines[0]!.startsWith("runId,tool,identity,category,pricing,url,persona,model,sample,verdict,confidence,quote")).toBe(true);
    expect(csvLines[0]!.endsWith(",attempts,fromCache,source,createdAt")).toBe(true);
    expect(csvLines).toHaveLength(9);
    // The hostile tool's pricing `"Free" | <u>trust me</u>` is one quoted cell.
    expect(text).toContain(',"""Free"" | <u>trust me</u>",');
    const bad = await runCli(["export", "--store", store, "--format", "xml"]);
    expect(bad.code).toBe(2);
    // An --output under a file is one line, before anything is written.
    const under = await runCli(["export", "--store", store, "--format", "csv", "--output", join(csvPath, "reviews.csv")]);
    expect(under).toMatchObject({ code: 2, stderr: `panelist: --output: ${join(csvPath, "reviews.csv")} cannot be created: ${csvPath} is a file\n` });
  });
});

describe("batch index.html", () => {
  test("tools sorted by ship % with links to each tool's page, hostile names escaped", async () => {
    const env = await startServer();
    const dir = await temporaryDirectory();
    const out = join(dir, "out");
    const run = await runCli(["batch", "fixtures/tools/claw-code.md", "fixtures/tools/smolvlm2-turbo.md", "fixtures/hostile/xss-tool.md", "--model", "openai:m", "--store", join(dir, "p.db"), "--out", out, "--format", "html,json"], env);
    expect(run.code).toBe(0);
    const html = await readFile(join(out, "index.html"), "utf8");
    const index = indexReportSchema.parse(JSON.parse(await readFile(join(out, "index.json"), "utf8")));
    expect(index.tools.map((tool) => [tool.name, tool.panel.shipPct])).toEqual([["<img src=x onerror=alert(1)>", 100], ["SmolVLM2 Turbo", 100], ["Claw Code", 75]]);
    const smolPage = index.tools[1]!.files.find((file) => file.endsWith(".html"))!;
    expect(smolPage).toMatch(/^tools\/smolvlm2-turbo-[0-9a-f]{6}\.html$/);
    expect(html).toContain(`<a href="${smolPage}">SmolVLM2 Turbo</a></th><td>100%</td><td>4–0</td>`);
    expect(html).toContain("&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;");
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toMatch(/<title>Panel verdicts: 3 tools, run [^,<]+, \d{4}-\d{2}-\d{2}<\/title>/);
    const toolPage = await readFile(join(out, smolPage), "utf8");
    expect(toolPage).toContain('<span class="big">100%</span>');
    // Each tool page links back to the index beside its folder.
    expect(toolPage).toContain('<a href="../index.html">← All tools of this run</a>');
  });
});

describe("a second Ctrl-C", () => {
  test("aborts the calls in flight; they are not stored as failures, and a resume makes them", async () => {
    const env = await startServer();
    const dir = await temporaryDirectory();
    const store = join(dir, "p.db");
    const listeners: (() => void)[] = [];
    server!.setHandler((call) => {
      // The sixth call arrives: interrupt twice. Calls hang so that some are in flight.
      if (call.index === 5) {
        listeners.forEach((listener) => listener());
        listeners.forEach((listener) => listener());
      }
      return call.index < 4 ? scriptedVerdict(identifyCall(call, personas).tool, identifyCall(call, personas).persona, "ship") : { kind: "hang" };
    });
    let stderr = "";
    const { main } = await import("../../src/cli/main.js");
    const code = await main(["batch", "fixtures/tools/launches-sample.jsonl", "--model", "openai:m", "--store", store, "--out", join(dir, "out"), "--concurrency", "4"], {
      stdout: () => undefined,
      stderr: (text) => void (stderr += text),
      env,
      cwd: dir,
      onInterrupt: (listener) => {
        listeners.push(listener);
        return () => listeners.splice(listeners.indexOf(listener), 1);
      },
    });
    expect(code).toBe(130);
    expect(stderr).toContain("Ctrl-C again to abort them");
    const runId = /--resume (\S+)/.exec(stderr)![1]!;
    const opened = ReviewStore.open(store);
    // Up to four answered before the abort (one may still have been in transit); none stored as a failure.
    const counts = opened.counts(runId);
    expect(counts.failures).toBe(0);
    expect(counts.reviews).toBeGreaterThanOrEqual(1);
    expect(counts.reviews).toBeLessThanOrEqual(4);
    opened.close();
    server!.setHandler((call) => scriptedVerdict(identifyCall(call, personas).tool, identifyCall(call, personas).persona, "ship"));
    const resumed = await runCli(["batch", "--resume", runId, "--model", "openai:m", "--store", store, "--out", join(dir, "out")], env);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/reviewed 20 /);
  });
});
