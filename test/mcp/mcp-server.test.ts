import { join, resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Progress } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { loadPersonas } from "../../src/personas/load-personas.js";
import type { Persona } from "../../src/personas/persona.js";
import { reportSchema } from "../../src/report/report-schema.js";
import { startFakeLlmServer, type FakeHandler, type FakeLlmServer } from "../support/fake-llm-server.js";
import { temporaryDirectory } from "../support/run-cli.js";
import { panelHandler } from "../support/scripted-panel.js";
import { PANELIST_BIN } from "../support/panelist-bin.js";

// What a user runs: the bundled bin of package.json.
const BIN = PANELIST_BIN;
const CLAW = resolve("fixtures/tools/claw-code.md");
const SMOL = resolve("fixtures/tools/smolvlm2-turbo.md");
const SCRIPT = { "Claw Code": { skeptic: "skip" as const } };

let personas: Persona[];
let server: FakeLlmServer | undefined;
let client: Client | undefined;

beforeAll(async () => {
  personas = await loadPersonas();
});

afterEach(async () => {
  await client?.close();
  client = undefined;
  await server?.close();
  server = undefined;
});

interface Connected {
  client: Client;
  /** The server's stderr so far. */
  stderr: () => string;
  /** Errors the client raised, a line on stdout that is not a protocol message among them. */
  errors: Error[];
}

/** Spawns `panelist mcp` the way a chat client does and connects the SDK's own client to it. */
async function connect(extraArgs: string[] = [], handler?: FakeHandler): Promise<Connected> {
  server = await startFakeLlmServer({ handler: handler ?? panelHandler(SCRIPT, personas) });
  const folder = await temporaryDirectory();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, "mcp", "--model", "openai:gpt-4.1-mini", "--store", join(folder, "p.db"), ...extraArgs],
    env: { PATH: process.env.PATH ?? "", OPENAI_API_KEY: "sk-test-mcp-0000", OPENAI_BASE_URL: server.openaiBaseUrl },
    cwd: folder,
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
  const errors: Error[] = [];
  client = new Client({ name: "panelist-test", version: "0.0.0" });
  client.onerror = (error) => void errors.push(error);
  await client.connect(transport);
  return { client, stderr: () => stderr, errors };
}

function textOf(result: object): string {
  return ((result as { content?: { text?: string }[] }).content ?? []).map((part) => part.text ?? "").join("\n");
}

