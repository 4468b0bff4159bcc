import { describe, expect, test } from "vitest";
import { communityShipPct, meanShipConfidence, noPickReason, percent, pickWinner, summarizePanel, tallyPersonaVotes, type PickCandidate } from "../../src/panel/panel-math.js";

describe("summarizePanel", () => {
  test.each([
    { verdicts: ["ship", "ship", "skip", "ship"], failed: 0, shipPct: 75, split: "3–1", consensus: "split" },
    { verdicts: ["ship", "ship", "ship", "ship"], failed: 0, shipPct: 100, split: "4–0", consensus: "ship" },
    { verdicts: ["skip", "skip"], failed: 2, shipPct: 0, split: "0–2", consensus: "skip" },
    { verdicts: ["ship", "skip", "skip"], failed: 1, shipPct: 33.3, split: "1–2", consensus: "split" },
    { verdicts: [], failed: 4, shipPct: null, split: "0–0", consensus: "none" },
  ] as const)("$verdicts with $failed failed → $shipPct% ($split, $consensus)", ({ verdicts, failed, shipPct, split, consensus }) => {
    const summary = summarizePanel(verdicts, failed);
    expect(summary).toEqual({ shipPct, ship: verdicts.filter((v) => v === "ship").length, skip: verdicts.filter((v) => v === "skip").length, tied: 0, failed, split, consensus });
  });
  // Rounds to nearest: truncating would show 2 of 3 as 66.6 and 1 of 6 as 16.6.
  test.each([
    { part: 2, whole: 3, expected: 66.7 },
    { part: 1, whole: 3, expected: 33.3 },
    { part: 1, whole: 6, expected: 16.7 },
    { part: 5, whole: 6, expected: 83.3 },
    { part: 1, whole: 8, expected: 12.5 },
    { part: 0, whole: 0, expected: null },
  ])("percent($part, $whole) = $expected", ({ part, whole, expected }) => {
    expect(percent(part, whole)).toBe(expected);
  });
  test("a tied persona counts as a voter but neither ship nor skip", () => {
    expect(summarizePanel(["ship", "ship", "skip"], 0, 1)).toEqual({ shipPct: 50, ship: 2, skip: 1, tied: 1, failed: 0, split: "2–1 (1 tied)", consensus: "split" });
    expect(summarizePanel(["ship"], 0, 1).consensus).toBe("split");
  });
});

describe("tallyPersonaVotes", () => {
  test("one vote per persona: the majority of its models and samples, with its stability", () => {
    const votes = tallyPersonaVotes([
      { persona: "skeptic", verdict: "skip" }, { persona: "skeptic", verdict: "ship" }, { persona: "skeptic", verdict: "skip" },
      { persona: "futurist", verdict: "ship" }, { persona: "futurist", verdict: "ship" }, { persona: "futurist", verdict: "ship" },
      { persona: "business", verdict: "ship" }, { persona: "business", verdict: "skip" },
    ]);
    expect(votes).toEqual([
      { persona: "skeptic", verdict: "skip", ship: 1, skip: 2, stability: "2/3 skip" },
      { persona: "futurist", verdict: "ship", ship: 3, skip: 0, stability: "3/3 ship" },
      { persona: "business", verdict: "tie", ship: 1, skip: 1, stability: "1/2 ship (tie)" },
    ]);
  });
});

describe("community and confidence", () => {
  test("community ship share", () => {
    expect(communityShipPct({ ship: 412, skip: 138 })).toBe(74.9);
    expect(communityShipPct({ ship: 0, skip: 0 })).toBeNull();
    expect(communityShipPct(null)).toBeNull();
  });
  test("mean confidence counts ship verdicts only", () => {
    expect(meanShipConfidence([
      { verdict: "ship", confidence: 0.9 },
      { verdict: "skip", confidence: 0.1 },
      { verdict: "ship", confidence: 0.7 },
    ])).toBeCloseTo(0.8, 10);
    expect(meanShipConfidence([{ verdict: "skip", confidence: 0.9 }])).toBeNull();
  });
});

function candidate(name: string, verdicts: ("ship" | "skip")[], confidence: number | null, community: PickCandidate["community"] = null): PickCandidate {
  return { name, panel: summarizePanel(verdicts), meanShipConfidence: confidence, community };
}

