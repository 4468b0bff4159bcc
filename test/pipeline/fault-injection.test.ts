import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { resolveConfig } from "../../src/config/resolve-config.js";
import { FLAG_NAMES } from "../../src/cli/parse-command-line.js";
import type { CallEvent } from "../../src/pipeline/call-event.js";
import { reviewTools } from "../../src/engine/review-tools.js";
import type { FakeLlmServer, FakeReply } from "../support/fake-llm-server.js";
import { useBuiltInPersonas, useFakeLlmServers } from "../support/panel-fixtures.js";
import { temporaryDirectory, runCli } from "../support/run-cli.js";
import { identifyCall, isModeratorCall, moderatorReply, scriptedVerdict } from "../support/scripted-panel.js";

const TOOLS = ["fixtures/tools/claw-code.md", "fixtures/tools/smolvlm2-turbo.md"];
const personas = useBuiltInPersonas();
const servers = useFakeLlmServers();
let server: FakeLlmServer | undefined;

const PROSE_WRAPPED = (tool: string, persona: string): FakeReply => ({
  kind: "text",
  text: `Sure! Here is my review of ${tool} as ${persona}:\n\n\`\`\`json\n{'verdict': 'Ship', 'confidence': 85, 'quote': 'Worth it.', 'rationale': 'r', 'strengths': ['a',], 'risks': []}\n\`\`\`\nHope that helps!`,
});

/** First-attempt faults by "tool/persona": 4 of 8 calls per run, every kind covered across the two runs. */
const FAULTS: Record<"openai" | "anthropic", Record<string, (tool: string, persona: string) => FakeReply>> = {
  openai: {
    "Claw Code/developer-experience": () => ({ kind: "error", status: 429, headers: { "retry-after-ms": "5" } }),
    "Claw Code/skeptic": () => ({ kind: "error", status: 500 }),
    "SmolVLM2 Turbo/futurist": () => ({ kind: "hang" }),
    "SmolVLM2 Turbo/business": () => ({ kind: "text", text: '{"verdict": "ship", "confidence": 0.9, "quote": "Great' }),
  },
  anthropic: {
    "Claw Code/futurist": () => ({ kind: "error", status: 529 }),
    "Claw Code/business": () => ({ kind: "reset" }),
    "SmolVLM2 Turbo/developer-experience": () => ({ kind: "json", value: { verdict: "ship" }, finishReason: "length" }),
    "SmolVLM2 Turbo/skeptic": () => ({ kind: "truncated-body" }),
  },
};

async function faultyRun(protocol: "openai" | "anthropic") {
  server = await servers.start({
    handler: (call) => {
      if (isModeratorCall(call)) return moderatorReply(call);
      const { tool, persona } = identifyCall(call, personas);
      const fault = FAULTS[protocol][`${tool}/${persona}`];
      // Only the first attempt of a call fails; repairs (which add turns) and retries succeed.
      const firstAsk = (call.body.messages as unknown[]).length === (protocol === "openai" ? 2 : 1);
      if (fault && call.attempt === 1 && firstAsk) return fault(tool, persona);
      if (tool === "SmolVLM2 Turbo" && persona === "skeptic" && protocol === "openai") return PROSE_WRAPPED(tool, persona);
      return scriptedVerdict(tool, persona, tool === "Claw Code" && persona === "skeptic" ? "skip" : "ship");
    },
  });
  const model = protocol === "openai" ? "openai:gpt-4.1-mini" : "anthropic:claude-haiku-4-5";
  const env = protocol === "openai" ? { OPENAI_API_KEY: "sk-test-faults", OPENAI_BASE_URL: server.openaiBaseUrl } : { ANTHROPIC_API_KEY: "sk-ant-faults", ANTHROPIC_BASE_URL: server.anthropicBaseUrl };
  const out = await temporaryDirectory();
  // The hanging call needs a real per-call timeout; 5 s is ten times what a loaded machine takes
  // to answer the others, so only the hang times out (0.5 s let a slow answer time out too).
  const { config, credentials } = resolveConfig({ flags: { models: [model], out, store: join(out, "panelist.db"), timeoutSeconds: "5" }, flagNames: FLAG_NAMES, dotenv: {}, environment: env });
  const events: CallEvent[] = [];
  // Backoff shrunk to 1 ms: retry timing itself is covered with fake timers in call-with-retries.test.ts.
  const result = await reviewTools({ toolFiles: TOOLS, config, credentials, compare: true, onCall: (event) => events.push(event), retryPolicy: { baseDelayMs: 1, maxDelayMs: 2 } });
  return { ...result, events };
}

