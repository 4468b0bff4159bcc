import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { FakeLlmServer } from "../support/fake-llm-server.js";
import { useBuiltInPersonas, useFakeLlmServers } from "../support/panel-fixtures.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";
import { identifyCall, panelHandler, scriptedVerdict } from "../support/scripted-panel.js";

const CLAW = "fixtures/tools/claw-code.md";
const SMOL = "fixtures/tools/smolvlm2-turbo.md";
const personas = useBuiltInPersonas();
const servers = useFakeLlmServers();
let server: FakeLlmServer | undefined;

async function readJson(path: string) {
  return JSON.parse(await readFile(path, "utf8"));
}

describe("structured-output fallback", () => {
  test("a server that rejects json_schema gets json_object, remembered for the rest of the run", async () => {
    server = await servers.start({
      handler: (call) => {
        if (call.body.response_format?.type === "json_schema") {
          return { kind: "error", status: 400, message: "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model." };
        }
        return panelHandler({}, personas)(call);
      },
    });
    const out = await temporaryDirectory();
    const run = await runCli(["compare", CLAW, SMOL, "--model", "openai:old-model", "--concurrency", "1", "--out", out, "--verbose"], { OPENAI_API_KEY: "sk-test-fb", OPENAI_BASE_URL: server.openaiBaseUrl });
    expect(run.code).toBe(0);
    const formats = server.calls.map((call) => call.body.response_format?.type ?? "none");
    // The editor summary, asked last, also uses the mode the run learned.
    expect(formats).toEqual(["json_schema", ...Array(9).fill("json_object")]);
    expect(run.stderr).toContain("[fallback] Claw Code / developer-experience / openai:old-model · attempt 1 · mode json_schema");
  });

  test("then plain instructions when JSON mode is refused too; Anthropic steps from tool use to prompt", async () => {
    server = await servers.start({
      handler: (call) => {
        if (call.body.response_format || call.body.tools) return { kind: "error", status: 400, message: "tools and response_format are not supported" };
        return { kind: "text", text: `Here you go:\n${JSON.stringify(scriptedVerdict("x", "y", "ship").kind === "json" ? (scriptedVerdict("x", "y", "ship") as { value: unknown }).value : {})}` };
      },
    });
    const out = await temporaryDirectory();
    const openai = await runCli(["review", CLAW, "--personas", "skeptic", "--model", "openai:m", "--out", out], { OPENAI_API_KEY: "sk-test-fb2", OPENAI_BASE_URL: server.openaiBaseUrl });
    expect(openai.code).toBe(0);
    expect(server.calls.map((call) => call.body.response_format?.type ?? "none")).toEqual(["json_schema", "json_object", "none"]);
    const before = server.calls.length;
    const anthropic = await runCli(["review", CLAW, "--personas", "skeptic", "--model", "anthropic:m", "--out", out], { ANTHROPIC_API_KEY: "sk-ant-fb", ANTHROPIC_BASE_URL: server.anthropicBaseUrl });
    expect(anthropic.code).toBe(0);
    expect(server.calls.slice(before).map((call) => (call.body.tools ? "tool" : "prompt"))).toEqual(["tool", "prompt"]);
  });

  test("--structured fixes the mode: no fallback", async () => {
    server = await servers.start({ handler: () => ({ kind: "error", status: 400, message: "response_format json_schema unsupported" }) });
    const run = await runCli(["review", CLAW, "--personas", "skeptic", "--model", "openai:m", "--structured", "json_schema", "--out", await temporaryDirectory()], {
      OPENAI_API_KEY: "sk-test-fixed",
      OPENAI_BASE_URL: server.openaiBaseUrl,
    });
    expect(run.code).toBe(1);
    expect(server.calls).toHaveLength(1);
  });
});

describe("secrets", () => {
  test("a recognisable key appears nowhere: not in the output folder, stdout or stderr, even in errors", async () => {
    const key = "sk-test-RECOGNISABLE-SECRET-4242";
    server = await servers.start({
      handler: (call) => {
        const { tool, persona } = identifyCall(call, personas);
        // A hostile or careless server echoing the key back in an error and in an answer.
        if (persona === "skeptic") return { kind: "error", status: 401, message: `Incorrect API key provided: ${key}` };
        if (persona === "futurist") return { kind: "text", text: `not json, but here is your key ${key}` };
        return scriptedVerdict(tool, persona, "ship");
      },
    });
    const out = await temporaryDirectory();
    const run = await runCli(["compare", CLAW, SMOL, "--model", "openai:m", "--out", out, "--format", "md,json", "--verbose"], { OPENAI_API_KEY: key, OPENAI_BASE_URL: server.openaiBaseUrl });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("HTTP 401");
    expect(run.stdout + run.stderr).not.toContain(key);
    expect(run.stdout + run.stderr).not.toContain("RECOGNISABLE-SECRET");
    const files = await readdir(out);
    expect(files.sort()).toEqual(["report.json", "report.md"]);
    for (const file of files) expect(await readFile(join(out, file), "utf8")).not.toContain("RECOGNISABLE-SECRET");
  });
});

