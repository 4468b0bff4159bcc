import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { loadPersonas } from "../../src/personas/load-personas.js";
import type { Persona } from "../../src/personas/persona.js";
import { reportSchema, type Report } from "../../src/report/report-schema.js";
import { verdictJsonSchema } from "../../src/verdict/verdict-schema.js";
import { startFakeLlmServer, type FakeLlmServer } from "../support/fake-llm-server.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";
import { identifyCall, isModeratorCall, panelHandler } from "../support/scripted-panel.js";

const CLAW = "fixtures/tools/claw-code.md";
const SMOL = "fixtures/tools/smolvlm2-turbo.md";
// The page this mirrors: the skeptic skipped Claw Code over its legal footing; all shipped SmolVLM2 Turbo.
const SCRIPT = { "Claw Code": { skeptic: "skip" as const } };

let personas: Persona[];
let server: FakeLlmServer | undefined;

beforeAll(async () => {
  personas = await loadPersonas();
});

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function readReport(out: string): Promise<Report> {
  return reportSchema.parse(JSON.parse(await readFile(join(out, "report.json"), "utf8")));
}

function expectClawVsSmol(report: Report): void {
  expect(report.tools.map((tool) => tool.name)).toEqual(["Claw Code", "SmolVLM2 Turbo"]);
  const [claw, smol] = report.tools;
  expect(claw!.panel).toEqual({ shipPct: 75, ship: 3, skip: 1, tied: 0, failed: 0, split: "3–1", consensus: "split" });
  expect(smol!.panel).toEqual({ shipPct: 100, ship: 4, skip: 0, tied: 0, failed: 0, split: "4–0", consensus: "ship" });
  expect(claw!.reviews.map((review) => [review.persona, review.verdict])).toEqual([
    ["developer-experience", "ship"],
    ["skeptic", "skip"],
    ["futurist", "ship"],
    ["business", "ship"],
  ]);
  expect(claw!.reviews.find((review) => review.persona === "skeptic")?.quote).toBe("skeptic says skip to Claw Code.");
  expect(report.pick?.name).toBe("SmolVLM2 Turbo");
  expect(report.pick?.reason).toContain("100%");
  expect(report.personas.map((persona) => persona.id)).toEqual(["developer-experience", "skeptic", "futurist", "business"]);
  // 8 reviews and the moderator's editor summary.
  expect(report.usage.calls).toBe(9);
  expect(report.summary).toBe("The panel backs Claw Code with one dissent. The skeptic split from the others.");
  expect(report.usage.inputTokens).toBeGreaterThan(0);
  for (const review of [...claw!.reviews, ...smol!.reviews]) {
    expect(review.usage.inputTokens).toBeGreaterThan(0);
    expect(review.usage.outputTokens).toBeGreaterThan(0);
    expect(review.latencyMs).toBeGreaterThanOrEqual(0);
  }
}

