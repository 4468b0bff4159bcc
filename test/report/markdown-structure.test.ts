import { describe, expect, test } from "vitest";
import { buildReport } from "../../src/report/build-report.js";
import { renderMarkdown } from "../../src/report/render-markdown.js";
import type { Report, Review, ReviewFailure } from "../../src/report/report-schema.js";
import type { Tool } from "../../src/tools/tool.js";
import { HOSTILE_MARKDOWN, markdownStructure } from "../support/markdown-structure.js";

/** The same text's shape with nothing special in it: a word for every word, the same line breaks. */
function plain(text: string): string {
  return text
    .split("\n")
    .map((line) => line.trim().replace(/\S+/g, "word"))
    .join("\n");
}

const usage = { inputTokens: 1, cachedInputTokens: 0, outputTokens: 1 };

/**
 * A compare report, two models and two personas, with `text(...)` in every field a tool file or a
 * model writes: the first tool, persona and review get the hostile text alone (so a line-start or
 * line-end trick stays at the start or end), the others a suffix so they differ.
 */
function reportWith(text: (suffix: string) => string, url: string): Report {
  const personas = [
    { id: "p1", name: text("") },
    { id: "p2", name: text(" two") },
  ];
  const models = [text(""), "openai:m2"];
  const review = (persona: string, model: string, verdict: "ship" | "skip", suffix: string): Review => ({
    persona, model, verdict, confidence: 0.7, quote: text(suffix), rationale: text(suffix), strengths: [text(suffix)], risks: [text(suffix)], pricingRead: text(suffix),
    usage, latencyMs: 1, responseModel: "m", finishReason: "stop", attempts: 1, costUsd: 0,
  });
  const failure: ReviewFailure = { persona: "p2", model: "openai:m2", error: text(""), kind: "http", attempts: 1, usage, costUsd: 0 };
  const tool = (suffix: string): Tool => ({
    name: text(suffix), category: text(suffix), tagline: text(suffix), pricing: text(suffix),
    description: `${text(suffix)}\n\n${text(" second paragraph")}\n${text("")}`, url, community: { ship: 3, skip: 1 }, source: { file: "t.md" },
  });
  const built = buildReport({
    results: [
      { tool: tool(""), reviews: [review("p1", models[0]!, "ship", ""), review("p1", "openai:m2", "ship", " b"), review("p2", models[0]!, "skip", " c")], failures: [failure] },
      { tool: tool(" other"), reviews: [review("p1", models[0]!, "skip", " d"), review("p1", "openai:m2", "skip", " e"), review("p2", models[0]!, "skip", " f"), review("p2", "openai:m2", "skip", " g")], failures: [] },
    ],
    personas,
    models,
    compare: true,
    title: text(""),
    generatedAt: "2026-11-25T00:00:00.000Z",
  });
  return {
    ...built,
    summary: text(""),
    swap: { pick: text(" other"), positionDependent: true },
    skipped: [{ file: text(""), line: 3, error: text("") }],
  };
}

const flatten = (text: string): string => text.replace(/\s+/g, " ").trim();

describe("report.md takes no structure from tool or model text (checked with markdown-it)", () => {
  test.each(HOSTILE_MARKDOWN.map((hostile) => ({ hostile })))("$hostile", ({ hostile }) => {
    const markdown = renderMarkdown(reportWith((suffix) => `${hostile}${suffix}`, "https://example.com/a_b*c|d"));
    const expected = renderMarkdown(reportWith((suffix) => plain(`${hostile}${suffix}`), "https://example.com/plain"));
    const page = markdownStructure(markdown);
    // Headings, lists, tables, quotes and emphasis are exactly the template's own.
    expect(page.shape).toEqual(markdownStructure(expected).shape);
    expect(page.html).toEqual([]);
    // Only the two tools' own links, one per tool.
    expect(page.hrefs).toEqual(["https://example.com/a_b*c%7Cd", "https://example.com/a_b*c%7Cd"]);
    // The tool's text is on the page as written: one-line fields flattened, the description line by line.
    const visible = page.texts.join("\n");
    for (const suffix of ["", " two", " other", " c", " g"]) expect(visible).toContain(flatten(`${hostile}${suffix}`));
    const lines = page.texts.flatMap((text) => text.split("\n"));
    for (const line of `${hostile}\n${hostile} second paragraph`.split("\n").map((part) => part.trim()).filter(Boolean)) {
      expect(lines).toContain(line);
    }
  });

  test("the two cases from the issue: a numbered line shows without a backslash, and --- under a line is no heading", () => {
    const numbered = markdownStructure(renderMarkdown(reportWith((suffix) => `1. numbered${suffix}`, "https://example.com")));
    expect(numbered.texts).toContain("1. numbered");
    expect(numbered.texts.join("\n")).not.toContain("\\1");
    const setext = renderMarkdown(reportWith(() => "A description line\n---", "https://example.com"));
    const headings = markdownStructure(setext).shape.filter((kind) => kind.startsWith("heading_open"));
    expect(headings).toEqual(markdownStructure(renderMarkdown(reportWith(() => "word word word\nword", "https://example.com"))).shape.filter((kind) => kind.startsWith("heading_open")));
  });
});
