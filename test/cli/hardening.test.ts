import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { main } from "../../src/cli/main.js";
import { useFakeLlmServers } from "../support/panel-fixtures.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";
import { isModeratorCall } from "../support/scripted-panel.js";
import { PANELIST_BIN } from "../support/panelist-bin.js";

const servers = useFakeLlmServers();
// What a user runs: the bundled bin of package.json.
const BIN = PANELIST_BIN;
const CLAW = "fixtures/tools/claw-code.md";
// A key of no well-known shape: only the explicit list of the run's keys can catch it.
const KEY = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b";

describe("what is paid for is kept, what is secret stays secret", () => {
  test("an answer that echoes the key reaches neither the store nor an export", async () => {
    const server = await servers.start({
      handler: (call) => {
        if (isModeratorCall(call)) return { kind: "json", value: { summary: `Summary with ${KEY} in it.` } };
        return { kind: "json", value: { verdict: "ship", confidence: 0.8, quote: `My key is ${KEY}.`, rationale: `Echo ${KEY}`, strengths: [KEY], risks: [], pricingRead: null } };
      },
    });
    const dir = await temporaryDirectory();
    const store = join(dir, "p.db");
    const env = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.openaiBaseUrl, PANELIST_STORE: store };
    const run = await runCli(["compare", CLAW, "fixtures/tools/smolvlm2-turbo.md", "--model", "openai:gpt-4.1-mini", "--out", join(dir, "out"), "--format", "md,json,html,csv"], env);
    expect(run.code).toBe(0);
    expect(server.calls).toHaveLength(9);
    const jsonl = await runCli(["export", "--format", "jsonl"], env);
    expect(jsonl.code).toBe(0);
    expect(jsonl.stdout).toContain("[redacted]");
    const csv = await runCli(["export", "--format", "csv", "--output", join(dir, "reviews.csv")], env);
    expect(csv.code).toBe(0);
    const files = ["report.md", "report.json", "report.html", "report.csv"].map((name) => join(dir, "out", name));
    for (const text of [run.stdout, run.stderr, jsonl.stdout, jsonl.stderr, ...[...files, join(dir, "reviews.csv")].map((file) => readFileSync(file, "utf8"))]) {
      expect(text).not.toContain(KEY);
    }
    // The store is a file a user shares: not in the database pages, not in the write-ahead log.
    for (const file of [store, `${store}-wal`]) if (existsSync(file)) expect(readFileSync(file).includes(Buffer.from(KEY))).toBe(false);
    // And a re-run served from the store still has the page, redacted.
    const again = await runCli(["compare", CLAW, "fixtures/tools/smolvlm2-turbo.md", "--model", "openai:gpt-4.1-mini", "--out", join(dir, "again")], env);
    expect(again.code).toBe(0);
    expect(server.calls).toHaveLength(9);
    expect(await readFile(join(dir, "again", "report.md"), "utf8")).toContain("My key is \\[redacted\\].");
  });
});