describe("panelist mcp, through the SDK's client over stdio", () => {
  test("lists its tools with their input fields", async () => {
    const { client, errors } = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(["compare_tools", "get_run", "list_runs", "rerun_review", "review_tools"]);
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    expect(Object.keys(byName.get("compare_tools")!.inputSchema.properties ?? {})).toEqual(["tools", "personas"]);
    expect(byName.get("review_tools")!.inputSchema.required).toEqual(["tools"]);
    expect(Object.keys(byName.get("get_run")!.inputSchema.properties ?? {})).toEqual(["runId", "format"]);
    expect(Object.keys(byName.get("list_runs")!.inputSchema.properties ?? {})).toEqual(["limit"]);
    expect(Object.keys(byName.get("rerun_review")!.inputSchema.properties ?? {})).toEqual(["runId", "tool", "persona", "model"]);
    expect(byName.get("rerun_review")!.inputSchema.required).toEqual(["runId", "tool", "persona"]);
    expect(errors).toEqual([]);
  });

  test("compare_tools: 75% / 100%, the pick, progress as reviews finish; then list_runs and get_run read the stored run", async () => {
    const { client, errors, stderr } = await connect();
    const progress: Progress[] = [];
    const result = await client.callTool({ name: "compare_tools", arguments: { tools: [CLAW, SMOL] } }, undefined, { onprogress: (update) => void progress.push(update) });
    expect(result.isError, `${textOf(result)}\n${stderr()}`).toBeFalsy();
    const report = reportSchema.parse(result.structuredContent);
    expect(report.tools.map((tool) => [tool.name, tool.panel.shipPct, tool.panel.split])).toEqual([
      ["Claw Code", 75, "3–1"],
      ["SmolVLM2 Turbo", 100, "4–0"],
    ]);
    expect(report.pick?.name).toBe("SmolVLM2 Turbo");
    const text = textOf(result);
    expect(text).toContain("## Claw Code: 75% ship (3–1, split)");
    expect(text).toContain("## SmolVLM2 Turbo: 100% ship (4–0, ship)");
    expect(text).toContain("**Pick: SmolVLM2 Turbo**");
    expect(text).toMatch(/The Skeptic \(openai:gpt-4\.1-mini\): SKIP, confidence 80% — “skeptic says skip to Claw Code\.”/);
    const runId = /Run (\S+):/.exec(text)?.[1];
    expect(runId).toBeDefined();
    expect(progress.map((update) => update.progress)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(progress.every((update) => update.total === 8)).toBe(true);

    const listed = await client.callTool({ name: "list_runs", arguments: {} });
    const runs = (listed.structuredContent as { runs: { id: string; command: string; reviews: number; status: string }[] }).runs;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: runId, command: "compare", reviews: 8, status: "finished" });
    expect(textOf(listed)).toContain(`${runId} · compare`);

    const markdown = textOf(await client.callTool({ name: "get_run", arguments: { runId, format: "md" } }));
    expect(markdown).toContain("# Claw Code vs SmolVLM2 Turbo — which one should you ship with?");
    expect(markdown).toContain("| **75%** | 3–1 (split) |");
    const json = await client.callTool({ name: "get_run", arguments: { runId, format: "json" } });
    expect(reportSchema.parse(json.structuredContent).pick?.name).toBe("SmolVLM2 Turbo");
    const resource = await client.readResource({ uri: `panelist://runs/${runId}/report.md` });
    expect((resource.contents[0] as { text: string }).text).toContain("| **100%** | 4–0 (ship) |");

    const missing = await client.callTool({ name: "get_run", arguments: { runId: "no-such-run" } });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toContain('no run "no-such-run"');
    // Every line on stdout was a protocol message, and the key never reached the log.
    expect(errors).toEqual([]);
    expect(stderr()).not.toContain("sk-test-mcp-0000");
  });

  test("rerun_review: the skeptic asked again replaces its review in the stored run; a model the server does not have is refused", async () => {
    let skepticShips = false;
    const { client, errors, stderr } = await connect([], (call) => panelHandler(skepticShips ? {} : SCRIPT, personas)(call));
    const compared = await client.callTool({ name: "compare_tools", arguments: { tools: [CLAW, SMOL] } });
    const runId = /Run (\S+):/.exec(textOf(compared))![1]!;
    const calls = server!.calls.length;

    const refused = await client.callTool({ name: "rerun_review", arguments: { runId, tool: "Claw Code", persona: "skeptic", model: "openai:gpt-9" } });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toBe(`model: "openai:gpt-9" is not one of this server's models (openai:gpt-4.1-mini) or the run's (openai:gpt-4.1-mini)`);
    const badPersona = await client.callTool({ name: "rerun_review", arguments: { runId, tool: "Claw Code", persona: "poet" } });
    expect(textOf(badPersona)).toContain('has no persona "poet"');
    expect(server!.calls).toHaveLength(calls);

    skepticShips = true;
    const progress: Progress[] = [];
    const result = await client.callTool({ name: "rerun_review", arguments: { runId, tool: "Claw Code", persona: "skeptic" } }, undefined, { onprogress: (update) => void progress.push(update) });
    expect(result.isError, `${textOf(result)}\n${stderr()}`).toBeFalsy();
    const text = textOf(result);
    expect(text).toContain("skeptic on Claw Code, asked again");
    expect(text).toContain('- openai:gpt-4.1-mini: ship (80%) — "skeptic says ship to Claw Code."');
    expect(text).toContain("Panel now: 100% ship (4–0).");
    const structured = result.structuredContent as { rerun: { reviewed: number; replaced: { oldId: number; newId: number }[] } };
    expect(structured.rerun.reviewed).toBe(1);
    expect(structured.rerun.replaced).toHaveLength(1);
    expect(progress.map((update) => [update.progress, update.total])).toEqual([[1, 1]]);

    const stored = reportSchema.parse((await client.callTool({ name: "get_run", arguments: { runId, format: "json" } })).structuredContent);
    expect(stored.tools[0]).toMatchObject({ name: "Claw Code", panel: { shipPct: 100, split: "4–0" } });
    expect(stored.tools[0]!.reviews.find((review) => review.persona === "skeptic")!.id).toBe(structured.rerun.replaced[0]!.newId);
    expect(errors).toEqual([]);
  });

  test("rerun_review that fails: a tool error naming the model and why, and the earlier review stays current", async () => {
    let failing = false;
    const { client, errors } = await connect([], (call) => (failing ? { kind: "error", status: 401, message: "Incorrect API key provided" } : panelHandler(SCRIPT, personas)(call)));
    const compared = await client.callTool({ name: "compare_tools", arguments: { tools: [CLAW, SMOL] } });
    const runId = /Run (\S+):/.exec(textOf(compared))![1]!;
    const before = reportSchema.parse((await client.callTool({ name: "get_run", arguments: { runId, format: "json" } })).structuredContent);
    const skeptic = before.tools[0]!.reviews.find((review) => review.persona === "skeptic")!;
    expect(skeptic.verdict).toBe("skip");

    failing = true;
    const result = await client.callTool({ name: "rerun_review", arguments: { runId, tool: "Claw Code", persona: "skeptic" } });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(/^The re-run failed: openai:gpt-4\.1-mini: .*Incorrect API key provided.*\. The earlier review stays current\./);
    expect(text).toContain("Panel now: 75% ship (3–1).");
    const structured = result.structuredContent as { rerun: { reviewed: number; failed: number; replaced: unknown[] } };
    expect(structured.rerun).toMatchObject({ reviewed: 0, failed: 1, replaced: [] });

    const after = reportSchema.parse((await client.callTool({ name: "get_run", arguments: { runId, format: "json" } })).structuredContent);
    expect(after.tools[0]!.reviews.find((review) => review.persona === "skeptic")).toMatchObject({ id: skeptic.id, verdict: "skip" });
    expect(after.tools[0]!.panel).toMatchObject({ shipPct: 75, split: "3–1" });
    expect(errors).toEqual([]);
  });

  test("a tool file that does not exist is a tool error naming it, with no call made", async () => {
    const { client, errors } = await connect();
    const missing = resolve("fixtures/tools/no-such-tool.md");
    const result = await client.callTool({ name: "compare_tools", arguments: { tools: [CLAW, missing] } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(missing);
    expect(textOf(result)).not.toMatch(/\n\s+at /);
    expect(server!.calls).toHaveLength(0);
    expect(errors).toEqual([]);
  });

  test("personas can narrow the panel, never widen it", async () => {
    const { client } = await connect();
    const unknown = await client.callTool({ name: "review_tools", arguments: { tools: [CLAW], personas: ["skeptic", "pirate"] } });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toContain('"pirate" is not on this server\'s panel');
    const narrowed = await client.callTool({ name: "review_tools", arguments: { tools: [CLAW], personas: ["skeptic"] } });
    expect(narrowed.isError, textOf(narrowed)).toBeFalsy();
    expect(reportSchema.parse(narrowed.structuredContent).tools[0]!.reviews.map((review) => [review.persona, review.verdict])).toEqual([["skeptic", "skip"]]);
  });

  test("an inline tool is reviewed like a tool file", async () => {
    const { client } = await connect();
    const result = await client.callTool({
      name: "review_tools",
      arguments: { tools: [{ name: "Inline Widget", tagline: "A widget", description: "Inline Widget turns meeting notes into tasks and files them in your tracker.", pricing: "Free" }], personas: ["futurist"] },
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(reportSchema.parse(result.structuredContent).tools.map((tool) => [tool.name, tool.reviews.length])).toEqual([["Inline Widget", 1]]);
  });

  test("the server's --max-cost holds: reviews past it are not started, no call is made, and the answer says so", async () => {
    const { client, errors } = await connect(["--max-cost", "0.000001"]);
    const result = await client.callTool({ name: "compare_tools", arguments: { tools: [CLAW, SMOL] } });
    expect(result.isError, textOf(result)).toBeFalsy();
    const report = reportSchema.parse(result.structuredContent);
    expect(report.notStarted).toBe(8);
    expect(server!.calls).toHaveLength(0);
    expect(textOf(result)).toContain("Not started: 8 reviews (the server's --max-cost $0.000001 would have been exceeded)");
    expect(errors).toEqual([]);
  });
});

describe("spending and stopping", () => {
  test("--max-session-cost: each request gets only what is left of the session's cap; past it nothing starts", async () => {
    const { client } = await connect(["--max-session-cost", "0.005"]);
    let spent = 0;
    let lastText = "";
    let callsAtLast = 0;
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const before = server!.calls.length;
      // New tools each time: answers the store already has would cost nothing.
      const tools = [0, 1].map((index) => ({ name: `Tool ${attempt}-${index}`, description: `Tool ${attempt}-${index} does one thing well.` }));
      const answer = (await client.callTool({ name: "compare_tools", arguments: { tools } })) as { isError?: boolean; structuredContent?: unknown; content?: { text: string }[] };
      expect(answer.isError).toBeFalsy();
      spent += reportSchema.parse(answer.structuredContent).costUsd ?? 0;
      lastText = answer.content?.[0]?.text ?? "";
      callsAtLast = server!.calls.length - before;
    }
    // The first compare fits; what is left afterwards fits no review's upper bound.
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(0.005);
    expect(callsAtLast).toBe(0);
    expect(lastText).toMatch(/Not started: 8 reviews \(the server.s --max-cost \$0\.00\d+ would have been exceeded\)/);
  }, 60_000);

  test("a cancelled compare stops: what was stored is kept, and the same request again asks only for the rest", async () => {
    const { client } = await connect(["--concurrency", "1"]);
    server!.setHandler((call) => ({ ...(panelHandler(SCRIPT, personas)(call) as object), delayMs: 60 }) as ReturnType<ReturnType<typeof panelHandler>>);
    const controller = new AbortController();
    const cancelled = client
      .callTool({ name: "compare_tools", arguments: { tools: [CLAW, SMOL] } }, undefined, {
        signal: controller.signal,
        onprogress: (progress: Progress) => {
          if (progress.progress >= 2) controller.abort();
        },
      })
      .catch((error: Error) => error);
    expect(await cancelled).toBeInstanceOf(Error);
    // The server finishes the call in flight and stores it; give it a moment to settle.
    let runs: { status: string; reviews: number }[] = [];
    for (let tries = 0; tries < 50; tries += 1) {
      const listed = (await client.callTool({ name: "list_runs", arguments: {} })) as { structuredContent?: { runs: { status: string; reviews: number }[] } };
      runs = listed.structuredContent?.runs ?? [];
      if (runs[0]?.status === "interrupted") break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(runs[0]?.status).toBe("interrupted");
    const kept = runs[0]!.reviews;
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(8);
    const before = server!.calls.length;
    const again = (await client.callTool({ name: "compare_tools", arguments: { tools: [CLAW, SMOL] } })) as { isError?: boolean; structuredContent?: unknown };
    expect(again.isError).toBeFalsy();
    // The missing reviews and the editor summary, nothing that was kept.
    expect(server!.calls.length - before).toBe(8 - kept + 1);
    expect(reportSchema.parse(again.structuredContent).pick?.name).toBe("SmolVLM2 Turbo");
  }, 60_000);
});

