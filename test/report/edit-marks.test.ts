import { describe, expect, test } from "vitest";
import { buildReport } from "../../src/report/build-report.js";
import { renderHtml } from "../../src/report/render-html.js";
import type { Report, Review } from "../../src/report/report-schema.js";
import type { Tool } from "../../src/tools/tool.js";

const personas = [{ id: "skeptic", name: "The Skeptic", lens: "l", brief: "b", file: "f" }];
const tool: Tool = { name: "Claw Code", category: null, tagline: null, pricing: null, url: null, community: { ship: 3, skip: 1 }, description: "d", source: { file: "c.md" } } as unknown as Tool;
const review: Review = {
  persona: "skeptic", model: "openai:m", verdict: "ship", confidence: 0.9, quote: "Edited <b>quote</b>", rationale: "r", strengths: [], risks: [],
  usage: { inputTokens: 1, cachedInputTokens: 0, outputTokens: 1 }, latencyMs: 1, responseModel: "m", finishReason: "stop", attempts: 1, costUsd: 0,
};

function storedReport(): Report {
  const report = buildReport({ results: [{ tool, reviews: [review], failures: [] }], personas, models: ["openai:m"], compare: false, generatedAt: "2026-12-02T00:00:00.000Z" });
  const [first] = report.tools;
  // The fields a report built from the store carries (edits, a human verdict, an acceptance).
  Object.assign(first!.reviews[0]!, { id: 7, version: 1, edit: { editor: "ada", at: "2026-12-02T10:00:00.000Z", reason: "tighter <i>wording</i>", original: { quote: "The model's words", verdict: "skip", confidence: 0.4 } } });
  Object.assign(first!, { id: 3, label: { verdict: "skip", note: "not for us", editor: "ada", at: "2026-12-02T11:00:00.000Z" }, accepted: { editor: "bob", at: "2026-12-02T12:00:00.000Z" } });
  return report;
}

describe("report.html marks what editors did", () => {
  const html = renderHtml(storedReport());

  test("an edited review is marked, with who, when, why and the model's original, escaped", () => {
    expect(html).toContain('<span class="edited-tag">Edited</span>');
    expect(html).toContain("Edited &lt;b&gt;quote&lt;/b&gt;");
    expect(html).toContain("Edited by ada on 2026-12-02: tighter &lt;i&gt;wording&lt;/i&gt;.");
    expect(html).toContain("The model said: skip, confidence 40%, \u201cThe model&#x27;s words\u201d");
  });

  test("a human verdict and an acceptance show on the tool's card", () => {
    expect(html).toContain(`Editor's verdict: <span class="badge skip">Skip</span> by ada on 2026-12-02: not for us</p>`);
    expect(html).toContain('<span class="accepted-tag">Accepted</span>');
    expect(html).toContain("Accepted by bob on 2026-12-02.");
  });

  test("the static page keeps its inline bar widths and no workbench controls", () => {
    expect(html).toContain('style="width: 100%"');
    expect(html).not.toContain("<form");
    expect(html).not.toContain("data-review-id");
  });
});
