import { describe, expect, test } from "vitest";
import { panelStats, type StatsReview } from "../../src/stats/panel-stats.js";

function reviews(spec: { tool: string; persona: string; model?: string; sample?: number; verdict: "ship" | "skip"; chars?: number | null; confidence?: number }[]): StatsReview[] {
  return spec.map((entry) => ({ tool: entry.tool, persona: entry.persona, model: entry.model ?? "openai:m", sample: entry.sample ?? 0, verdict: entry.verdict, descriptionChars: entry.chars ?? null, confidence: entry.confidence ?? 0.8 }));
}

describe("bias checks", () => {
  test("positivity: a persona that ships over 90% of its reviews", () => {
    const data = reviews([
      ...Array.from({ length: 10 }, (_, index) => ({ tool: `T${index}`, persona: "futurist", verdict: "ship" as const })),
      ...Array.from({ length: 10 }, (_, index) => ({ tool: `T${index}`, persona: "skeptic", verdict: index < 5 ? ("ship" as const) : ("skip" as const) })),
    ]);
    const warnings = panelStats(data).warnings;
    expect(warnings.filter((warning) => warning.kind === "positivity").map((warning) => warning.message)).toEqual([
      "persona futurist ships 100% of reviews (10/10); above 90%, it may not be judging",
    ]);
  });

  test("verbosity: description length that predicts the verdict", () => {
    const data = reviews(Array.from({ length: 8 }, (_, index) => ({ tool: `T${index}`, persona: "skeptic", verdict: index < 4 ? ("skip" as const) : ("ship" as const), chars: 100 + index * 100, confidence: 0.5 })));
    const verbosity = panelStats(data).warnings.filter((warning) => warning.kind === "verbosity");
    expect(verbosity).toHaveLength(1);
    expect(verbosity[0]!.message).toMatch(/^description length correlates with ship verdicts \(r = 0\.87, n = 8\)/);
  });

  test("indistinct: a persona that disagrees with itself across samples as much as with the others", () => {
    const data = reviews(
      ["T1", "T2", "T3", "T4"].flatMap((tool, index) => [
        { tool, persona: "futurist", sample: 0, verdict: "ship" as const },
        { tool, persona: "futurist", sample: 1, verdict: "ship" as const },
        { tool, persona: "skeptic", sample: 0, verdict: "ship" as const },
        { tool, persona: "skeptic", sample: 1, verdict: index % 2 === 0 ? ("ship" as const) : ("skip" as const) },
        { tool, persona: "skeptic", sample: 2, verdict: index % 2 === 0 ? ("skip" as const) : ("ship" as const) },
      ]),
    );
    const stats = panelStats(data);
    expect(stats.samples).toBe(3);
    expect(stats.warnings.filter((warning) => warning.kind === "indistinct").map((warning) => warning.message)).toEqual([
      "persona skeptic disagrees with itself across samples (66.7%) as much as with the other personas (0%): not a distinct lens",
    ]);
  });

  test("position: a flipped --swap pick is reported", () => {
    const data = reviews([{ tool: "A", persona: "skeptic", verdict: "ship" }, { tool: "B", persona: "skeptic", verdict: "skip" }]);
    expect(panelStats(data, { positionDependent: true }).warnings.map((warning) => warning.kind)).toContain("position");
    expect(panelStats(data).warnings.map((warning) => warning.kind)).not.toContain("position");
  });

  test("AC1 is flagged as the one to read when the ship rate is above 80%", () => {
    const data = reviews(["T1", "T2", "T3", "T4", "T5"].flatMap((tool) => ["a", "b"].map((persona) => ({ tool, persona, verdict: "ship" as const }))));
    expect(panelStats(data).acrossPersonas).toMatchObject({ preferAC1: true, ac1: 1, kappa: null });
  });
});
