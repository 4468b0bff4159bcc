import { describe, expect, test } from "vitest";
import { buildIndexReport, renderIndexHtml, renderIndexMarkdown, type IndexEntry, type IndexReport } from "../../src/batch/index-report.js";
import { summarizePanel } from "../../src/panel/panel-math.js";
import type { PanelCoverage } from "../../src/report/report-schema.js";
import { HOSTILE_MARKDOWN, markdownStructure } from "../support/markdown-structure.js";

const personas = [
  { id: "dx", name: "The DX Reviewer" },
  { id: "skeptic", name: "The Skeptic" },
  { id: "futurist", name: "The Futurist" },
  { id: "business", name: "The Business Analyst" },
];

function entry(name: string, verdicts: ("ship" | "skip")[], coverage?: PanelCoverage, extra: Partial<IndexEntry> = {}): IndexEntry {
  const failed = coverage ? coverage.missing.length + coverage.lostReviews : 0;
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return {
    name, slug, category: "Freemium", pricing: "Free", url: null, panel: summarizePanel(verdicts, failed),
    ...(coverage ? { coverage } : {}), files: [`tools/${slug}.md`, `tools/${slug}.html`], ...extra,
  };
}

const whole: PanelCoverage = { reviewers: 4, answered: 4, missing: [], lostReviews: 0 };
const half: PanelCoverage = { reviewers: 4, answered: 2, missing: [{ persona: "skeptic", status: "failed" }, { persona: "futurist", status: "not asked" }], lostReviews: 0 };

function index(entries: IndexEntry[]): IndexReport {
  return buildIndexReport({ runId: "r-7f3a", generatedAt: "2026-11-25T10:30:00.000Z", models: ["openai:m"], personas, entries });
}

describe("batch index pages", () => {
  const report = index([
    entry("Alpha Tool", ["ship", "ship"], half),
    entry("Beta Tool", ["ship", "ship", "skip", "skip"], whole),
    entry("Gamma", ["ship", "ship", "ship", "ship"], whole),
    entry("Old Entry", ["ship", "skip"], undefined, { panel: summarizePanel(["ship", "skip"], 2) }),
  ]);

  test("the title says what the page is: verdicts, how many tools, the run and its date", () => {
    const title = "Panel verdicts: 4 tools, run r-7f3a, 2026-11-25";
    expect(renderIndexMarkdown(report).startsWith(`# ${title}\n`)).toBe(true);
    const html = renderIndexHtml(report);
    expect(html).toContain(`<title>${title}</title>`);
    expect(html).toContain(`<h1>${title}</h1>`);
  });

  test("a tool whose panel lost reviewers says how many answered and names who is missing", () => {
    const markdown = renderIndexMarkdown(report);
    expect(markdown).toContain("| [Alpha Tool](tools/alpha-tool.md) | 100% | 2–0 (2 of 4 answered; failed: The Skeptic; not asked: The Futurist) | Freemium | Free |");
    expect(markdown).toContain("| [Gamma](tools/gamma.md) | 100% | 4–0 | Freemium | Free |");
    // An index entry written before coverage was recorded still shows its failures.
    expect(markdown).toContain("| [Old Entry](tools/old-entry.md) | 50% | 1–1 (2 failed) |");
    const html = renderIndexHtml(report);
    expect(html).toContain('<td>2–0 <span class="missing">(2 of 4 answered; failed: The Skeptic; not asked: The Futurist)</span></td>');
    expect(html).toContain("<td>4–0</td>");
  });

  test("pick-outs flag a tool whose panel was incomplete", () => {
    expect(renderIndexMarkdown(report)).toContain("- **Every reviewer ships:** Alpha Tool (only 2 of 4 answered), Gamma");
    expect(renderIndexHtml(report)).toContain("<li><strong>Every reviewer ships:</strong> Alpha Tool (only 2 of 4 answered), Gamma</li>");
    expect(renderIndexMarkdown(report)).toContain("- **Evenly split:** Beta Tool, Old Entry (2 failed)");
  });
});

describe("index.md takes no structure from tool text (checked with markdown-it)", () => {
  const plain = (text: string): string => text.replace(/\s+/g, " ").trim().replace(/\S+/g, "word");
  const build = (text: (suffix: string) => string): IndexReport =>
    buildIndexReport({
      runId: "r-1",
      generatedAt: "2026-11-25T10:30:00.000Z",
      models: [text(" model")],
      personas: [{ id: "skeptic", name: text(" persona") }],
      entries: [
        entry(text(" one"), ["ship"], { reviewers: 2, answered: 1, missing: [{ persona: "skeptic", status: "failed" }], lostReviews: 0 }, { slug: "one", files: ["tools/one.md"], category: text(" category"), pricing: text(" pricing") }),
        entry(text(" two"), ["skip"], undefined, { slug: "two", files: ["tools/two.md"], category: text(""), pricing: text("") }),
      ],
    });
  test.each(HOSTILE_MARKDOWN.map((hostile) => ({ hostile })))("$hostile", ({ hostile }) => {
    const page = markdownStructure(renderIndexMarkdown(build((suffix) => `${hostile}${suffix}`)));
    const expected = markdownStructure(renderIndexMarkdown(build((suffix) => plain(`${hostile}${suffix}`))));
    expect(page.shape).toEqual(expected.shape);
    expect(page.html).toEqual([]);
    expect(page.hrefs).toEqual(expected.hrefs);
    const visible = page.texts.join("\n");
    for (const suffix of ["", " one", " two", " category", " pricing", " model", " persona"]) expect(visible).toContain(`${hostile}${suffix}`.replace(/\s+/g, " ").trim());
  });
});
