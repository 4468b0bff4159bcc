import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { startFakeLlmServer, type FakeLlmServer } from "../support/fake-llm-server.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";

const CLAW = "fixtures/tools/claw-code.md";
let server: FakeLlmServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(): Promise<Record<string, string>> {
  server = await startFakeLlmServer();
  return { OPENAI_API_KEY: "sk-test-inputs", OPENAI_BASE_URL: server.openaiBaseUrl };
}

async function review(inputs: string[], env: Record<string, string>, extra: string[] = []) {
  const dir = await temporaryDirectory();
  return runCli(["review", ...inputs, "--personas", "skeptic", "--model", "openai:m", "--store", join(dir, "p.db"), "--out", dir, "--format", "json", ...extra], env);
}

describe("one bad input alone: exit 2, one line, nothing called", () => {
  test.each([
    { file: "fixtures/bad-tools/alias-bomb.md", line: "fixtures/bad-tools/alias-bomb.md:4: YAML aliases are not supported (*a): write the value out in full" },
    { file: "fixtures/bad-tools/front-matter-alias.md", line: "fixtures/bad-tools/front-matter-alias.md:5: YAML aliases are not supported (*pitch): write the value out in full" },
    { file: "fixtures/feeds/truncated.rss", line: "fixtures/feeds/truncated.rss:35: broken XML: the document ends inside <description> (is the file cut short?)" },
    { file: "fixtures/feeds/web-page.rss", line: "fixtures/feeds/web-page.rss:2: not an RSS, Atom or JSON Feed document (it is an HTML page)" },
    { file: "fixtures/feeds/empty.atom", line: "fixtures/feeds/empty.atom: the feed is empty" },
    { file: "fixtures/feeds/not-a-feed.feed.json", line: 'fixtures/feeds/not-a-feed.feed.json:1: not an RSS, Atom or JSON Feed document (JSON without "version": "https://jsonfeed.org/version/1.1")' },
  ])("$file", async ({ file, line }) => {
    const env = await start();
    const run = await review([file], env);
    expect(run).toEqual({ code: 2, stdout: "", stderr: `panelist: ${line}\n` });
    expect(server!.calls).toHaveLength(0);
  });
});

describe("a bad input among good ones is skipped: exit 1", () => {
  test("an alias bomb and a broken feed next to a good tool", async () => {
    const env = await start();
    const run = await review([CLAW, "fixtures/bad-tools/alias-bomb.md", "fixtures/feeds/truncated.rss"], env);
    expect(run.code).toBe(1);
    expect(run.stderr.split("\n").filter((line) => line.startsWith("warning: "))).toEqual([
      "warning: skipped: fixtures/bad-tools/alias-bomb.md:4: YAML aliases are not supported (*a): write the value out in full",
      "warning: skipped: fixtures/feeds/truncated.rss:35: broken XML: the document ends inside <description> (is the file cut short?)",
    ]);
    expect(run.stderr).not.toMatch(/internal error|Error:|at .*\.(js|ts):\d+/);
    expect(server!.calls).toHaveLength(1);
  });
});

describe("text comes out right", () => {
  test("a Latin-1 tool file is reviewed with its accents and one warning; exit 0", async () => {
    const env = await start();
    const run = await review(["fixtures/bad-tools/latin1-cafe.md"], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("warning: fixtures/bad-tools/latin1-cafe.md:2: not valid UTF-8 (byte 0xE9), read as Latin-1 (Windows-1252)\n");
    expect(run.stdout).toMatch(/^Café Crème: /);
    // The dossier marks spaces (spotlighting), so the name is sent as "Café^Crème".
    expect(server!.calls[0]!.text).toMatch(/Name: Café\SCrème\n/);
    expect(server!.calls[0]!.text).not.toContain("\uFFFD");
  });

  test("batch of the real Hacker News feed: names and slugs free of &# and 8220; an empty feed only warns", async () => {
    const env = await start();
    const dir = await temporaryDirectory();
    const out = join(dir, "out");
    const run = await runCli(["batch", "fixtures/feeds/hackernews-frontpage-2012.rss", "fixtures/feeds/no-items.rss", "--personas", "skeptic", "--model", "openai:m", "--store", join(dir, "p.db"), "--out", out, "--format", "json"], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("warning: fixtures/feeds/no-items.rss: the feed has no items\n");
    expect(server!.calls).toHaveLength(30);
    const results = (await readFile(join(out, "results.jsonl"), "utf8")).trim().split("\n").map((line) => JSON.parse(line) as { tool: string; slug: string });
    expect(results.map((result) => result.tool)).toContain("“I am calling you from Windows”: A tech support scammer");
    const scammer = results.find((result) => result.tool.startsWith("“I am"))!;
    expect(scammer.slug).toMatch(/^i-am-calling-you-from-windows-a-tech-support-scammer-[0-9a-f]{6}$/);
    for (const result of results) expect(`${result.tool} ${result.slug}`).not.toMatch(/&#|8220|8217/);
    expect((await readdir(join(out, "tools"))).join(" ")).not.toMatch(/&#|8220|8217/);
  });
});
