import { describe, expect, test } from "vitest";
import { buildReport } from "../../src/report/build-report.js";
import { renderHtml } from "../../src/report/render-html.js";
import { renderMarkdown } from "../../src/report/render-markdown.js";
import { reportSchema, type Report, type Review, type ReviewFailure } from "../../src/report/report-schema.js";
import type { Tool } from "../../src/tools/tool.js";

const personas = [
  { id: "dx", name: "The DX Reviewer" },
  { id: "skeptic", name: "The Skeptic" },
  { id: "futurist", name: "The Futurist" },
  { id: "business", name: "The Business Analyst" },
];

function review(persona: string, verdict: "ship" | "skip", model = "openai:m"): Review {
  return {
    persona, model, verdict, confidence: 0.69, quote: `${persona} says ${verdict}`, rationale: "r", strengths: [], risks: [],
    usage: { inputTokens: 10, cachedInputTokens: 0, outputTokens: 5 }, latencyMs: 3, responseModel: "m", finishReason: "stop", attempts: 1, costUsd: 0,
  };
}

function failure(persona: string, kind: string, model = "openai:m"): ReviewFailure {
  return { persona, model, error: kind === "budget" ? "not started: --max-cost $0.10 would be exceeded" : "HTTP 500 from openai", kind, attempts: kind === "budget" ? 0 : 3, usage: { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 }, costUsd: 0 };
}

const alpha: Tool = { name: "Alpha Tool", community: { ship: 9, skip: 1 }, description: "Alpha.", source: { file: "a.md" } };
const beta: Tool = { name: "Beta Tool", community: null, description: "Beta.", source: { file: "b.md" } };
/** Alpha: 2 of 4 answered (1–1), the skeptic's call failed and the futurist was never asked. Beta: all four answered. */
function degraded(): Report {
  return buildReport({
    results: [
      { tool: alpha, reviews: [review("dx", "ship"), review("business", "skip")], failures: [failure("skeptic", "http"), failure("futurist", "budget")] },
      { tool: beta, reviews: [review("dx", "skip"), review("skeptic", "skip"), review("futurist", "skip"), review("business", "ship")], failures: [] },
    ],
    personas,
    models: ["openai:m"],
    compare: true,
    generatedAt: "2026-11-25T00:00:00.000Z",
  });
}

describe("a panel that lost reviewers", () => {
  test("report.json records who answered and who is missing", () => {
    const report = reportSchema.parse(JSON.parse(JSON.stringify(degraded())));
    expect(report.tools[0]!.coverage).toEqual({
      reviewers: 4,
      answered: 2,
      missing: [
        { persona: "skeptic", status: "failed" },
        { persona: "futurist", status: "not asked" },
      ],
      lostReviews: 0,
    });
    expect(report.tools[1]!.coverage).toEqual({ reviewers: 4, answered: 4, missing: [], lostReviews: 0 });
    expect(report.pick?.name).toBe("Alpha Tool");
    expect(report.pick?.reason).toBe("Alpha Tool has the higher panel ship %: 50% against Beta Tool (25%). This pick rests on incomplete panels: Alpha Tool (2 of 4 reviewers answered).");
  });

  test("report.md says so beside the figures, in the scorecard and side by side, naming the missing personas", () => {
    const markdown = renderMarkdown(degraded());
    expect(markdown).toContain("| **50%** | 1–1 (split; 2 of 4 answered) |");
    expect(markdown).toContain("**Incomplete panel:** 2 of 4 reviewers answered (failed: The Skeptic; not asked: The Futurist). The figures count only the reviews that came back.");
    expect(markdown).toContain("- **The Skeptic** — no verdict, failed (openai:m): HTTP 500 from openai");
    expect(markdown).toContain("- **The Futurist** — no verdict, not asked (openai:m): not started: --max-cost \\$0.10 would be exceeded");
    expect(markdown).toContain("| Reviewers answered | 2 of 4 (failed: The Skeptic; not asked: The Futurist) | 4 of 4 |");
    expect(markdown).toContain("| The Skeptic | no verdict (failed) | skip |");
    expect(markdown).toContain("| The Futurist | no verdict (not asked) | skip |");
    expect(markdown).toContain("This pick rests on incomplete panels: Alpha Tool (2 of 4 reviewers answered).");
    // The complete panel carries no such notice.
    expect(markdown.match(/Incomplete panel/g)).toHaveLength(1);
  });

  test("report.html says so under the ship %, in a notice, on the failed reviews and side by side", () => {
    const html = renderHtml(degraded());
    expect(html).toContain('1–1 · split · <strong class="incomplete-tag">2 of 4 answered</strong>');
    expect(html).toContain("<strong>Incomplete panel:</strong> 2 of 4 reviewers answered (failed: The Skeptic; not asked: The Futurist). The figures count only the reviews that came back.");
    expect(html).toContain('<span class="badge failed">No verdict · Failed</span>');
    expect(html).toContain('<span class="badge failed">No verdict · Not asked</span>');
    expect(html).toContain('<th scope="row">Reviewers answered</th><td>2 of 4 (failed: The Skeptic; not asked: The Futurist)</td><td>4 of 4</td>');
    expect(html).toContain("This pick rests on incomplete panels: Alpha Tool (2 of 4 reviewers answered).");
    expect(html.match(/Incomplete panel/g)).toHaveLength(1);
  });

  test("a persona that answered with one model but not another still shows the lost review", () => {
    const report = buildReport({
      results: [{ tool: alpha, reviews: [review("dx", "ship", "openai:a"), review("dx", "ship", "openai:b")], failures: [failure("dx", "timeout", "openai:c")] }],
      personas: [personas[0]!],
      models: ["openai:a", "openai:b", "openai:c"],
      compare: false,
    });
    expect(report.tools[0]!.coverage).toEqual({ reviewers: 1, answered: 1, missing: [], lostReviews: 1 });
    expect(renderMarkdown(report)).toContain("**Incomplete panel:** 1 of 1 reviewers answered, 1 more review missing. The figures count only the reviews that came back.");
  });

  test("a report.json written before coverage was recorded still shows the loss", () => {
    const report = degraded();
    const old = { ...report, tools: report.tools.map(({ coverage: _coverage, ...tool }) => tool) };
    expect(renderMarkdown(old)).toContain("**Incomplete panel:** 2 of 4 reviewers answered (failed: The Skeptic; not asked: The Futurist).");
  });
});

