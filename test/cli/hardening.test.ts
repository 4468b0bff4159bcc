import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { main } from "../../src/cli/main.js";
import { useBuiltInPersonas, useFakeLlmServers } from "../support/panel-fixtures.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";
import { identifyCall, isModeratorCall } from "../support/scripted-panel.js";

const personas = useBuiltInPersonas();
const servers = useFakeLlmServers();
const BIN = "dist/cli/bin.js";
const CLAW = "fixtures/tools/claw-code.md";
// A key of no well-known shape: only the explicit list of the run's keys can catch it.
const KEY = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b";

describe("what is paid for is kept, what is secret stays secret", () => {
  test("an answer that echoes the key reaches neither the store nor an export", async () => {
    const server = await servers.start({
      handler: (call) => {
        if (isModeratorCall(call)) return { kind: "json", value: { summary: `Summary with ${KEY} in it.` } };
        const { persona } = identifyCall(call, personas);
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
