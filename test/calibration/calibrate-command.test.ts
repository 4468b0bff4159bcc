import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { describe, expect, test } from "vitest";
import type { Calibration } from "../../src/calibration/calibrate.js";
import { ReviewStore } from "../../src/store/review-store.js";
import { useBuiltInPersonas, useFakeLlmServers } from "../support/panel-fixtures.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";
import { identifyCall, isModeratorCall, scriptedVerdict } from "../support/scripted-panel.js";

const personas = useBuiltInPersonas();
const servers = useFakeLlmServers();
const LABELS = "fixtures/labels/launch-upvotes.jsonl";
const CHROMIUM = "/usr/bin/chromium";

/** A panel whose verdicts depend on the tool: the skeptic ships only short names, the rest ship everything but names with a digit. */
function verdictOf(tool: string, persona: string): "ship" | "skip" {
  if (persona === "skeptic") return tool.length <= 8 ? "ship" : "skip";
  return /\d/.test(tool) ? "skip" : "ship";
}

async function calibratedBatch(dir: string): Promise<{ store: string; runId: string }> {
  const server = await servers.start({
    handler: (call) => {
      const { tool, persona } = identifyCall(call, personas);
      return scriptedVerdict(tool, persona, verdictOf(tool, persona), persona === "futurist" ? 0.9 : 0.7);
    },
  });
  const store = join(dir, "p.db");
  const batch = await runCli(["batch", "fixtures/launches.jsonl", "--model", "openai:gpt-4.1-mini", "--store", store, "--out", join(dir, "batch"), "--format", "json"], {
    OPENAI_API_KEY: "sk-test-calibrate",
    OPENAI_BASE_URL: server.openaiBaseUrl,
  });
  expect(batch.stderr.split("\n").filter((line) => line.startsWith("panelist:"))).toEqual([]);
  expect(batch.code).toBe(0);
  const runs = await runCli(["runs", "--json", "--store", store]);
  return { store, runId: JSON.parse(runs.stdout.trim().split("\n")[0]!).id };
}