describe("nothing to pick", () => {
  const report = buildReport({
    results: [
      { tool: alpha, reviews: [review("dx", "skip"), review("skeptic", "skip")], failures: [] },
      { tool: beta, reviews: [review("dx", "skip"), review("skeptic", "skip")], failures: [] },
    ],
    personas: personas.slice(0, 2),
    models: ["openai:m"],
    compare: true,
    generatedAt: "2026-11-25T00:00:00.000Z",
  });

  test("report.json has no pick and says why", () => {
    expect(report.pick).toBeUndefined();
    expect(report.noPick).toEqual({ reason: "Every reviewer who answered skipped both tools: the panel would ship neither." });
  });

  test("the pages say the panel would ship neither, and no tool is marked as the pick", () => {
    const markdown = renderMarkdown(report);
    expect(markdown).toContain("## Which one should you ship with?\n\n**Neither.** Every reviewer who answered skipped both tools: the panel would ship neither.");
    expect(markdown).not.toContain("**Alpha Tool.**");
    const html = renderHtml(report);
    expect(html).toMatch(/<h2 id="pick-heading">Which one should you ship with\?<\/h2>\s*<p class="pick-name">Neither<\/p>\s*<p>Every reviewer who answered skipped both tools: the panel would ship neither.<\/p>/);
    expect(html).not.toContain("Panel pick</span>");
  });

  test("a review of several tools (not a comparison) has no pick section at all", () => {
    const review = buildReport({ results: [{ tool: alpha, reviews: [], failures: [] }, { tool: beta, reviews: [], failures: [] }], personas, models: ["openai:m"], compare: false });
    expect(review.noPick).toBeUndefined();
    expect(renderMarkdown(review)).not.toContain("Which one should you ship with?");
    expect(renderHtml(review)).not.toContain("Which one should you ship with?");
  });
});

describe("what stderr used to be the only place for", () => {
  const base = degraded();
  const report: Report = {
    ...base,
    swap: { pick: "Beta Tool", positionDependent: true },
    skipped: [
      { file: "tools/bad.md", line: 2, error: "tools/bad.md:2: name: is required" },
      { file: "tools/empty.md", error: "tools/empty.md: no front matter" },
    ],
  };

  test("a position-dependent pick has a notice beside the pick", () => {
    const notice = "With the tools reviewed in the other order, the panel picked Beta Tool instead of Alpha Tool. The order the tools were shown in swayed the verdict: treat this pick as weak.";
    expect(renderMarkdown(report)).toContain(`**Position-dependent pick.** ${notice}`);
    expect(renderHtml(report)).toMatch(new RegExp(`<p class="pick-name">Alpha Tool</p>\\s*<p>[^<]*</p>\\s*<p class="notice position"><strong>Position-dependent pick.</strong> ${notice}</p>`));
    expect(renderMarkdown({ ...report, swap: { pick: "Alpha Tool", positionDependent: false } })).not.toContain("Position-dependent");
  });

  test("skipped inputs are listed under Not reviewed with their one-line errors", () => {
    const markdown = renderMarkdown(report);
    expect(markdown).toContain("## Not reviewed\n\nThese inputs were left out because of bad input:\n\n- **tools/bad.md:2**: name: is required\n- **tools/empty.md**: no front matter");
    const html = renderHtml(report);
    expect(html).toContain('<h2 id="skipped-heading">Not reviewed</h2>');
    expect(html).toContain('<li><span class="file">tools/bad.md:2</span>: name: is required</li><li><span class="file">tools/empty.md</span>: no front matter</li>');
    expect(renderMarkdown(base)).not.toContain("Not reviewed");
    expect(renderHtml(base)).not.toContain("Not reviewed");
  });
});

describe("batch tool pages", () => {
  test("link back to the run index, relative", () => {
    const report = degraded();
    expect(renderMarkdown(report, { indexHref: "../index.md" }).startsWith("[← All tools of this run](../index.md)\n")).toBe(true);
    expect(renderHtml(report, { indexHref: "../index.html" })).toContain('<nav class="back" aria-label="Run"><a href="../index.html">← All tools of this run</a></nav>');
    expect(renderHtml(report)).not.toContain('class="back"');
  });
});
