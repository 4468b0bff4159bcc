import { describe, expect, test } from "vitest";
import { buildReport } from "../../src/report/build-report.js";
import { renderMarkdown } from "../../src/report/render-markdown.js";
import type { Review } from "../../src/report/report-schema.js";
import type { Persona } from "../../src/personas/persona.js";
import type { Tool } from "../../src/tools/tool.js";

const personas: Persona[] = [
  { id: "skeptic", name: "The Skeptic", lens: "risk", brief: "b", file: "f" },
  { id: "futurist", name: "The Futurist", lens: "trend", brief: "b", file: "f" },
];

function review(persona: string, verdict: "ship" | "skip", quote: string): Review {
  return {
    persona, model: "openai:m", verdict, confidence: 0.7, quote, rationale: "r", strengths: [], risks: [],
    usage: { inputTokens: 10, cachedInputTokens: 0, outputTokens: 5 }, latencyMs: 3, responseModel: "m", finishReason: "stop", attempts: 1, costUsd: null,
  };
}

const hostile: Tool = {
  name: "<img src=x onerror=alert(1)>", tagline: "</style><script>x()</script>", category: "A|B", pricing: "Free | *cheap*",
  url: "javascript:alert(1)", community: null, description: "# Not a heading\n> not a quote\n[link](javascript:x)", source: { file: "h.md" },
};
const plain: Tool = { name: "Plain", pricing: "Paid", community: { ship: 3, skip: 1 }, description: "Fine.", url: "https://example.com", source: { file: "p.md" } };

describe("report.md", () => {
  const report = buildReport({
    results: [
      { tool: hostile, reviews: [review("skeptic", "skip", "No *way*. <script>alert(2)</script>"), review("futurist", "ship", "Maybe | later")], failures: [] },
      { tool: plain, reviews: [review("skeptic", "ship", "Fine."), review("futurist", "ship", "Fine too.")], failures: [] },
    ],
    personas,
    models: ["openai:m"],
    compare: true,
    generatedAt: "2026-11-25T00:00:00.000Z",
  });
  const markdown = renderMarkdown(report);

  test("shows the figures: ship %, split, community, entry, verdicts and the pick", () => {
    expect(markdown).toContain("| **50%** | 1–1 (split) | — | Free \\| \\*cheap\\* |");
    expect(markdown).toContain("| **100%** | 2–0 (ship) | 75% ship (4 votes) | Paid |");
    expect(markdown).toContain("| The Skeptic | skip | ship |");
    expect(markdown).toContain("**Plain.** Plain has the higher panel ship %: 100% against");
    expect(markdown).toContain("Link: <https://example.com>");
  });

  test("untrusted text cannot become HTML, links, headings or table cells", () => {
    expect(markdown).not.toMatch(/(^|[^\\])<(img|script|\/style)/m);
    expect(markdown).toContain("## \\<img src=x onerror=alert(1)\\>");
    expect(markdown).toContain("\\# Not a heading");
    expect(markdown).toContain("\\> not a quote");
    expect(markdown).toContain("\\[link\\](javascript:x)");
    expect(markdown).not.toContain("javascript:alert(1)");
    expect(markdown).toContain("“No \\*way\\*. \\<script\\>alert(2)\\</script\\>”");
    expect(markdown).toContain("“Maybe \\| later”");
  });
});