describe("errors a user can cause are one line", () => {
  test.each([
    [["--concurrency", "-3"], "panelist: --concurrency: must be at least 1\n"],
    [["--concurrency", "abc"], "panelist: --concurrency: must be a number\n"],
    [["--concurrency", "9999"], "panelist: --concurrency: must be at most 512\n"],
    [["--max-cost", "-1"], "panelist: --max-cost: must be more than 0\n"],
    [["--temperature", "-0.5"], "panelist: --temperature: must be at least 0\n"],
    [["--format", "pdf"], "panelist: --format: must be one of md, json, html, csv\n"],
    [["--spotlight", "loud"], "panelist: --spotlight: must be one of datamark, delimit, off\n"],
    [["--out", ""], "panelist: --out: must not be empty\n"],
  ])("review %j: Panelist's words, not the validator's", async (flags, message) => {
    const run = await runCli(["review", CLAW, "--model", "openai:m", ...flags], { OPENAI_API_KEY: "sk-test-words" });
    expect(run).toMatchObject({ code: 2, stderr: message });
  });

  test("an internal error is one line without a stack; PANELIST_DEBUG=1 shows the stack", async () => {
    const failing = (env: Record<string, string>) => {
      let stderr = "";
      const code = main(["personas"], {
        stdout: () => {
          throw new TypeError("the terminal went away");
        },
        stderr: (text) => void (stderr += text),
        env,
        cwd: process.cwd(),
      });
      return code.then((exit) => ({ exit, stderr }));
    };
    const plain = await failing({});
    expect(plain.exit).toBe(3);
    expect(plain.stderr).toBe("panelist: internal error: TypeError: the terminal went away (a bug in Panelist: please report it; PANELIST_DEBUG=1 shows where it happened)\n");
    const debug = await failing({ PANELIST_DEBUG: "1" });
    expect(debug.exit).toBe(3);
    expect(debug.stderr).toMatch(/^panelist: internal error: TypeError: the terminal went away\n\s+at /);
  });

  test("reading commands never create a store: a typo is one line, and nothing is left behind", async () => {
    const dir = await temporaryDirectory();
    const typo = join(dir, "typo.db");
    for (const argv of [["export", "--store", typo], ["stats", "--store", typo], ["report", "--store", typo], ["batch", "--status", "--store", typo]]) {
      const run = await runCli(argv, {});
      expect({ argv, code: run.code, stderr: run.stderr }).toEqual({ argv, code: 2, stderr: `panelist: --store: no store at ${typo} (runs are kept in ./panelist.db unless --store or PANELIST_STORE names another)\n` });
    }
    const runs = await runCli(["runs", "--store", typo], {});
    expect(runs).toMatchObject({ code: 0, stdout: `No runs yet: no store at ${typo} (review, compare and batch create it)\n` });
    // With nothing named, the default store in the current folder is not created either.
    const fresh = await runCli(["runs"], {}, dir);
    expect(fresh.code).toBe(0);
    expect(existsSync(typo)).toBe(false);
    expect(existsSync(join(dir, "panelist.db"))).toBe(false);
  });

  test("panelist export | head: the closed pipe ends the export quietly, exit 0", async () => {
    const server = await servers.start();
    const dir = await temporaryDirectory();
    const store = join(dir, "p.db");
    const input = join(dir, "launches.jsonl");
    await writeFile(input, await readFile("fixtures/launches.jsonl", "utf8"));
    const batch = await runCli(["batch", input, "--model", "openai:m", "--store", store, "--out", join(dir, "out"), "--format", "json"], { OPENAI_API_KEY: "sk-test-pipe", OPENAI_BASE_URL: server.openaiBaseUrl });
    expect(batch.code).toBe(0);
    const child = spawn(process.execPath, [BIN, "export", "--store", store], { stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "" } });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
    // Like `head -1`: read the first line, then close the pipe while the export still writes.
    const [first] = (await once(child.stdout, "data")) as [Buffer];
    expect(JSON.parse(first.toString().split("\n")[0]!)).toMatchObject({ persona: expect.any(String) });
    child.stdout.destroy();
    const [code] = (await once(child, "exit")) as [number];
    expect(code).toBe(0);
    // No unhandled EPIPE and no stack: at most the export's own summary line.
    expect(stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
    expect(stderr.split("\n").filter(Boolean).length).toBeLessThanOrEqual(1);
  });
});