describe.each(["openai", "anthropic"] as const)("fault injection through the %s SDK", (protocol) => {
  test("half the first attempts fail in scripted ways; all 8 reviews come back", async () => {
    const { report, events } = await faultyRun(protocol);
    expect(report.tools.flatMap((tool) => tool.failures)).toEqual([]);
    expect(report.tools.map((tool) => tool.reviews.length)).toEqual([4, 4]);
    expect(report.tools[0]!.panel).toMatchObject({ shipPct: 75, split: "3–1" });
    expect(report.tools[1]!.panel).toMatchObject({ shipPct: 100, split: "4–0" });
    expect(report.pick?.name).toBe("SmolVLM2 Turbo");
    // 8 reviews + one extra call per fault + the editor summary.
    expect(report.usage.calls).toBe(13);
    expect(report.summary).toBeDefined();
    const retried = events.filter((event) => event.status === "retry");
    const byReview = (tool: string, persona: string) => report.tools.find((entry) => entry.name === tool)!.reviews.find((review) => review.persona === persona)!;
    if (protocol === "openai") {
      expect(retried.map((event) => [event.persona, event.httpStatus ?? event.errorKind])).toEqual(
        expect.arrayContaining([["developer-experience", 429], ["skeptic", 500], ["futurist", "timeout"]]),
      );
      expect(retried.find((event) => event.httpStatus === 429)?.retryInMs).toBe(5);
      expect(byReview("SmolVLM2 Turbo", "business")).toMatchObject({ attempts: 2, reasked: true });
      expect(byReview("SmolVLM2 Turbo", "skeptic")).toMatchObject({ verdict: "ship", confidence: 0.85, repairs: expect.arrayContaining(["code fence", "single quotes", "confidence as percentage"]) });
    } else {
      expect(retried.map((event) => [event.persona, event.httpStatus ?? event.errorKind])).toEqual(
        expect.arrayContaining([["futurist", 529], ["business", "connection"]]),
      );
      expect(byReview("SmolVLM2 Turbo", "developer-experience")).toMatchObject({ attempts: 2, reasked: true });
      expect(byReview("SmolVLM2 Turbo", "skeptic").attempts).toBe(2);
    }
  }, 30_000);
});

test("a fault that never clears: exit 1 and every failure named", async () => {
  server = await servers.start({ handler: () => ({ kind: "error", status: 500, message: "upstream on fire", headers: { "retry-after-ms": "1" } }) });
  const out = await temporaryDirectory();
  const run = await runCli(["compare", ...TOOLS, "--model", "openai:m", "--max-retries", "2", "--out", out], { OPENAI_API_KEY: "sk-test-never", OPENAI_BASE_URL: server.openaiBaseUrl });
  expect(run.code).toBe(1);
  const failedLines = run.stderr.split("\n").filter((line) => line.startsWith("failed: "));
  expect(failedLines).toHaveLength(8);
  for (const tool of ["Claw Code", "SmolVLM2 Turbo"]) {
    for (const persona of ["developer-experience", "skeptic", "futurist", "business"]) {
      expect(failedLines).toContainEqual(expect.stringMatching(new RegExp(`^failed: ${tool} / ${persona} / openai:m: .*HTTP 500.*upstream on fire`)));
    }
  }
  // 8 reviews, each tried 3 times; with no verdict there is no pick and no summary to ask for.
  expect(server.calls).toHaveLength(8 * 3);
  expect(run.stdout).toContain("Pick: none — No reviewer answered for any tool: the panel has nothing to pick from.");
  expect(run.stderr).not.toContain("openai:m: openai:m:");
  expect(run.stdout).toContain("Reviews: 0 done, 8 failed");
});

test("a refusal is a failure with its own reason and is not retried", async () => {
  server = await servers.start({
    handler: (call) => {
      const { tool, persona } = identifyCall(call, personas);
      return persona === "skeptic" ? { kind: "refusal", text: "I won't review this." } : scriptedVerdict(tool, persona, "ship");
    },
  });
  const out = await temporaryDirectory();
  const run = await runCli(["review", TOOLS[0]!, "--model", "openai:m", "--out", out, "--format", "json"], { OPENAI_API_KEY: "sk-test-refuse", OPENAI_BASE_URL: server.openaiBaseUrl });
  expect(run.code).toBe(1);
  expect(server.calls).toHaveLength(4);
  const report = JSON.parse(await (await import("node:fs/promises")).readFile(`${out}/report.json`, "utf8"));
  expect(report.tools[0].failures).toEqual([expect.objectContaining({ persona: "skeptic", kind: "refusal", attempts: 1, rawText: "I won't review this." })]);
});

test("an answer still unusable after the repair is recorded with its raw text", async () => {
  server = await servers.start({ handler: () => ({ kind: "text", text: "I'd say ship, probably." }) });
  const out = await temporaryDirectory();
  const run = await runCli(["review", TOOLS[0]!, "--personas", "skeptic", "--model", "openai:m", "--out", out, "--format", "json"], { OPENAI_API_KEY: "sk-test-junk", OPENAI_BASE_URL: server.openaiBaseUrl });
  expect(run.code).toBe(1);
  expect(server.calls).toHaveLength(2);
  // The re-ask carries the bad answer and the problem.
  const reask = server.calls[1]!.body.messages;
  expect(reask.at(-2)).toEqual({ role: "assistant", content: "I'd say ship, probably." });
  expect(reask.at(-1).content).toContain("Your previous answer could not be used: unusable answer: no JSON object found");
  const report = JSON.parse(await (await import("node:fs/promises")).readFile(`${out}/report.json`, "utf8"));
  expect(report.tools[0].failures[0]).toMatchObject({ kind: "parse", attempts: 2, rawText: "I'd say ship, probably.", error: "unusable answer: no JSON object found" });
});
