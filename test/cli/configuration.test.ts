import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { reportSchema } from "../../src/report/report-schema.js";
import { DEFAULT_VERDICT } from "../support/fake-llm-server.js";
import { useFakeLlmServers } from "../support/panel-fixtures.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";

const servers = useFakeLlmServers();
const CLAW = resolve("fixtures/tools/claw-code.md");

describe("--personas-dir", () => {
  test("a user's own personas review instead of the built-in panel", async () => {
    const server = await servers.start();
    const out = await temporaryDirectory();
    const run = await runCli(["review", CLAW, "--personas-dir", "fixtures/personas-custom", "--model", "openai:m", "--out", out, "--format", "json"], { OPENAI_API_KEY: "sk-test-dir", OPENAI_BASE_URL: server.openaiBaseUrl });
    expect(run.code).toBe(0);
    const report = reportSchema.parse(JSON.parse(await readFile(join(out, "report.json"), "utf8")));
    expect(report.personas).toEqual([{ id: "indie-hacker", name: "The Indie Hacker" }, { id: "security-lead", name: "The Security Lead" }]);
    expect(server.calls.some((call) => call.text.includes('You are The Security Lead, reviewing the tool in the dossier above as panel reviewer "security-lead"'))).toBe(true);
    // The panel in every call's system prompt is the user's own: both of their personas and none of the built-in ones.
    for (const call of server.calls) {
      expect(call.body.messages[0].content.match(/<reviewer id="([a-z-]+)"/g)).toEqual(['<reviewer id="indie-hacker"', '<reviewer id="security-lead"']);
    }
    const listed = await runCli(["personas", "--personas-dir", "fixtures/personas-custom"]);
    expect(listed.stdout).toContain("security-lead  The Security Lead — Attack surface");
  });

  test("a bad persona file is a one-line error naming file, line and field", async () => {
    const run = await runCli(["review", CLAW, "--personas-dir", "fixtures/personas-bad", "--model", "openai:m", "--out", await temporaryDirectory()], { OPENAI_API_KEY: "sk-test-bad", OPENAI_BASE_URL: "http://127.0.0.1:9/v1" });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("panelist: fixtures/personas-bad/not-kebab.md:2: id: must be kebab-case, e.g. developer-experience\n");
  });
});

describe(".env and the environment", () => {
  test("keys and settings come from .env in the working folder; the environment wins over it", async () => {
    const server = await servers.start();
    const cwd = await temporaryDirectory();
    const out = join(cwd, "from-dotenv");
    await writeFile(join(cwd, ".env"), `OPENAI_API_KEY=sk-test-dotenv\nOPENAI_BASE_URL=${server.openaiBaseUrl}\nPANELIST_MODEL=openai:from-dotenv\nPANELIST_OUT=${out}\nPANELIST_PERSONAS=skeptic\n`);
    const run = await runCli(["review", CLAW, "--format", "json"], { PANELIST_MODEL: "openai:from-env" }, cwd);
    expect(run.code).toBe(0);
    expect(server.calls.map((call) => call.model)).toEqual(["from-env"]);
    expect(server.calls[0]!.headers.authorization).toBe("Bearer sk-test-dotenv");
    const report = reportSchema.parse(JSON.parse(await readFile(join(out, "report.json"), "utf8")));
    expect(report.models).toEqual(["openai:from-env"]);
  });
});

describe("OpenAI-compatible presets", () => {
  test("ollama: no key needed, model ids with colons, max_tokens rather than max_completion_tokens", async () => {
    const server = await servers.start({ handler: () => ({ kind: "json", value: DEFAULT_VERDICT }) });
    const run = await runCli(["review", CLAW, "--personas", "skeptic", "--model", "ollama:qwen3:8b", "--out", await temporaryDirectory()], { OLLAMA_BASE_URL: server.openaiBaseUrl });
    expect(run.code).toBe(0);
    const [call] = server.calls;
    expect(call!.model).toBe("qwen3:8b");
    expect(call!.body.max_tokens).toBe(1024);
    expect(call!.body.max_completion_tokens).toBeUndefined();
  });

  test("--version prints the package version", async () => {
    const run = await runCli(["--version"]);
    const pkg = JSON.parse(await readFile("package.json", "utf8")) as { version: string };
    expect(run.stdout).toBe(`${pkg.version}\n`);
  });
});