describe("the terminal and the words", () => {
  test("batch --dry-run plans every call, leaves out what --since-last would skip, and stores or calls nothing", async () => {
    const server = await servers.start();
    const dir = await temporaryDirectory();
    const store = join(dir, "p.db");
    const env = { OPENAI_API_KEY: "sk-test-dry", OPENAI_BASE_URL: server.openaiBaseUrl };
    const fresh = await runCli(["batch", CLAW, "fixtures/tools/forge-cli.md", "--dry-run", "--since-last", "--model", "openai:gpt-4.1-mini", "--store", store, "--out", join(dir, "out")], env);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout.trim().split("\n").at(-1)).toMatch(/^Dry run: 8 calls planned, ~\d+ input tokens, ≤ 8192 output tokens, ≤ \$\d+\.\d{4}; nothing was called\.$/);
    expect(existsSync(store)).toBe(false);
    expect(existsSync(join(dir, "out"))).toBe(false);
    expect(server.calls).toHaveLength(0);
    // Once Claw Code is reviewed, a dry run with --since-last plans only Forge CLI.
    expect((await runCli(["batch", CLAW, "--model", "openai:gpt-4.1-mini", "--store", store, "--out", join(dir, "out")], env)).code).toBe(0);
    const calls = server.calls.length;
    const after = await runCli(["batch", CLAW, "fixtures/tools/forge-cli.md", "--dry-run", "--since-last", "--model", "openai:gpt-4.1-mini", "--store", store], env);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain("1 tool left out: reviewed before, unchanged, by the same panel (--since-last)");
    expect(after.stdout).toMatch(/Dry run: 4 calls planned/);
    expect(after.stdout).not.toContain("Claw Code /");
    expect(server.calls).toHaveLength(calls);
  });

  test("each command's help lists only what it takes", async () => {
    const help = async (command: string) => (await runCli([command, "--help"])).stdout;
    const batch = await help("batch");
    for (const flag of ["--swap", "--replay", "--summary"]) expect(batch).not.toContain(flag);
    expect(batch).toContain("--dry-run");
    const review = await help("review");
    expect(review).toContain("--replay");
    expect(review).not.toContain("--swap");
    expect(await help("compare")).toContain("--swap");
  });

  test("a tool compared with itself, and a file beside --replay, are one line each, not silently done", async () => {
    const same = await runCli(["compare", CLAW, CLAW, "--model", "openai:m", "--store", join(await temporaryDirectory(), "p.db")], { OPENAI_API_KEY: "sk-test-same" });
    expect(same).toMatchObject({ code: 2, stderr: "panelist: compare: needs at least two different tools, got 1\n" });
    const replay = await runCli(["review", "--replay", "report.json", CLAW]);
    expect(replay).toMatchObject({ code: 2, stderr: `panelist: --replay: re-renders the reviews recorded in report.json alone; ${CLAW} would be ignored (review it in a run of its own)\n` });
  });

  test("one tool, one call: the summary line says \"1 call\" and \"0 tools skipped\"", async () => {
    const server = await servers.start();
    const dir = await temporaryDirectory();
    const run = await runCli(["review", CLAW, "--personas", "skeptic", "--model", "openai:gpt-4.1-mini", "--store", join(dir, "p.db"), "--out", dir], { OPENAI_API_KEY: "sk-test-plural", OPENAI_BASE_URL: server.openaiBaseUrl });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Reviews: 1 done, 0 failed, 0 not started, 0 tools skipped · 1 call · /);
  });

  test("on a terminal, a warning goes above the progress bar: the bar's line is cleared first and drawn again after", async () => {
    const { createProgressDisplay } = await import("../../src/cli/progress-display.js");
    let written = "";
    const stream = Object.assign(new (await import("node:stream")).Writable({ write: (chunk, _encoding, done) => void ((written += chunk.toString()), done()) }), { isTTY: true, columns: 120 });
    const display = createProgressDisplay(stream);
    display.update({ total: 10, done: 3, failed: 0, cached: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 });
    const before = written.length;
    display.print("warning: feed.rss: unknown key, ignored\n", (text) => stream.write(text));
    const after = written.slice(before);
    expect(after.startsWith("\r\u001b[2Kwarning: feed.rss: unknown key, ignored\n")).toBe(true);
    // The bar comes back below the line.
    expect(after.slice("\r\u001b[2Kwarning: feed.rss: unknown key, ignored\n".length)).toMatch(/3\/10 reviews/);
    display.stop();
  });
});

describe("no pick where there is nothing to pick", () => {
  test("every reviewer skips both tools: the terminal and the page say the panel would ship neither", async () => {
    const server = await servers.start({
      handler: (call) =>
        isModeratorCall(call)
          ? { kind: "json", value: { summary: "Nobody ships either." } }
          : { kind: "json", value: { verdict: "skip", confidence: 0.7, quote: "Not for us.", rationale: "r", strengths: [], risks: ["risky"], pricingRead: null } },
    });
    const dir = await temporaryDirectory();
    const run = await runCli(["compare", CLAW, "fixtures/tools/smolvlm2-turbo.md", "--model", "openai:gpt-4.1-mini", "--store", join(dir, "p.db"), "--out", dir], { OPENAI_API_KEY: "sk-test-neither", OPENAI_BASE_URL: server.openaiBaseUrl });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Pick: none — Every reviewer who answered skipped both tools: the panel would ship neither.");
    const report = JSON.parse(await readFile(join(dir, "report.json"), "utf8"));
    expect(report.pick).toBeUndefined();
    expect(await readFile(join(dir, "report.md"), "utf8")).toContain("the panel would ship neither");
  });
});