describe("panelist calibrate", () => {
  test("a batch of the 130 launches against the 82 launch-day labels: matched, the confusion table and the figures agree with a count by hand", async () => {
    const dir = await temporaryDirectory();
    const { store, runId } = await calibratedBatch(dir);
    const run = await runCli(["calibrate", "--labels", LABELS, "--store", store, "--out", join(dir, "cal")]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Labels: 82 of 82 matched a reviewed tool \(\d+ left out\) · humans ship 86\.6%\n/);
    const calibration = JSON.parse(await readFile(join(dir, "cal", "calibration.json"), "utf8")) as Calibration;
    expect(calibration.run.runId).toBe(runId);
    expect(calibration.labels).toMatchObject({ total: 82, matched: 82, baseRate: 0.8659 });

    // The same confusion table, counted here from the launches and the scripted verdicts.
    const launches = (await readFile("fixtures/launches.jsonl", "utf8")).trim().split("\n").map((line) => JSON.parse(line) as { name: string; votes: number | null });
    let tp = 0, fp = 0, tn = 0, fn = 0, abstained = 0;
    for (const launch of launches.filter((entry) => typeof entry.votes === "number")) {
      const ships = personas.filter((persona) => verdictOf(launch.name, persona.id) === "ship").length;
      const human = launch.votes! >= 50;
      if (ships === 2) abstained += 1;
      else if (ships > 2) human ? (tp += 1) : (fp += 1);
      else human ? (fn += 1) : (tn += 1);
    }
    expect(calibration.panel.agreement).toMatchObject({ tp, fp, tn, fn, n: tp + fp + tn + fn });
    expect(calibration.panel.abstained).toBe(abstained);
    expect(calibration.panel.agreement.accuracy.value).toBeCloseTo((tp + tn) / (tp + fp + tn + fn), 10);
    const po = (tp + tn) / (tp + fp + tn + fn);
    const total = tp + fp + tn + fn;
    const pe = ((tp + fp) / total) * ((tp + fn) / total) + ((tn + fn) / total) * ((tn + fp) / total);
    expect(calibration.panel.agreement.kappa.value).toBeCloseTo((po - pe) / (1 - pe), 10);
    for (const estimate of [calibration.panel.agreement.kappa, calibration.panel.agreement.ac1, calibration.panel.agreement.balancedAccuracy]) {
      expect(estimate.low!).toBeLessThanOrEqual(estimate.value!);
      expect(estimate.high!).toBeGreaterThanOrEqual(estimate.value!);
    }
    expect(calibration.panel.bins).toHaveLength(10);
    expect(calibration.panel.bins.reduce((sum, bin) => sum + bin.count, 0)).toBe(82);
    expect(calibration.panel.auc).toBeGreaterThanOrEqual(0);
    expect(calibration.panel.auc).toBeLessThanOrEqual(1);
    // Three personas vote alike and the skeptic apart: fewer effective votes than four.
    expect(calibration.votes.n).toBe(4);
    expect(calibration.votes.nEff!).toBeLessThan(4);
    expect(calibration.votes.nEff!).toBeGreaterThanOrEqual(1);
    expect(calibration.personas.map((persona) => persona.persona)).toEqual(["developer-experience", "skeptic", "futurist", "business"]);
    expect(calibration.leaveOneOut).toHaveLength(4);
    expect(calibration.models).toMatchObject([{ model: "openai:gpt-4.1-mini" }]);
    const markdown = await readFile(join(dir, "cal", "calibration.md"), "utf8");
    expect(markdown).toContain("| Persona votes: n / effective n | 4 / ");
    expect(markdown).toContain("## Per persona");

    // stats shows the effective number of votes for any run, no labels needed.
    const stats = await runCli(["stats", "--store", store, "--out", dir]);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toContain(`Effective number of votes: ${calibration.votes.nEff!.toFixed(2)} of 4 personas`);

    // The same again is the same numbers: the bootstrap is seeded.
    await runCli(["calibrate", "--labels", LABELS, "--store", store, "--out", join(dir, "again")]);
    const again = JSON.parse(await readFile(join(dir, "again", "calibration.json"), "utf8")) as Calibration;
    expect({ ...again, generatedAt: "" }).toEqual({ ...calibration, generatedAt: "" });
  }, 60_000);

  test("community votes as weak labels on a report.json, and a CSV label file; what did not match says why", async () => {
    const server = await servers.start({
      handler: (call) => (isModeratorCall(call) ? { kind: "json", value: { summary: "s" } } : scriptedVerdict(identifyCall(call, personas).tool, identifyCall(call, personas).persona, "ship")),
    });
    const dir = await temporaryDirectory();
    const env = { OPENAI_API_KEY: "sk-test-community", OPENAI_BASE_URL: server.openaiBaseUrl };
    expect((await runCli(["compare", "fixtures/tools/claw-code.md", "fixtures/tools/smolvlm2-turbo.md", "fixtures/tools/forge-cli.md", "--model", "openai:gpt-4.1-mini", "--store", join(dir, "p.db"), "--out", dir], env)).code).toBe(0);
    const community = await runCli(["calibrate", "--labels", "community", join(dir, "report.json")]);
    expect(community.code).toBe(0);
    const fromCommunity = JSON.parse(await readFile(join(dir, "calibration.json"), "utf8")) as Calibration;
    expect(fromCommunity.labels).toMatchObject({ source: "community votes (at least 10)", total: 2, matched: 2, baseRate: 1 });
    expect(fromCommunity.labels.unmatched).toEqual([{ tool: "Forge CLI", reason: "no community vote" }]);

    const csv = join(dir, "labels.csv");
    await writeFile(csv, 'tool,verdict,labeller,note\r\n"Claw Code",skip,ed,"licence, unclear"\r\nhttps://huggingface.co/example/smolvlm2-turbo?utm_source=x,ship,ed,\r\nNot Reviewed Here,ship,ed,\r\n');
    const fromCsv = await runCli(["calibrate", "--labels", csv, join(dir, "report.json"), "--out", join(dir, "csv")]);
    expect(fromCsv.code).toBe(0);
    const calibration = JSON.parse(await readFile(join(dir, "csv", "calibration.json"), "utf8")) as Calibration;
    expect(calibration.labels).toMatchObject({ total: 3, matched: 2, baseRate: 0.5 });
    expect(calibration.labels.unmatched).toEqual([{ tool: "Not Reviewed Here", reason: `${csv}:4: no reviewed tool in this run has this name` }]);
    expect(calibration.panel.agreement).toMatchObject({ tp: 1, fp: 1, tn: 0, fn: 0 });
  });

  test("--labels store: the editors' current verdicts, recorded in the store, are the labels", async () => {
    const dir = await temporaryDirectory();
    const server = await servers.start({
      handler: (call) => {
        if (isModeratorCall(call)) return { kind: "json", value: { summary: "A summary." } };
        const { tool, persona } = identifyCall(call, personas);
        return scriptedVerdict(tool, persona, tool === "Claw Code" && persona === "skeptic" ? "skip" : "ship");
      },
    });
    const store = join(dir, "p.db");
    const compare = await runCli(["compare", "fixtures/tools/claw-code.md", "fixtures/tools/smolvlm2-turbo.md", "--model", "openai:gpt-4.1-mini", "--store", store, "--out", join(dir, "out")], {
      OPENAI_API_KEY: "sk-test-calibrate",
      OPENAI_BASE_URL: server.openaiBaseUrl,
    });
    expect(compare.code).toBe(0);
    const runId = /Run (\S+) \(store/.exec(compare.stdout)![1]!;
    const db = ReviewStore.open(store);
    try {
      const [claw, smol] = db.tools.forRun(runId);
      // Ada changes her mind about Claw Code: only her newest verdict counts.
      db.labels.set(runId, claw!.toolId, { verdict: "ship", editor: "ada" });
      db.labels.set(runId, claw!.toolId, { verdict: "skip", note: "too early", editor: "ada" });
      db.labels.set(runId, smol!.toolId, { verdict: "ship", editor: "grace" });
    } finally {
      db.close();
    }
    const run = await runCli(["calibrate", "--labels", "store", "--store", store, "--out", join(dir, "cal")]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Labels: 2 of 2 matched a reviewed tool/);
    const calibration = JSON.parse(await readFile(join(dir, "cal", "calibration.json"), "utf8")) as Calibration;
    expect(calibration.labels).toMatchObject({ source: `editors' verdicts in ${store}`, total: 2, matched: 2, baseRate: 0.5 });
    expect(calibration.tools.map((tool) => [tool.name, tool.shipPct, tool.panel, tool.human])).toEqual([
      ["Claw Code", 75, "ship", "skip"],
      ["SmolVLM2 Turbo", 100, "ship", "ship"],
    ]);
  });

  test("bad labels and missing flags are one line, exit 2", async () => {
    const dir = await temporaryDirectory();
    const bad = join(dir, "labels.jsonl");
    await writeFile(bad, '{"tool": "A", "verdict": "ship"}\n{"tool": "B", "verdict": "maybe"}\n');
    expect(await runCli(["calibrate", "--labels", bad, "report.json"])).toMatchObject({ code: 2, stderr: `panelist: ${bad}:2: verdict: must be one of ship, skip\n` });
    expect(await runCli(["calibrate", "report.json"])).toMatchObject({ code: 2, stderr: "panelist: --labels: is required: a label file (.jsonl or .csv rows of tool, verdict), or community for the launch-day votes\n" });
    const noStore = join(dir, "none.db");
    expect((await runCli(["calibrate", "--labels", "store", "--store", noStore])).code).toBe(2);
    expect(await runCli(["calibrate", "--labels", "community", "--min-votes", "0", "r.json"])).toMatchObject({ code: 2, stderr: 'panelist: --min-votes: must be a whole number from 1 and up, got "0"\n' });
  });
});

describe.runIf(existsSync(CHROMIUM) || Boolean(process.env.CI))("calibration.html in a real browser", () => {
  test("the reliability diagram has its ten bins, the ROC curve its points; readable at phone width", async () => {
    const dir = await temporaryDirectory();
    const { store } = await calibratedBatch(dir);
    expect((await runCli(["calibrate", "--labels", LABELS, "--store", store, "--out", join(dir, "cal")])).code).toBe(0);
    const calibration = JSON.parse(await readFile(join(dir, "cal", "calibration.json"), "utf8")) as Calibration;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
    try {
      for (const { width, name } of [{ width: 1280, name: "desktop" }, { width: 390, name: "phone" }]) {
        const page = await browser.newPage({ viewport: { width, height: 900 } });
        await page.goto(pathToFileURL(join(dir, "cal", "calibration.html")).toString());
        expect(await page.locator("#reliability svg rect.bin").count()).toBe(10);
        expect(await page.locator("#reliability svg text.bin-count").allTextContents()).toEqual(calibration.panel.bins.map((bin) => String(bin.count)));
        expect(await page.locator("#roc svg circle.point").count()).toBe(calibration.panel.roc.length);
        expect(await page.locator("#personas svg rect.persona-bar").count()).toBe(4);
        // Drawn, not just present: the charts have a size on screen.
        const box = await page.locator("#reliability svg").boundingBox();
        expect(box!.width).toBeGreaterThan(200);
        // Nothing wider than the screen but the tables, which scroll in their own box.
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
        await expect(page.getByText("Cohen's κ")).toBeTruthy();
        await page.screenshot({ path: resolve("test-results/screenshots", `calibration-${name}.png`), fullPage: true });
        await page.close();
      }
    } finally {
      await browser.close();
    }
  }, 60_000);
});