describe("panelist compare, end to end through the real SDKs", () => {
  test("OpenAI-compatible server: 8 reviews, panel math, pick, both reports", async () => {
    server = await startFakeLlmServer({ handler: panelHandler(SCRIPT, personas) });
    const out = await temporaryDirectory();
    const run = await runCli(["compare", CLAW, SMOL, "--model", "openai:gpt-4.1-mini", "--out", out], {
      OPENAI_API_KEY: "sk-test-openai-0000",
      OPENAI_BASE_URL: server.openaiBaseUrl,
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Claw Code: 75% ship (3–1)");
    expect(run.stdout).toContain("Pick: SmolVLM2 Turbo");
    const report = await readReport(out);
    expectClawVsSmol(report);
    expect(report.models).toEqual(["openai:gpt-4.1-mini"]);
    expect(report.title).toBe("Claw Code vs SmolVLM2 Turbo — which one should you ship with?");

    const markdown = await readFile(join(out, "report.md"), "utf8");
    expect(markdown).toContain("# Claw Code vs SmolVLM2 Turbo — which one should you ship with?");
    expect(markdown).toContain("| **75%** | 3–1 (split) |");
    expect(markdown).toContain("| **100%** | 4–0 (ship) |");
    expect(markdown).toMatch(/\*\*The Skeptic\*\* — SKIP · dissent \(confidence 80%, openai:gpt-4\.1-mini\): “skeptic says skip to Claw Code\.”/);
    expect(markdown).toContain("## Which one should you ship with?");
    expect(markdown).toContain("**SmolVLM2 Turbo.**");
    expect(markdown).toContain("> **Editor summary.** The panel backs Claw Code with one dissent.");
    expect(markdown).toContain("**The Skeptic** — SKIP · dissent (confidence 80%");
    // The moderator reads every verdict but not the descriptions, and is told the pick is fixed.
    const moderator = server!.calls.filter(isModeratorCall);
    expect(moderator).toHaveLength(1);
    expect(moderator[0]!.text).toContain('The Skeptic (openai:gpt-4.1-mini): skip, confidence 0.8. "skeptic says skip to Claw Code."');
    expect(moderator[0]!.text).toContain("must not change: SmolVLM2 Turbo");
    expect(moderator[0]!.text).not.toContain("clean-room re-implementation");
  });

  test("Anthropic-compatible server: the same report through the Messages API", async () => {
    server = await startFakeLlmServer({ handler: panelHandler(SCRIPT, personas) });
    const out = await temporaryDirectory();
    const run = await runCli(["compare", CLAW, SMOL, "--model", "anthropic:claude-sonnet-4-5", "--out", out], {
      ANTHROPIC_API_KEY: "sk-ant-test-0000",
      ANTHROPIC_BASE_URL: server.anthropicBaseUrl,
    });
    expect(run.code).toBe(0);
    const report = await readReport(out);
    expectClawVsSmol(report);
    expect(report.models).toEqual(["anthropic:claude-sonnet-4-5"]);
    expect(server.calls.every((call) => call.protocol === "anthropic")).toBe(true);
  });

  test("OpenAI requests carry the strict JSON Schema derived from the verdict contract", async () => {
    server = await startFakeLlmServer({ handler: panelHandler({}, personas) });
    const out = await temporaryDirectory();
    await runCli(["review", CLAW, "--model", "openai:gpt-4.1-mini", "--out", out], { OPENAI_API_KEY: "sk-test-1", OPENAI_BASE_URL: server.openaiBaseUrl });
    expect(server.calls).toHaveLength(4);
    for (const call of server.calls) {
      expect(call.body.response_format).toEqual({
        type: "json_schema",
        json_schema: { name: "submit_verdict", schema: verdictJsonSchema(), strict: true },
      });
      const schema = call.body.response_format.json_schema.schema;
      expect(schema.additionalProperties).toBe(false);
      expect(schema.required).toEqual(["verdict", "confidence", "quote", "rationale", "strengths", "risks", "pricingRead"]);
      expect(schema.properties.verdict.enum).toEqual(["ship", "skip"]);
      expect(call.body.max_tokens).toBe(1024);
    }
  });

  test("Anthropic requests force the verdict tool and mark the system prompt and the dossier cacheable", async () => {
    server = await startFakeLlmServer({ handler: panelHandler({}, personas) });
    const out = await temporaryDirectory();
    await runCli(["review", SMOL, "--model", "anthropic:claude-haiku-4-5", "--out", out], { ANTHROPIC_API_KEY: "sk-ant-x-1", ANTHROPIC_BASE_URL: server.anthropicBaseUrl });
    expect(server.calls).toHaveLength(4);
    for (const call of server.calls) {
      expect(call.body.tools).toEqual([{ name: "submit_verdict", description: expect.any(String), input_schema: verdictJsonSchema() }]);
      expect(call.body.tool_choice).toEqual({ type: "tool", name: "submit_verdict" });
      const [dossier, instructions] = call.body.messages[0].content;
      expect(call.body.system).toEqual([{ type: "text", text: expect.stringContaining("panel"), cache_control: { type: "ephemeral" } }]);
      expect(dossier.cache_control).toEqual({ type: "ephemeral" });
      expect(dossier.text).toMatch(/^<tool_dossier>\nName: SmolVLM2\u02C6Turbo\n/);
      expect(instructions.cache_control).toBeUndefined();
      expect(instructions.text).toMatch(/^You are .+, reviewing the tool in the dossier above as panel reviewer "[a-z-]+"/);
    }
    // At most 4 breakpoints are allowed; Panelist uses two (the run-wide system prompt, the tool's dossier).
    expect(JSON.stringify(server.calls[0]!.body).match(/"cache_control"/g)).toHaveLength(2);
  });

  test("every call of a run shares the system prompt with the whole panel, every persona call for one tool the dossier too; the tail names the persona", async () => {
    server = await startFakeLlmServer({ handler: panelHandler({}, personas) });
    const out = await temporaryDirectory();
    await runCli(["compare", CLAW, SMOL, "--model", "openai:m", "--out", out], { OPENAI_API_KEY: "sk-test-2", OPENAI_BASE_URL: server.openaiBaseUrl });
    const reviews = server.calls.filter((entry) => !isModeratorCall(entry));
    expect(reviews).toHaveLength(8);
    // The system message is the first message and byte-identical across tools and personas.
    expect(new Set(reviews.map((call) => JSON.stringify(call.body.messages[0]))).size).toBe(1);
    const system = reviews[0]!.body.messages[0];
    expect(system.role).toBe("system");
    for (const persona of personas) expect(system.content).toContain(persona.brief.trim());
    const byTool = new Map<string, { persona: string; user: string }[]>();
    for (const call of reviews) {
      const { tool, persona } = identifyCall(call, personas);
      const user = call.body.messages[1].content as string;
      expect(user.startsWith("<tool_dossier>")).toBe(true);
      byTool.set(tool, [...(byTool.get(tool) ?? []), { persona, user }]);
    }
    expect([...byTool.keys()].sort()).toEqual(["Claw Code", "SmolVLM2 Turbo"]);
    for (const calls of byTool.values()) {
      expect(calls.map((call) => call.persona).sort()).toEqual(personas.map((persona) => persona.id).sort());
      const dossier = calls[0]!.user.slice(0, calls[0]!.user.indexOf("</tool_dossier>") + "</tool_dossier>".length);
      for (const { persona, user } of calls) {
        expect(user.startsWith(dossier)).toBe(true);
        // After the dossier only a short tail, naming the one reviewer who speaks.
        const tail = user.slice(dossier.length);
        expect(tail).toContain(`panel reviewer "${persona}"`);
        expect(tail.length).toBeLessThan(400);
      }
    }
  });

  test("a failed review is listed, the rest still report, exit 1", async () => {
    server = await startFakeLlmServer({
      handler: (call) => {
        const { tool, persona } = identifyCall(call, personas);
        if (tool === "Claw Code" && persona === "futurist") return { kind: "error", status: 400, message: "bad request from test" };
        return panelHandler({}, personas)(call);
      },
    });
    const out = await temporaryDirectory();
    const run = await runCli(["compare", CLAW, SMOL, "--model", "openai:m", "--out", out], { OPENAI_API_KEY: "sk-test-3", OPENAI_BASE_URL: server.openaiBaseUrl });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/failed: Claw Code \/ futurist \/ openai:m: .*HTTP 400/);
    const report = await readReport(out);
    const claw = report.tools[0]!;
    expect(claw.panel).toMatchObject({ shipPct: 100, ship: 3, skip: 0, failed: 1 });
    expect(claw.failures).toEqual([
      expect.objectContaining({ persona: "futurist", model: "openai:m", kind: "http", attempts: 1, error: expect.stringContaining("HTTP 400") }),
    ]);
    expect(report.tools[1]!.reviews).toHaveLength(4);
  });

  test("--personas picks a subset, in the order given", async () => {
    server = await startFakeLlmServer({ handler: panelHandler({}, personas) });
    const out = await temporaryDirectory();
    const run = await runCli(["review", CLAW, "--personas", "skeptic,business", "--model", "openai:m", "--out", out, "--format", "json"], {
      OPENAI_API_KEY: "sk-test-4",
      OPENAI_BASE_URL: server.openaiBaseUrl,
    });
    expect(run.code).toBe(0);
    const report = await readReport(out);
    expect(report.personas.map((persona) => persona.id)).toEqual(["skeptic", "business"]);
    expect(report.tools[0]!.reviews.map((review) => review.persona)).toEqual(["skeptic", "business"]);
    expect(report.pick).toBeUndefined();
    await expect(readFile(join(out, "report.md"), "utf8")).rejects.toThrow();
  });
});

describe("prompt-cache share", () => {
  test("report.json says what share of input tokens came from the provider's cache", async () => {
    const personas = await loadPersonas();
    const cacheServer = await startFakeLlmServer({ handler: panelHandler({}, personas) });
    try {
      const out = await temporaryDirectory();
      await runCli(["review", CLAW, "--model", "anthropic:claude-sonnet-4-5", "--concurrency", "1", "--out", out, "--format", "json"], { ANTHROPIC_API_KEY: "sk-ant-share", ANTHROPIC_BASE_URL: cacheServer.anthropicBaseUrl });
      const report = await readReport(out);
      // Calls 2–4 read the tool definition, system prompt and dossier from the cache.
      expect(report.usage.cachedInputTokens).toBeGreaterThan(0);
      expect(report.usage.cachedShare).toBeCloseTo(report.usage.cachedInputTokens / report.usage.inputTokens, 4);
      expect(report.tools[0]!.reviews[0]!.usage.cachedInputTokens).toBe(0);
      expect(report.tools[0]!.reviews[1]!.usage.cachedInputTokens).toBeGreaterThan(0);

      // A second tool's first call already reads the tool definition and system prompt (the run-wide
      // breakpoint); its later calls read its dossier too.
      const two = await temporaryDirectory();
      await runCli(["review", CLAW, SMOL, "--model", "anthropic:claude-sonnet-4-5", "--concurrency", "1", "--out", two, "--format", "json"], { ANTHROPIC_API_KEY: "sk-ant-share", ANTHROPIC_BASE_URL: cacheServer.anthropicBaseUrl });
      const [first, second] = (await readReport(two)).tools[1]!.reviews.map((review) => review.usage.cachedInputTokens);
      expect(first).toBeGreaterThan(0);
      expect(second).toBeGreaterThan(first!);
    } finally {
      await cacheServer.close();
    }
  });
});
