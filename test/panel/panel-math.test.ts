import { describe, expect, test } from "vitest";
import { communityShipPct, meanShipConfidence, pickWinner, summarizePanel, tallyPersonaVotes, type PickCandidate } from "../../src/panel/panel-math.js";

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
    expect(pick?.reason).toMatch(/mean confidence of its ship verdicts: 0\.85 against A \(0\.60\) after a tie on panel ship %/);
  });
  test("then community ship %; a tool without votes ranks below one with votes", () => {
    const pick = pickWinner([
      candidate("A", ["ship"], 0.8, null),
      candidate("B", ["ship"], 0.8, { ship: 1, skip: 9 }),
    ]);
    expect(pick?.name).toBe("B");
    expect(pick?.reason).toContain("community ship %");
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
    expect(pickWinner([candidate("A", [], null, { ship: 9, skip: 1 }), candidate("B", [], null, { ship: 1, skip: 9 })])).toBeUndefined();
  });
  test("no pick for a single tool", () => {
    expect(pickWinner([candidate("A", ["ship"], 0.8)])).toBeUndefined();
  });
});
