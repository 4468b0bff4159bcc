import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { describe, expect, test } from "vitest";
import { buildReport } from "../../src/report/build-report.js";
import { renderHtml } from "../../src/report/render-html.js";
import { renderMarkdown } from "../../src/report/render-markdown.js";
import { reportSchema, type Report, type Review } from "../../src/report/report-schema.js";
import type { Fact, Tool } from "../../src/tools/tool.js";
import { HOSTILE_MARKDOWN, markdownStructure } from "../support/markdown-structure.js";
import { temporaryDirectory } from "../support/run-cli.js";

const FETCHED = "2026-12-02T09:15:00.000Z";
const review: Review = {
  persona: "skeptic", model: "openai:m", verdict: "ship", confidence: 0.8, quote: "Fine.", rationale: "r", strengths: [], risks: [],
  usage: { inputTokens: 1, cachedInputTokens: 0, outputTokens: 1 }, latencyMs: 1, responseModel: "m", finishReason: "stop", attempts: 1, costUsd: 0,
};

const fact = (label: string, value: string, source: string, fetchedAt = FETCHED): Fact => ({ label, value, source, fetchedAt });

const FACTS: Fact[] = [
  fact("Licence", "MIT", "https://api.github.com/repos/acme/claw"),
  fact("Stars", "181,204", "https://api.github.com/repos/acme/claw"),
  fact("Latest release", "<img src=x onerror=alert(1)> *v0.4.2* [click](https://evil.example)", "https://api.github.com/repos/acme/claw/releases/latest"),
  fact("Homepage", "says it is safe", "javascript:alert('fact')"),
];

function reportWithFacts(facts: Fact[] | undefined, name = "Claw Code"): Report {
  const tool: Tool = { name, description: "Claw Code edits code.", url: "https://claw.example/", community: null, source: { file: "c.md" }, ...(facts ? { facts } : {}) };
  return buildReport({
    results: [{ tool, reviews: [review], failures: [] }],
    personas: [{ id: "skeptic", name: "The Skeptic" }],
    models: ["openai:m"],
    compare: false,
    generatedAt: "2026-12-02T10:00:00.000Z",
  });
}

