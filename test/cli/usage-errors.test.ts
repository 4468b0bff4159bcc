import { describe, expect, test } from "vitest";
import { startFakeLlmServer } from "../support/fake-llm-server.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";

const CLAW = "fixtures/tools/claw-code.md";
const SMOL = "fixtures/tools/smolvlm2-turbo.md";
const KEYS = { OPENAI_API_KEY: "sk-test-usage", OPENAI_BASE_URL: "http://127.0.0.1:9/v1" };

describe("usage, configuration and input errors exit 2 with one line naming the culprit", () => {
  test.each([
    { file: "fixtures/bad-tools/missing-name.md", message: /^panelist: fixtures\/bad-tools\/missing-name\.md:\d+: name: is required\n$/ },
    { file: "fixtures/bad-tools/name-wrong-type.md", message: /^panelist: fixtures\/bad-tools\/name-wrong-type\.md:\d+: name: expected string, received array\n$/ },
    { file: "fixtures/bad-tools/community-wrong.md", message: /^panelist: fixtures\/bad-tools\/community-wrong\.md:\d+: community\.ship: expected number/ },
    { file: "fixtures/bad-tools/unclosed-front-matter.md", message: /^panelist: fixtures\/bad-tools\/unclosed-front-matter\.md:1: front matter is not closed/ },
    { file: "fixtures/bad-tools/bad-yaml.md", message: /^panelist: fixtures\/bad-tools\/bad-yaml\.md:\d+: invalid YAML: / },
    { file: "fixtures/bad-tools/empty-description.md", message: /^panelist: fixtures\/bad-tools\/empty-description\.md:\d+: description: is empty/ },
    { file: "fixtures/bad-tools/json-missing-name.json", message: /^panelist: fixtures\/bad-tools\/json-missing-name\.json:\d+: name: is required/ },
    { file: "fixtures/tools/does-not-exist.md", message: /^panelist: fixtures\/tools\/does-not-exist\.md: cannot read: ENOENT/ },
  ])("$file", async ({ file, message }) => {
    const out = await temporaryDirectory();
    const run = await runCli(["compare", CLAW, file, "--model", "openai:m", "--out", out], KEYS);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stdout).toBe("");
  });

  test("with too few good tools left, nothing is called", async () => {
    const server = await startFakeLlmServer();
    try {
      const run = await runCli(["review", "fixtures/bad-tools/missing-name.md", "fixtures/bad-tools/bad-yaml.md", "--model", "openai:m", "--out", await temporaryDirectory()], {
        OPENAI_API_KEY: "sk-test-usage",
        OPENAI_BASE_URL: server.openaiBaseUrl,
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^panelist: fixtures\/bad-tools\/missing-name\.md:\d+: name: is required\n$/);
      expect(server.calls).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  test.each([
    { argv: ["compare", CLAW, SMOL, "--model", "openai:m", "--bogus"], message: /^panelist: --bogus: unknown option/ },
    { argv: ["compare", CLAW, "--model", "openai:m"], message: /^panelist: compare: needs at least two different tools, got 1/ },
    { argv: ["review", "--model", "openai:m"], message: /^panelist: review: give at least one tool file/ },
    { argv: ["frobnicate"], message: /^panelist: command: unknown command "frobnicate"/ },
    { argv: ["review", CLAW, "--model", "gpt-4"], message: /^panelist: --model: "gpt-4" is not provider:model/ },
    { argv: ["review", CLAW, "--model", "acme:m"], message: /^panelist: --model: unknown provider "acme"; known: anthropic, openai, gemini, ollama/ },
    { argv: ["review", CLAW, "--model", "openai:m", "--concurrency", "0"], message: /^panelist: --concurrency: / },
    { argv: ["review", CLAW, "--model", "openai:m", "--personas", "skeptic,nobody"], message: /^panelist: --personas: unknown persona "nobody"; known: developer-experience, skeptic, futurist, business/ },
    { argv: ["review", CLAW, "--model", "vllm:llama"], message: /^panelist: --base-url: vllm:llama needs a server address/ },
  ])("$argv", async ({ argv, message }) => {
    const run = await runCli([...argv, "--out", await temporaryDirectory()], KEYS);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
  });

  test("a missing API key names the variable and never prints another key", async () => {
    const run = await runCli(["review", CLAW, "--model", "anthropic:claude-sonnet-4-5", "--out", await temporaryDirectory()], { OPENAI_API_KEY: "sk-test-do-not-print-me" });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("panelist: ANTHROPIC_API_KEY: is not set; anthropic:claude-sonnet-4-5 needs it (environment or .env)\n");
  });

  test("--help for each command, and a bare call shows usage with exit 2", async () => {
    for (const command of ["review", "compare", "personas", "mcp"]) {
      const run = await runCli([command, "--help"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: panelist ${command}`);
    }
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain("panelist review <tool-file>");
  });

  test("personas lists the built-in panel with lenses", async () => {
    const run = await runCli(["personas"]);
    expect(run.code).toBe(0);
    const ids = run.stdout.trim().split("\n").map((line) => line.split(/\s+/)[0]);
    expect(ids).toEqual(["developer-experience", "skeptic", "futurist", "business"]);
  });
});