describe("cost", () => {
  test("report.json prices every review and the run at list price", async () => {
    server = await servers.start({ handler: panelHandler({}, personas) });
    const out = await temporaryDirectory();
    await runCli(["review", CLAW, "--model", "openai:gpt-4.1-mini", "--concurrency", "1", "--out", out, "--format", "json"], { OPENAI_API_KEY: "sk-test-cost", OPENAI_BASE_URL: server.openaiBaseUrl });
    const report = await readJson(join(out, "report.json"));
    let total = 0;
    // Calls 2–4 read the run's system prompt and the dossier from the prompt cache, at the cached-input price.
    expect(report.tools[0].reviews.slice(1).every((review: { usage: { cachedInputTokens: number } }) => review.usage.cachedInputTokens >= 1024)).toBe(true);
    for (const review of report.tools[0].reviews) {
      const { inputTokens, cachedInputTokens, outputTokens } = review.usage;
      const expected = ((inputTokens - cachedInputTokens) * 0.4 + cachedInputTokens * 0.1 + outputTokens * 1.6) / 1e6;
      expect(review.costUsd).toBeCloseTo(expected, 6);
      total += review.costUsd;
    }
    expect(report.costUsd).toBeCloseTo(total, 6);
    expect(report.costUsd).toBeGreaterThan(0);
  });

  test("an unknown model's cost is null; --prices supplies it", async () => {
    server = await servers.start({ handler: panelHandler({}, personas) });
    const out = await temporaryDirectory();
    await runCli(["review", CLAW, "--personas", "skeptic", "--model", "openai:mystery", "--out", out, "--format", "json"], { OPENAI_API_KEY: "sk-test-c2", OPENAI_BASE_URL: server.openaiBaseUrl });
    expect((await readJson(join(out, "report.json"))).costUsd).toBeNull();
    const prices = join(await temporaryDirectory(), "prices.json");
    await (await import("node:fs/promises")).writeFile(prices, JSON.stringify({ "openai:mystery": { input: 1000, cachedInput: 0, output: 0 } }));
    await runCli(["review", CLAW, "--personas", "skeptic", "--model", "openai:mystery", "--prices", prices, "--out", out, "--format", "json"], { OPENAI_API_KEY: "sk-test-c3", OPENAI_BASE_URL: server.openaiBaseUrl });
    const report = await readJson(join(out, "report.json"));
    // $1000 per million uncached input tokens; the fake server served part of this prompt from its cache (priced 0).
    expect(report.usage.cachedInputTokens).toBeGreaterThan(0);
    expect(report.costUsd).toBeCloseTo((report.usage.inputTokens - report.usage.cachedInputTokens) / 1000, 6);
  });

  test("--max-cost stops the run before it overspends and says how many were not started", async () => {
    server = await servers.start({ handler: panelHandler({}, personas) });
    const out = await temporaryDirectory();
    // Each call reserves its upper bound (~700 input and 1,024 output tokens at gpt-4.1 prices,
    // about $0.0096) and really costs about $0.0017, so $0.015 covers only the first few calls.
    const run = await runCli(["compare", CLAW, SMOL, "--model", "openai:gpt-4.1", "--concurrency", "1", "--max-cost", "0.015", "--no-summary", "--out", out], { OPENAI_API_KEY: "sk-test-mc", OPENAI_BASE_URL: server.openaiBaseUrl });
    expect(run.code).toBe(1);
    const report = await readJson(join(out, "report.json"));
    expect(report.costUsd).toBeLessThanOrEqual(0.015);
    expect(report.notStarted).toBeGreaterThan(0);
    expect(server.calls.length + report.notStarted).toBe(8);
    expect(run.stderr).toContain(`stopped: ${report.notStarted} reviews were not started, --max-cost $0.015 reached`);
    const notStarted = report.tools.flatMap((tool: { failures: { kind: string }[] }) => tool.failures.filter((failure) => failure.kind === "budget"));
    expect(notStarted).toHaveLength(report.notStarted);
  });

  test("--max-cost with a model of unknown price is a configuration error", async () => {
    const run = await runCli(["review", CLAW, "--model", "ollama:qwen3:8b", "--max-cost", "1", "--out", await temporaryDirectory()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^panelist: --max-cost: no price is known for ollama:qwen3:8b/);
  });

  test("--dry-run lists the planned calls with estimates and calls nothing", async () => {
    server = await servers.start();
    const run = await runCli(["compare", CLAW, SMOL, "--model", "openai:gpt-4.1-mini,anthropic:claude-haiku-4-5", "--dry-run", "--out", await temporaryDirectory()], {
      OPENAI_API_KEY: "sk-test-dry",
      OPENAI_BASE_URL: server.openaiBaseUrl,
      ANTHROPIC_API_KEY: "sk-ant-dry",
      ANTHROPIC_BASE_URL: server.anthropicBaseUrl,
    });
    expect(run.code).toBe(0);
    expect(server.calls).toHaveLength(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines).toHaveLength(18);
    expect(lines[0]).toMatch(/^Claw Code \/ developer-experience \/ openai:gpt-4\.1-mini: ~\d+ input tokens, ≤ 1024 output, ≤ \$0\.\d{4}$/);
    expect(lines.at(-1)).toMatch(/^Dry run: 17 calls planned, ~\d+ input tokens, ≤ 16984 output tokens, ≤ \$\d+\.\d{4}; nothing was called\.$/);
  });
});

describe("bad input in a multi-tool run", () => {
  test("a bad tool is reported and skipped; the others go on; exit 1", async () => {
    server = await servers.start({ handler: panelHandler({}, personas) });
    const out = await temporaryDirectory();
    const run = await runCli(["review", CLAW, "fixtures/bad-tools/name-wrong-type.md", "fixtures/bad-tools/bad-line.jsonl", "--model", "openai:m", "--out", out], {
      OPENAI_API_KEY: "sk-test-skip",
      OPENAI_BASE_URL: server.openaiBaseUrl,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("warning: skipped: fixtures/bad-tools/name-wrong-type.md:2: name: expected string, received array");
    expect(run.stderr).toContain("warning: skipped: fixtures/bad-tools/bad-line.jsonl:2: invalid JSON");
    const report = await readJson(join(out, "report.json"));
    expect(report.tools.map((tool: { name: string }) => tool.name)).toEqual(["Claw Code", "Line One", "Line Three"]);
    expect(report.skipped).toEqual([
      { file: "fixtures/bad-tools/name-wrong-type.md", line: 2, error: "fixtures/bad-tools/name-wrong-type.md:2: name: expected string, received array" },
      { file: "fixtures/bad-tools/bad-line.jsonl", line: 2, error: expect.stringMatching(/^fixtures\/bad-tools\/bad-line\.jsonl:2: invalid JSON: /) },
    ]);
    expect(server.calls).toHaveLength(12);
  });

  test("an over-long description is cut with a warning naming the file", async () => {
    server = await servers.start({ handler: panelHandler({}, personas) });
    const out = await temporaryDirectory();
    const run = await runCli(["review", CLAW, "--personas", "skeptic", "--max-description-chars", "300", "--model", "openai:m", "--out", out, "--format", "json"], {
      OPENAI_API_KEY: "sk-test-cut",
      OPENAI_BASE_URL: server.openaiBaseUrl,
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/warning: fixtures\/tools\/claw-code\.md:9: description: \d+ characters, cut to 300 \(--max-description-chars\)/);
    const description = /Description:\n([\s\S]*)\n<\/tool_dossier>/.exec(server.calls[0]!.text)![1]!;
    expect(description.length).toBeLessThanOrEqual(300 + " […]".length);
  });
});

describe("logs", () => {
  test("--verbose prints one line per call; --log-json the same as JSON lines", async () => {
    server = await servers.start({
      handler: (call) => {
        const { tool, persona } = identifyCall(call, personas);
        if (persona === "skeptic" && call.attempt === 1) return { kind: "error", status: 429, headers: { "retry-after-ms": "3" } };
        return scriptedVerdict(tool, persona, "ship");
      },
    });
    const env = { OPENAI_API_KEY: "sk-test-log", OPENAI_BASE_URL: server.openaiBaseUrl };
    const verbose = await runCli(["review", CLAW, "--model", "openai:m", "--out", await temporaryDirectory(), "--verbose"], env);
    const lines = verbose.stderr.trim().split("\n");
    expect(lines).toHaveLength(5);
    expect(lines).toContainEqual(expect.stringMatching(/^\[retry\] Claw Code \/ skeptic \/ openai:m · attempt 1 · mode json_schema · \d+ ms · HTTP 429 · .* · retry in 3 ms$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\[ok\] Claw Code \/ skeptic \/ openai:m · attempt 2 · mode json_schema · \d+ ms · tokens in \d+ \(cached \d+\) out \d+$/));

    const json = await runCli(["review", CLAW, "--model", "openai:m", "--out", await temporaryDirectory(), "--log-json"], env);
    const events = json.stderr.trim().split("\n").map((line) => JSON.parse(line));
    expect(events).toHaveLength(4);
    expect(events.every((event) => event.event === "call" && event.tool === "Claw Code" && event.status === "ok" && typeof event.latencyMs === "number")).toBe(true);
    expect(events.map((event) => event.persona).sort()).toEqual(["business", "developer-experience", "futurist", "skeptic"]);
  });
});
