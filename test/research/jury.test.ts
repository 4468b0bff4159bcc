import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { reportSchema, type Report } from "../../src/report/report-schema.js";
import type { PanelStats } from "../../src/stats/panel-stats.js";
import type { FakeLlmServer } from "../support/fake-llm-server.js";
import { useBuiltInPersonas, useFakeLlmServers } from "../support/panel-fixtures.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";
import { identifyCall, isModeratorCall, moderatorReply, scriptedVerdict } from "../support/scripted-panel.js";

const TOOLS = ["fixtures/tools/claw-code.md", "fixtures/tools/smolvlm2-turbo.md", "fixtures/tools/beam-browser.md", "fixtures/tools/forge-cli.md"];
const personas = useBuiltInPersonas();
const servers = useFakeLlmServers();
let server: FakeLlmServer | undefined;

/**
 * Two models that disagree in a scripted way, over 4 tools and 2 personas:
 *   alpha: skeptic ships Claw Code and SmolVLM2 Turbo, skips the rest; futurist ships all.
 *   beta:  skeptic ships Claw Code only; futurist ships all but Forge CLI.
 */
const SHIPS: Record<string, Record<string, string[]>> = {
  "openai:alpha": { skeptic: ["Claw Code", "SmolVLM2 Turbo"], futurist: ["Claw Code", "SmolVLM2 Turbo", "Beam Browser", "Forge CLI"] },
  "openai:beta": { skeptic: ["Claw Code"], futurist: ["Claw Code", "SmolVLM2 Turbo", "Beam Browser"] },
};

async function juryRun(extra: string[] = []): Promise<{ out: string; report: Report; stderr: string; code: number }> {
  server = await servers.start({
    handler: (call) => {
      if (isModeratorCall(call)) return moderatorReply(call);
      const { tool, persona } = identifyCall(call, personas);
      return scriptedVerdict(tool, persona, SHIPS[`openai:${call.model}`]![persona]!.includes(tool) ? "ship" : "skip");
    },
  });
  const out = await temporaryDirectory();
  const run = await runCli(["review", ...TOOLS, "--personas", "skeptic,futurist", "--model", "openai:alpha,openai:beta", "--out", out, ...extra], { OPENAI_API_KEY: "sk-test-jury", OPENAI_BASE_URL: server.openaiBaseUrl });
  const report = reportSchema.parse(JSON.parse(await readFile(join(out, "report.json"), "utf8")));
  return { out, report, stderr: run.stderr, code: run.code };
}