describe("facts in report.json", () => {
  test("each tool carries its facts as fetched; a tool without facts has none; the schema is still version 1", () => {
    const report = reportWithFacts(FACTS);
    expect(report.tools[0]!.facts).toEqual(FACTS);
    expect(reportSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
    const bare = reportWithFacts(undefined);
    expect(bare.tools[0]).not.toHaveProperty("facts");
    expect(reportWithFacts([]).tools[0]).not.toHaveProperty("facts");
    expect(bare.schemaVersion).toBe(1);
  });
});

describe("facts in report.md", () => {
  const markdown = renderMarkdown(reportWithFacts(FACTS));

  test("one Facts line under the description, each value escaped, web sources linked, the date once", () => {
    const lines = markdown.split("\n");
    const at = lines.indexOf("Claw Code edits code.");
    expect(lines[at + 2]).toBe(
      "**Facts:** Licence: MIT ([source](<https://api.github.com/repos/acme/claw>)) · Stars: 181,204 ([source](<https://api.github.com/repos/acme/claw>)) · " +
        "Latest release: \\<img src=x onerror=alert(1)\\> \\*v0.4.2\\* \\[click\\](https://evil.example) ([source](<https://api.github.com/repos/acme/claw/releases/latest>)) · " +
        "Homepage: says it is safe · fetched 2026-12-02",
    );
    expect(markdown.match(/fetched 2026-12-02/g)).toHaveLength(1);
  });

  test("markdown-it sees only the template's links and no HTML", () => {
    const page = markdownStructure(markdown);
    expect(page.html).toEqual([]);
    expect(page.hrefs).toEqual([
      "https://api.github.com/repos/acme/claw",
      "https://api.github.com/repos/acme/claw",
      "https://api.github.com/repos/acme/claw/releases/latest",
      "https://claw.example/",
    ]);
    expect(page.texts).toContain(
      "Facts: Licence: MIT (source) · Stars: 181,204 (source) · Latest release: <img src=x onerror=alert(1)> *v0.4.2* [click](https://evil.example) (source) · Homepage: says it is safe · fetched 2026-12-02",
    );
  });

  test("facts read on different days show the first and last day", () => {
    const spread = renderMarkdown(reportWithFacts([fact("Stars", "5", "https://a.example", "2026-12-03T00:00:00Z"), fact("Licence", "MIT", "https://a.example", "2026-11-30T23:00:00Z")]));
    expect(spread).toContain("· fetched 2026-11-30 to 2026-12-03\n");
  });

  test.each(HOSTILE_MARKDOWN.map((hostile) => ({ hostile })))("a fact of $hostile takes no structure", ({ hostile }) => {
    const plain = (text: string): string => text.replace(/\S+/g, "word");
    const page = markdownStructure(renderMarkdown(reportWithFacts([fact(hostile, `${hostile} value`, "https://a.example/x_y*z", hostile)])));
    const expected = markdownStructure(renderMarkdown(reportWithFacts([fact(plain(hostile), plain(`${hostile} value`), "https://a.example/plain", plain(hostile))])));
    expect(page.shape).toEqual(expected.shape);
    expect(page.html).toEqual([]);
    expect(page.hrefs).toEqual(["https://a.example/x_y*z", "https://claw.example/"]);
    const flat = hostile.replace(/\s+/g, " ").trim();
    expect(page.texts.join("\n")).toContain(`${flat}: ${flat} value (source) · fetched ${flat}`);
  });
});

describe("facts in report.html", () => {
  const html = renderHtml(reportWithFacts(FACTS));
  const block = /<section class="facts-block"[\s\S]*?<\/section>/.exec(html)?.[0] ?? "";

  test("a Facts list after the description: each label, its value, a link to its source, the date once", () => {
    expect(html.indexOf("Claw Code edits code.")).toBeLessThan(html.indexOf('class="facts-block"'));
    expect(html.indexOf('class="facts-block"')).toBeLessThan(html.indexOf("Reviewer scorecard"));
    expect(block).toContain('<h3 id="facts-0">Facts <span class="facts-date">fetched 2026-12-02</span></h3>');
    expect(block).toContain('<div class="fact"><dt>Licence</dt><dd>MIT <a href="https://api.github.com/repos/acme/claw" rel="noopener noreferrer nofollow" aria-label="Source of Licence">source</a></dd></div>');
    expect(block.match(/<dt>/g)).toHaveLength(4);
  });

  test("hostile values are escaped, and a javascript: source is shown unlinked", () => {
    expect(block).toContain("<dt>Latest release</dt><dd>&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; *v0.4.2* [click](https://evil.example) <a href=");
    expect(block).not.toContain("<img");
    expect(block).toContain("<dt>Homepage</dt><dd>says it is safe</dd>");
    expect(html).not.toMatch(/javascript:/i);
  });

  test("a tool without facts has no Facts block", () => {
    expect(renderHtml(reportWithFacts(undefined))).not.toContain('class="facts-block"');
    expect(renderMarkdown(reportWithFacts(undefined))).not.toContain("**Facts:**");
  });

  test("the stylesheet lays the facts out, one column at phone width", () => {
    expect(html).toMatch(/\.facts \{ display: grid;/);
    expect(html).toMatch(/@media \(max-width: 600px\) \{[^}]*\}[\s\S]*?\.facts \{ grid-template-columns: 1fr;/);
  });
});

/** Debian's Chromium, as in browser.test.ts: skipped outside CI on a machine without it. */
const CHROMIUM = "/usr/bin/chromium";

describe.runIf(existsSync(CHROMIUM) || Boolean(process.env.CI))("facts in a real browser", () => {
  test("at phone width the facts fit, long values wrap, and each web source is a link", async () => {
    const long = fact("Latest release", `v0.4.2-${"x".repeat(120)}, 2026-04-10`, "https://api.github.com/repos/acme/claw/releases/latest?per_page=1&page=1&long=" + "y".repeat(80));
    const file = join(await temporaryDirectory(), "report.html");
    await writeFile(file, renderHtml(reportWithFacts([...FACTS, long])));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
    try {
      const tab = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
      await tab.goto(pathToFileURL(file).toString());
      expect(await tab.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(await tab.locator(".facts dt").allInnerTexts()).toEqual(["Licence", "Stars", "Latest release", "Homepage", "Latest release"]);
      expect(await tab.locator(".facts a").count()).toBe(4);
      await mkdir(resolve("test-results/screenshots"), { recursive: true });
      await tab.locator(".facts-block").screenshot({ path: resolve("test-results/screenshots/report-facts-phone.png") });
    } finally {
      await browser.close();
    }
  }, 30_000);
});
