import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { FakeCall, FakeReply } from "../support/fake-llm-server.js";
import { useBuiltInPersonas, useFakeLlmServers } from "../support/panel-fixtures.js";
import { runCli, temporaryDirectory, type CliRun } from "../support/run-cli.js";
import { identifyCall, scriptedVerdict } from "../support/scripted-panel.js";

/**
 * A key of no well-known shape (40 hex characters, as some hosts issue them): none of the generic
 * patterns in redact-secrets.ts matches it, so only the explicit list of keys in use can remove it.
 * Echoed next to words that no generic pattern keys on ("account", not "api key:").
 */
const KEY = "3f9a0c1d7e5b2a4968f0e1d2c3b4a5968778695a";
const personas = useBuiltInPersonas();
const servers = useFakeLlmServers();

/** The skeptic's call fails with a 400 whose body echoes the key; every other review quotes it. */
function leakingHandler(call: FakeCall): FakeReply {
  const { tool, persona } = identifyCall(call, personas);
  if (persona === "skeptic") return { kind: "error", status: 400, message: `model some-model is not enabled for account ${KEY}` };
  const reply = scriptedVerdict(tool, persona, "ship");
  if (reply.kind !== "json") return reply;
  const value = reply.value as Record<string, unknown>;
  return { kind: "json", value: { ...value, quote: `It printed ${KEY} on start-up.`, rationale: `The token ${KEY} shows in its logs.` } };
}

/** Every file under `dir`, as text, by path. */
async function filesUnder(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true })) {
    const path = join(dir, entry);
    if ((await stat(path)).isFile()) files.set(entry, await readFile(path, "utf8"));
  }
  return files;
}

function expectNoKeyPrinted(run: CliRun): void {
  expect(run.stdout).not.toContain(KEY);
  expect(run.stderr).not.toContain(KEY);
}

function expectNoKeyIn(files: Map<string, string>): void {
  for (const [path, text] of files) expect(text.includes(KEY), `${path} holds the key`).toBe(false);
}

describe("a key of no known shape is redacted by the list of keys in use", () => {
  test("review: an error body and a review that echo it leave it in no output, printed or written", async () => {
    const server = await servers.start({ handler: leakingHandler });
    const env = { TOGETHER_API_KEY: KEY, TOGETHER_BASE_URL: server.openaiBaseUrl };
    const dir = await temporaryDirectory();
    const common = ["review", "fixtures/tools/claw-code.md", "--personas", "skeptic,futurist", "--model", "together:some-model", "--format", "md,json,html,csv", "--max-retries", "0"];
    const verbose = await runCli([...common, "--out", join(dir, "verbose"), "--store", join(dir, "verbose.db"), "-v"], env, dir);
    const logJson = await runCli([...common, "--out", join(dir, "log-json"), "--store", join(dir, "log-json.db"), "--log-json"], env, dir);

    // The echo really happened: the server saw the key, the failure and the quote made it to the report.
    expect(server.calls.every((call) => call.headers.authorization === `Bearer ${KEY}`)).toBe(true);
    for (const run of [verbose, logJson]) {
      expect(run.code).toBe(1);
      expectNoKeyPrinted(run);
    }
    expect(verbose.stderr).toContain("not enabled for account [redacted]");
    expect(logJson.stderr).toContain("not enabled for account [redacted]");
    for (const out of ["verbose", "log-json"]) {
      const files = await filesUnder(join(dir, out));
      expect([...files.keys()].sort()).toEqual(expect.arrayContaining(["report.csv", "report.html", "report.json", "report.md"]));
      expectNoKeyIn(files);
      // The echoes reached the report, redacted (report.json keeps the text unescaped).
      const report = files.get("report.json")!;
      expect(report).toContain("It printed [redacted] on start-up.");
      expect(report).toContain("not enabled for account [redacted]");
    }
  });

  test("batch: results.jsonl, tool pages and index files, printed with -v and --log-json", async () => {
    const server = await servers.start({ handler: leakingHandler });
    const env = { TOGETHER_API_KEY: KEY, TOGETHER_BASE_URL: server.openaiBaseUrl };
    const dir = await temporaryDirectory();
    const out = join(dir, "batch");
    const run = await runCli(
      ["batch", "fixtures/tools/claw-code.md", "fixtures/tools/forge-cli.md", "--personas", "skeptic,futurist", "--model", "together:some-model", "--max-retries", "0", "--out", out, "--store", join(dir, "p.db"), "-v", "--log-json"],
      env,
      dir,
    );
    expect(run.code).toBe(1);
    expect(server.calls).toHaveLength(4);
    expectNoKeyPrinted(run);
    const files = await filesUnder(out);
    const names = [...files.keys()];
    expect(names).toEqual(expect.arrayContaining(["results.jsonl", "index.md", "index.json"]));
    expect(names.filter((name) => name.startsWith("tools")).length).toBeGreaterThanOrEqual(4);
    expectNoKeyIn(files);
    expect(files.get("results.jsonl")).toContain("[redacted]");
  });
});