describe("juries of models", () => {
  test("every persona reviews every tool with every model; one vote per persona; ties count as split", async () => {
    const { report, code } = await juryRun();
    expect(code).toBe(0);
    expect(server!.calls).toHaveLength(4 * 2 * 2);
    const smol = report.tools.find((tool) => tool.name === "SmolVLM2 Turbo")!;
    expect(smol.reviews).toHaveLength(4);
    expect(smol.personaVotes).toEqual([
      { persona: "skeptic", verdict: "tie", ship: 1, skip: 1, stability: "1/2 ship (tie)" },
      { persona: "futurist", verdict: "ship", ship: 2, skip: 0, stability: "2/2 ship" },
    ]);
    expect(smol.panel).toMatchObject({ shipPct: 50, ship: 1, skip: 0, tied: 1, split: "1–0 (1 tied)", consensus: "split" });
    const claw = report.tools.find((tool) => tool.name === "Claw Code")!;
    expect(claw.panel).toMatchObject({ shipPct: 100, consensus: "ship" });
  });

  test("stats.json and the report.md section: persona × model table, κ by hand, pairwise matrix", async () => {
    const { out } = await juryRun();
    const stats = JSON.parse(await readFile(join(out, "stats.json"), "utf8")) as PanelStats;
    expect(stats.byModel.map((row) => [row.model, row.ship, row.n])).toEqual([["openai:alpha", 6, 8], ["openai:beta", 4, 8]]);
    expect(stats.byPersona.map((row) => [row.persona, row.ship, row.n])).toEqual([["skeptic", 3, 8], ["futurist", 7, 8]]);
    const cell = stats.matrix.find((row) => row.persona === "skeptic" && row.model === "openai:beta")!;
    expect([cell.ship, cell.n, cell.rate]).toEqual([1, 4, 0.25]);
    expect(cell.low).toBeCloseTo(0.0456, 3);
    expect(cell.high).toBeCloseTo(0.6994, 3);
    // Persona votes per tool (tie → no vote): Claw [ship, ship], SmolVLM2 [–, ship], Beam [skip, ship], Forge [skip, –].
    // Two subjects rated twice: P̄ = (1 + 0) / 2 = 0.5; shares ship 3/4, skip 1/4 → P̄e = 0.625; κ = −0.125 / 0.375.
    expect(stats.acrossPersonas.subjects).toBe(2);
    expect(stats.acrossPersonas.kappa).toBeCloseTo(-1 / 3, 3);
    // Skeptic's two models: agree on 3 of 4 tools; shares ship 3/8 → P̄e = 0.53125; κ = 0.21875 / 0.46875.
    expect(stats.acrossModels.find((row) => row.persona === "skeptic")!.kappa).toBeCloseTo(0.4667, 3);
    // Futurist's: agree on 3 of 4; shares ship 7/8 → P̄e = 0.78125; κ = −0.03125 / 0.21875.
    expect(stats.acrossModels.find((row) => row.persona === "futurist")!.kappa).toBeCloseTo(-0.1429, 3);
    expect(stats.pairwise).toEqual([[1, 0.5], [0.5, 1]]);
    expect(stats.acrossSamples).toBeNull();
    const markdown = await readFile(join(out, "report.md"), "utf8");
    expect(markdown).toContain("## Statistics");
    expect(markdown).toContain("| skeptic | 50% [15%, 85%] (2/4) | 25% [4.6%, 69.9%] (1/4) | 37.5% [13.7%, 69.4%] (3/8) |");
    // α by hand: Claw gives two ship–ship coincidences, Beam one ship–skip each way: n = 4, α = 1 − 3·2/6 = 0.
    // AC1: Pa = 0.5, π_ship = 0.75, Pe = 2·0.75·0.25 = 0.375, AC1 = 0.125 / 0.625 = 0.2.
    expect(markdown).toContain("| across personas (tools) | 2 | -0.333 | 0.000 | 0.200 |");
    expect(markdown).toContain("| across models, skeptic | 4 | 0.467 |");
  });

  test("panelist stats on the report prints the same table and writes stats.json", async () => {
    const { out } = await juryRun();
    const stats = await runCli(["stats", join(out, "report.json"), "--out", await temporaryDirectory()]);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toContain("| across personas (tools) | 2 | -0.333 |");
    expect(stats.stdout).toContain("| across models, futurist | 4 | -0.143 |");
    expect(stats.stdout).toMatch(/\| skeptic \| 100% \| 50% \|/);
  });

  test("--assign gives a persona its own model", async () => {
    server = await servers.start({ handler: (call) => (isModeratorCall(call) ? moderatorReply(call) : scriptedVerdict("x", "y", "ship")) });
    const out = await temporaryDirectory();
    const run = await runCli(["review", TOOLS[0]!, "--personas", "skeptic,futurist", "--model", "openai:alpha", "--assign", "skeptic=openai:beta", "--out", out], { OPENAI_API_KEY: "sk-test-assign", OPENAI_BASE_URL: server.openaiBaseUrl });
    expect(run.code).toBe(0);
    const report = reportSchema.parse(JSON.parse(await readFile(join(out, "report.json"), "utf8")));
    expect(report.tools[0]!.reviews.map((review) => [review.persona, review.model])).toEqual([["skeptic", "openai:beta"], ["futurist", "openai:alpha"]]);
    expect(report.manifest?.assign).toEqual({ skeptic: ["openai:beta"] });
    // Both models get the same system prompt, listing the run's whole panel, whichever persona they voice.
    const reviewCalls = server.calls.filter((call) => !isModeratorCall(call));
    expect(new Set(reviewCalls.map((call) => call.model))).toEqual(new Set(["alpha", "beta"]));
    expect(new Set(reviewCalls.map((call) => call.body.messages[0].content)).size).toBe(1);
    expect(reviewCalls[0]!.body.messages[0].content.match(/<reviewer id="([a-z-]+)"/g)).toEqual(['<reviewer id="skeptic"', '<reviewer id="futurist"']);
    const bad = await runCli(["review", TOOLS[0]!, "--model", "openai:alpha", "--assign", "nobody=openai:beta", "--out", out], { OPENAI_API_KEY: "sk-test-assign", OPENAI_BASE_URL: server.openaiBaseUrl });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^panelist: --assign: unknown persona "nobody"/);
  });
});