describe("pickWinner", () => {
  test("higher panel ship % wins, and the reason gives both figures", () => {
    const pick = pickWinner([
      candidate("Claw Code", ["ship", "skip", "ship", "ship"], 0.9),
      candidate("SmolVLM2 Turbo", ["ship", "ship", "ship", "ship"], 0.7),
    ]);
    expect(pick?.name).toBe("SmolVLM2 Turbo");
    expect(pick?.reason).toContain("panel ship %");
    expect(pick?.reason).toContain("100%");
    expect(pick?.reason).toContain("Claw Code (75%)");
  });
  test("a ship % tie falls to mean ship confidence", () => {
    const pick = pickWinner([candidate("A", ["ship", "skip"], 0.6), candidate("B", ["skip", "ship"], 0.85)]);
    expect(pick?.name).toBe("B");
    expect(pick?.reason).toMatch(/mean confidence of its ship verdicts: 85% against A \(60%\) after a tie on panel ship %/);
  });
  test("confidence is a percentage, with a decimal only when whole percents would look equal", () => {
    const pick = pickWinner([candidate("A", ["ship"], 0.851), candidate("B", ["ship"], 0.854)]);
    expect(pick?.name).toBe("B");
    expect(pick?.reason).toContain("85.4% against A (85.1%)");
  });
  test("2 of 3 ships is 66.7%, not 66.6%, in the reason", () => {
    const pick = pickWinner([candidate("A", ["ship", "ship", "skip"], 0.8), candidate("B", ["ship", "skip", "skip"], 0.9)]);
    expect(pick?.reason).toBe("A has the higher panel ship %: 66.7% against B (33.3%).");
  });
  test("then community ship %; a tool without votes ranks below one with votes", () => {
    const pick = pickWinner([
      candidate("A", ["ship"], 0.8, null),
      candidate("B", ["ship"], 0.8, { ship: 1, skip: 9 }),
    ]);
    expect(pick?.name).toBe("B");
    expect(pick?.reason).toContain("community ship %");
  });
  // Each row lists first the tool a regression would pick: a missing community vote counted as 0
  // would tie with 0% and fall to the first listed.
  test.each([
    { against: "0% (0 of 5 votes)", present: { ship: 0, skip: 5 } },
    { against: "10% (1 of 10 votes)", present: { ship: 1, skip: 9 } },
    { against: "no votes at all (0 of 0)", present: { ship: 0, skip: 0 }, expectedName: "A" },
  ])("a missing community vote ranks below $against", ({ present, expectedName }) => {
    const pick = pickWinner([candidate("A", ["ship"], 0.8, null), candidate("B", ["ship"], 0.8, present)]);
    expect(pick?.name).toBe(expectedName ?? "B");
  });
  test("a full tie picks the first listed and says so", () => {
    const pick = pickWinner([candidate("A", ["ship"], 0.8), candidate("B", ["ship"], 0.8)]);
    expect(pick).toEqual({ name: "A", reason: expect.stringContaining("A is listed first") });
  });
  test("three tools: the tie-break only looks at the leaders", () => {
    const pick = pickWinner([
      candidate("A", ["ship", "ship"], 0.6),
      candidate("B", ["ship", "ship"], 0.9),
      candidate("C", ["skip", "ship"], 0.99),
    ]);
    expect(pick?.name).toBe("B");
    expect(pick?.reason).toContain("among the leaders");
    expect(pick?.reason).not.toContain("C (");
  });
  test("no pick when no tool has a panel verdict, whatever the community says", () => {
    const candidates = [candidate("A", [], null, { ship: 9, skip: 1 }), candidate("B", [], null, { ship: 1, skip: 9 })];
    expect(pickWinner(candidates)).toBeUndefined();
    expect(noPickReason(candidates)).toBe("No reviewer answered for any tool: the panel has nothing to pick from.");
  });
  test("no pick when every reviewer who answered skipped every tool: the panel would ship neither", () => {
    const two = [candidate("Alpha Tool", ["skip", "skip"], null, { ship: 9, skip: 1 }), candidate("Beta Tool", ["skip"], null)];
    expect(pickWinner(two)).toBeUndefined();
    expect(noPickReason(two)).toBe("Every reviewer who answered skipped both tools: the panel would ship neither.");
    const three = [...two, candidate("Gamma", ["skip", "skip"], null)];
    expect(noPickReason(three)).toBe("Every reviewer who answered skipped all 3 tools: the panel would ship none of them.");
  });
  test("one ship verdict anywhere is enough for a pick, and then there is no no-pick reason", () => {
    const candidates = [candidate("A", ["skip", "skip"], null), candidate("B", ["skip", "ship"], 0.6)];
    expect(pickWinner(candidates)?.name).toBe("B");
    expect(noPickReason(candidates)).toBeUndefined();
  });
  test("a pick from incomplete panels says so in its reason", () => {
    const pick = pickWinner([
      { ...candidate("A", ["ship", "skip"], 0.7), incomplete: "2 of 4 reviewers answered" },
      candidate("B", ["skip", "skip", "skip", "ship"], 0.9),
    ]);
    expect(pick).toEqual({ name: "A", reason: "A has the higher panel ship %: 50% against B (25%). This pick rests on incomplete panels: A (2 of 4 reviewers answered)." });
  });
  test("no pick for a single tool", () => {
    expect(pickWinner([candidate("A", ["ship"], 0.8)])).toBeUndefined();
    expect(noPickReason([candidate("A", ["skip"], null)])).toBeUndefined();
  });
});
