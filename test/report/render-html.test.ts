import { describe, expect, test } from "vitest";
import { buildReport, withSummary } from "../../src/report/build-report.js";
import { renderCsv } from "../../src/report/render-csv.js";
import { renderHtml } from "../../src/report/render-html.js";
import type { Review } from "../../src/report/report-schema.js";
import type { Persona } from "../../src/personas/persona.js";
import type { Tool } from "../../src/tools/tool.js";

const personas: Persona[] = [
  { id: "developer-experience", name: "The DX Reviewer", lens: "l", brief: "b", file: "f" },
  { id: "skeptic", name: "The Skeptic", lens: "l", brief: "b", file: "f" },
  { id: "futurist", name: "The Futurist", lens: "l", brief: "b", file: "f" },
  { id: "business", name: "The Business Analyst", lens: "l", brief: "b", file: "f" },
];

function review(persona: string, verdict: "ship" | "skip", quote: string, extra: Partial<Review> = {}): Review {
  return {
    persona, model: "openai:m", verdict, confidence: 0.8, quote, rationale: "r", strengths: ["fast start"], risks: ["legal fog"],
    usage: { inputTokens: 10, cachedInputTokens: 0, outputTokens: 5 }, latencyMs: 3, responseModel: "m", finishReason: "stop", attempts: 1, costUsd: 0.001, ...extra,
  };
}

const claw: Tool = { name: "Claw Code", category: "AI Coding Agents", tagline: "An agent harness", pricing: "Open source", url: "https://example.com/claw", community: { ship: 412, skip: 138 }, description: "Claw Code edits code.", source: { file: "c.md" } };
const hostile: Tool = {
  name: "<img src=x onerror=alert(1)>", tagline: "</style><script>alert('tagline')</script>", category: "<b>Hostile</b>", pricing: '"Free" | <u>trust me</u>',
  url: "javascript:alert('url')", community: null, description: "<script>alert(document.cookie)</script> {{#each x}}", source: { file: "h.md" },
};

function compareReport() {
  const report = buildReport({
    results: [
      { tool: claw, reviews: [review("developer-experience", "ship", "Ten minutes to a first diff."), review("skeptic", "skip", "Murky legal footing."), review("futurist", "ship", "Rides the agent wave."), review("business", "ship", "Free wedge, paid support later.")], failures: [] },
      { tool: hostile, reviews: personas.map((persona) => review(persona.id, "ship", `</style><script>alert('${persona.id}')</script> fine`, { pricingRead: "<iframe src=x>" })), failures: [] },
    ],
    personas,
    models: ["openai:m"],
    compare: true,
    generatedAt: "2026-11-25T00:00:00.000Z",
  });
  return withSummary(report, "The skeptic <b>dissents</b> on Claw Code.", { usage: { inputTokens: 1, cachedInputTokens: 0, outputTokens: 1 }, attempts: 1, costUsd: 0 });
}

describe("report.html", () => {
  const html = renderHtml(compareReport());

  test("is one self-contained page with a CSP that forbids scripts", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">`);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b|@import|url\(|src="http/i);
    expect(html).toContain("@media (prefers-color-scheme: dark)");
    expect(html).toContain("@media print");
  });

  test("shows the key facts: ship %, split, community, entry, badges in words, dissent, the pick", () => {
    expect(html).toContain('<span class="big">75%</span>');
    expect(html).toContain('<span class="big">100%</span>');
    expect(html).toContain("3–1 · split");
    expect(html).toContain("74.9% ship (550 votes)");
    expect(html).toMatch(/<span class="label">Entry<\/span>\s*<span class="mid">Open source<\/span>/);
    expect(html).toContain('<span class="badge skip">Skip</span>');
    expect(html).toContain('<li class="review skip dissent">');
    expect(html).toContain('<span class="dissent-tag">Dissent</span>');
    expect(html).toContain("<blockquote>Murky legal footing.</blockquote>");
    expect(html).toContain("<summary>Strengths and risks</summary>");
    expect(html).toMatch(/<h2 id="pick-heading">Which one should you ship with\?<\/h2>\s*<p class="pick-name">&lt;img src&#x3D;x onerror&#x3D;alert\(1\)&gt;<\/p>/);
    expect(html).toContain('<th scope="row">The Skeptic</th><td>skip</td><td>ship</td>');
    expect(html).toContain("Editor summary");
  });

  test("escapes every hostile string and drops javascript: links", () => {
    expect(html).toContain("&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;");
    expect(html).toContain("&lt;/style&gt;&lt;script&gt;alert(&#x27;tagline&#x27;)&lt;/script&gt;");
    expect(html).toContain("The skeptic &lt;b&gt;dissents&lt;/b&gt; on Claw Code.");
    expect(html).toContain("&lt;iframe src&#x3D;x&gt;");
    expect(html).toContain("{{#each x}}");
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<iframe");
    expect(html).not.toContain("javascript:");
    expect(html).toContain('href="https://example.com/claw"');
  });
});

describe("report.csv", () => {
  test("one row per review with the panel figures and dissent", () => {
    const lines = renderCsv(compareReport()).trimEnd().split("\r\n");
    expect(lines).toHaveLength(9);
    expect(lines[0]).toBe("tool,category,pricing,panelShipPct,split,persona,personaName,model,verdict,dissent,confidence,quote,rationale,strengths,risks,pricingRead,inputTokens,cachedInputTokens,outputTokens,costUsd,latencyMs");
    expect(lines[2]).toBe("Claw Code,AI Coding Agents,Open source,75,3–1,skeptic,The Skeptic,openai:m,skip,true,0.8,Murky legal footing.,r,fast start,legal fog,,10,0,5,0.001,3");
  });
});