describe("samples, seeds and the manifest", () => {
  test("--samples 3 --seed 7: three asks with seeds 7, 8, 9; majority and stability per persona", async () => {
    server = await servers.start({
      handler: (call) => {
        if (isModeratorCall(call)) return moderatorReply(call);
        const { tool, persona } = identifyCall(call, personas);
        // The skeptic skips only with seed 9 (its third sample).
        return scriptedVerdict(tool, persona, persona === "skeptic" && call.body.seed === 9 ? "skip" : "ship");
      },
    });
    const out = await temporaryDirectory();
    const run = await runCli(["review", TOOLS[0]!, "--personas", "skeptic,futurist", "--model", "openai:gpt-4.1-mini", "--samples", "3", "--seed", "7", "--temperature", "0.7", "--out", out], {
      OPENAI_API_KEY: "sk-test-samples",
      OPENAI_BASE_URL: server.openaiBaseUrl,
    });
    expect(run.code).toBe(0);
    expect(server.calls.map((call) => call.body.seed).sort()).toEqual([7, 7, 8, 8, 9, 9]);
    expect(server.calls.every((call) => call.body.temperature === 0.7)).toBe(true);
    const report = reportSchema.parse(JSON.parse(await readFile(join(out, "report.json"), "utf8")));
    const tool = report.tools[0]!;
    expect(tool.reviews.map((review) => [review.persona, review.sample, review.seed, review.verdict])).toEqual([
      ["skeptic", 0, 7, "ship"], ["skeptic", 1, 8, "ship"], ["skeptic", 2, 9, "skip"],
      ["futurist", 0, 7, "ship"], ["futurist", 1, 8, "ship"], ["futurist", 2, 9, "ship"],
    ]);
    expect(tool.personaVotes.map((vote) => vote.stability)).toEqual(["2/3 ship", "3/3 ship"]);
    expect(tool.panel).toMatchObject({ shipPct: 100, ship: 2 });
    const manifest = report.manifest!;
    expect(manifest).toMatchObject({ temperature: 0.7, seed: 7, samples: 3, spotlight: "datamark", assign: null, models: [{ model: "openai:gpt-4.1-mini", responseModels: ["gpt-4.1-mini"] }] });
    expect(manifest.panelistVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.personas.map((persona) => persona.id)).toEqual(["skeptic", "futurist"]);
    expect(manifest.personas.every((persona) => /^[0-9a-f]{16}$/.test(persona.hash))).toBe(true);
    expect(Object.keys(manifest.promptHashes).sort()).toEqual(["dossier", "repair", "review", "summary", "system"]);
    const stats = JSON.parse(await readFile(join(out, "stats.json"), "utf8")) as PanelStats;
    expect(stats.samples).toBe(3);
    expect(stats.acrossSamples?.subjects).toBe(2);
  });

  test("--replay re-renders recorded reviews with no calls and no keys", async () => {
    const { out, report } = await juryRun();
    const calls = server!.calls.length;
    const again = await temporaryDirectory();
    const run = await runCli(["review", "--replay", join(out, "report.json"), "--format", "md,html,json", "--out", again]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("16 recorded reviews, no calls");
    expect(server!.calls).toHaveLength(calls);
    expect(JSON.parse(await readFile(join(again, "report.json"), "utf8"))).toEqual(JSON.parse(await readFile(join(out, "report.json"), "utf8")));
    expect(await readFile(join(again, "report.html"), "utf8")).toContain(report.tools[0]!.name);
    const broken = await runCli(["review", "--replay", "fixtures/tools/acme-notes.json"]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^panelist: fixtures\/tools\/acme-notes\.json: schemaVersion: /);
  });
});

describe("--swap", () => {
  test("a pick that flips when the order is reversed is reported as position-dependent", async () => {
    let pass = 0;
    server = await servers.start({
      handler: (call) => {
        if (isModeratorCall(call)) return moderatorReply(call);
        const { tool, persona } = identifyCall(call, personas);
        if (call.index === 0) pass = 1;
        if (call.index === 4 * 2) pass = 2;
        // First pass favours the first tool, the swapped pass the other: a position effect.
        const favoured = pass === 1 ? "Claw Code" : "SmolVLM2 Turbo";
        return scriptedVerdict(tool, persona, tool === favoured || persona !== "skeptic" ? "ship" : "skip");
      },
    });
    const out = await temporaryDirectory();
    const run = await runCli(["compare", TOOLS[0]!, TOOLS[1]!, "--model", "openai:m", "--swap", "--concurrency", "1", "--out", out], { OPENAI_API_KEY: "sk-test-swap", OPENAI_BASE_URL: server.openaiBaseUrl });
    expect(run.code).toBe(0);
    const report = reportSchema.parse(JSON.parse(await readFile(join(out, "report.json"), "utf8")));
    expect(report.pick?.name).toBe("Claw Code");
    expect(report.swap).toEqual({ pick: "SmolVLM2 Turbo", positionDependent: true });
    expect(run.stderr).toContain("warning: position-dependent pick: Claw Code in the given order, SmolVLM2 Turbo with the tools swapped");
  });
});
