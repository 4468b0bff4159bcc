import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildIndexReport, renderIndexHtml, type IndexEntry } from "../../src/batch/index-report.js";
import { summarizePanel } from "../../src/panel/panel-math.js";
import { loadPersonas } from "../../src/personas/load-personas.js";
import { startFakeLlmServer } from "../support/fake-llm-server.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";
import { identifyCall, isModeratorCall, moderatorReply, scriptedVerdict } from "../support/scripted-panel.js";

/** Debian's Chromium: .ci/run installs it; no browser is ever downloaded. */
const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS = resolve("test-results/screenshots");
// Outside CI a machine without Chromium skips this; in CI a missing browser must fail loudly.
const runBrowser = existsSync(CHROMIUM) || Boolean(process.env.CI);

describe.runIf(runBrowser)("report.html in a real browser", () => {
  let browser: Browser;
  let page: string;

  beforeAll(async () => {
    const personas = await loadPersonas();
    const server = await startFakeLlmServer({
      handler: (call) => {
        if (isModeratorCall(call)) return moderatorReply(call);
        const { tool, persona } = identifyCall(call, personas);
        const reply = scriptedVerdict(tool, persona, tool === "Claw Code" && persona === "skeptic" ? "skip" : "ship");
        // The hostile tool's reviewers answer with markup meant to run in the page.
        if (tool.startsWith("<img") && reply.kind === "json") {
          (reply.value as Record<string, unknown>).quote = "</style><script>window.__pwned = 1; alert('quote')</script><img src=x onerror=\"window.__pwned=2\">";
        }
        return reply;
      },
    });
    const out = await temporaryDirectory();
    const run = await runCli(
      ["compare", "fixtures/tools/claw-code.md", "fixtures/tools/smolvlm2-turbo.md", "fixtures/hostile/xss-tool.md", "--model", "openai:gpt-4.1-mini", "--format", "html,json", "--out", out],
      { OPENAI_API_KEY: "sk-test-browser", OPENAI_BASE_URL: server.openaiBaseUrl },
    );
    await server.close();
    expect(run.code).toBe(0);
    page = pathToFileURL(join(out, "report.html")).toString();
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  test.each([
    { name: "desktop", width: 1280, height: 900 },
    { name: "phone", width: 390, height: 844 },
  ])("$name: the key figures are visible text; hostile markup shows as text and runs nothing", async ({ name, width, height }) => {
    const context = await browser.newContext({ viewport: { width, height } });
    const tab = await context.newPage();
    const dialogs: string[] = [];
    tab.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await tab.goto(page);
    const text = await tab.locator("body").innerText();
    for (const expected of ["Claw Code", "SmolVLM2 Turbo", "75%", "100%", "3–1", "Open source", "Free", "Which one should you ship with?", "Editor summary", "Dissent", "Skip"]) {
      expect(text).toContain(expected);
    }
    await expect.poll(() => tab.locator(".big").first().isVisible()).toBe(true);
    expect(await tab.locator("article.card").count()).toBe(3);
    // Hostile strings are on the page as text...
    expect(text).toContain("<img src=x onerror=alert(1)>");
    expect(text).toContain("</style><script>window.__pwned = 1; alert('quote')</script>");
    // ...and nothing ran.
    expect(await tab.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await tab.locator("script").count()).toBe(0);
    expect(await tab.locator("img").count()).toBe(0);
    expect(dialogs).toEqual([]);
    // Nothing overflows the viewport sideways on a phone.
    const scrollWidth = await tab.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth).toBeLessThanOrEqual(width);
    await tab.screenshot({ path: join(SCREENSHOTS, `report-${name}.png`), fullPage: true });
    await context.close();
  }, 30_000);

  test("index.html at 1280 px: no word in the split, category or entry columns breaks across lines", async () => {
    // Thirty tools as in a real run: long names and notes of who is missing squeeze the columns
    // whose cells are one short word ("Freemium", "Split"), which is where words broke mid-word.
    const categories = ["Freemium", "Design", "Observability", "Devtools"];
    const prices = ["Freemium", "Open source", "Free", "Paid", "Split"];
    const entries: IndexEntry[] = Array.from({ length: 30 }, (_, index) => ({
      name: `${["Claw Code", "SmolVLM2 Turbo", "An Extremely Descriptive Tool Name That Goes On And On Across The Table", "Nimo"][index % 4]} ${index}`,
      slug: `tool-${index}`,
      category: categories[index % categories.length]!,
      pricing: prices[index % prices.length]!,
      url: null,
      panel: summarizePanel(index % 3 === 0 ? ["ship", "skip"] : ["ship", "ship", "skip", "ship"], index % 3 === 0 ? 2 : 0),
      ...(index % 3 === 0 ? { coverage: { reviewers: 4, answered: 2, missing: [{ persona: "skeptic", status: "failed" as const }, { persona: "futurist", status: "not asked" as const }], lostReviews: 0 } } : {}),
      files: [`tools/tool-${index}.html`],
    }));
    const personas = [{ id: "skeptic", name: "The Skeptic" }, { id: "futurist", name: "The Futurist" }];
    const html = renderIndexHtml(buildIndexReport({ runId: "20261125-103000-7f3a", generatedAt: "2026-11-25T10:30:00.000Z", models: ["openai:gpt-4.1-mini"], personas, entries }));
    const file = join(await temporaryDirectory(), "index.html");
    await writeFile(file, html, "utf8");
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab = await context.newPage();
    await tab.goto(pathToFileURL(file).toString());
    // Each word of each cell in columns 3–5 (split, category, entry) must sit on one line.
    const broken = await tab.evaluate(() => {
      const found: string[] = [];
      for (const cell of document.querySelectorAll("tbody tr td:nth-child(3), tbody tr td:nth-child(4), tbody tr td:nth-child(5)")) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.textContent ?? "";
          for (const match of text.matchAll(/\S+/g)) {
            const range = document.createRange();
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            const lines = new Set([...range.getClientRects()].filter((rect) => rect.width > 0).map((rect) => Math.round(rect.top)));
            if (lines.size > 1) found.push(match[0]);
          }
        }
      }
      return found;
    });
    expect(broken).toEqual([]);
    expect(await tab.title()).toBe("Panel verdicts: 30 tools, run 20261125-103000-7f3a, 2026-11-25");
    await tab.screenshot({ path: join(SCREENSHOTS, "index-desktop.png"), fullPage: true });
    await context.close();
  }, 30_000);
});