describe("a quiet day", () => {
  test("a batch over a feed with no items is a run of no tools, exit 0, not an error", async () => {
    const server = await servers.start();
    const dir = await temporaryDirectory();
    const run = await runCli(["batch", "fixtures/feeds/no-items.rss", "--model", "openai:m", "--store", join(dir, "p.db"), "--out", join(dir, "out")], { OPENAI_API_KEY: "sk-test-quiet", OPENAI_BASE_URL: server.openaiBaseUrl });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("warning: fixtures/feeds/no-items.rss: the feed has no items");
    expect(run.stdout).toMatch(/^Run \S+: 0 tools · reviewed 0/);
    expect(JSON.parse(await readFile(join(dir, "out", "index.json"), "utf8")).tools).toEqual([]);
    expect(server.calls).toHaveLength(0);
  });
});

describe("the batch index says what was left out", () => {
  test("a bad input beside good ones: index.md, index.html and index.json list it under Not reviewed", async () => {
    const server = await servers.start();
    const dir = await temporaryDirectory();
    const out = join(dir, "out");
    const run = await runCli(["batch", CLAW, "fixtures/bad-tools/name-wrong-type.md", "--model", "openai:m", "--personas", "skeptic", "--format", "md,json,html", "--store", join(dir, "p.db"), "--out", out], { OPENAI_API_KEY: "sk-test-index", OPENAI_BASE_URL: server.openaiBaseUrl });
    expect(run.code).toBe(1);
    const markdown = await readFile(join(out, "index.md"), "utf8");
    expect(markdown).toContain("## Not reviewed");
    expect(markdown).toContain("- **fixtures/bad-tools/name-wrong-type.md:2**: name: expected string, received array");
    const html = await readFile(join(out, "index.html"), "utf8");
    expect(html).toContain('<h2 id="skipped-heading">Not reviewed</h2>');
    expect(html).toContain('<span class="file">fixtures/bad-tools/name-wrong-type.md:2</span>: name: expected string, received array');
    const index = JSON.parse(await readFile(join(out, "index.json"), "utf8"));
    expect(index.skipped).toEqual([{ file: "fixtures/bad-tools/name-wrong-type.md", line: 2, error: "fixtures/bad-tools/name-wrong-type.md:2: name: expected string, received array" }]);
    expect(index.tools.map((tool: { name: string }) => tool.name)).toEqual(["Claw Code"]);
  });
});

describe("persona files that are not UTF-8", () => {
  test("read as Latin-1 with a warning naming the file, not silently turned into replacement characters", async () => {
    const server = await servers.start();
    const dir = await temporaryDirectory();
    const personasDir = join(dir, "personas");
    await (await import("node:fs/promises")).mkdir(personasDir);
    const text = (await readFile("personas/skeptic.md", "utf8")).replace("The Skeptic", "The Sceptic of Café");
    // Written as Latin-1: é is the single byte 0xE9.
    await writeFile(join(personasDir, "skeptic.md"), Buffer.from(text, "latin1"));
    const run = await runCli(["review", CLAW, "--personas-dir", personasDir, "--model", "openai:m", "--store", join(dir, "p.db"), "--out", join(dir, "out")], { OPENAI_API_KEY: "sk-test-latin", OPENAI_BASE_URL: server.openaiBaseUrl });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`warning: ${join(personasDir, "skeptic.md").replace(/[.*+?^$()|[\]\\]/g, "\\$&")}:\\d+: not valid UTF-8 \\(byte 0xE9\\), read as Latin-1 \\(Windows-1252\\)`));
    expect(server.calls[0]!.text).toContain("The Sceptic of Café");
    expect(server.calls[0]!.text).not.toContain("\uFFFD");
  });
});
