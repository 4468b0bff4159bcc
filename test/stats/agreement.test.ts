import { describe, expect, test } from "vitest";
import { fleissKappa, gwetAC1, krippendorffAlphaNominal, pairwiseAgreement, pearson, wilsonInterval, type Ratings } from "../../src/stats/agreement.js";

/** Builds ratings rows from per-category counts (Fleiss' table layout). */
function fromCounts(rows: number[][]): Ratings {
  return rows.map((counts) => counts.flatMap((count, category) => Array<string>(count).fill(String(category + 1))));
}

describe("published worked examples", () => {
  test("Fleiss (1971): 10 subjects, 14 raters, 5 categories → κ = 0.210", () => {
    const table = [
      [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ];
    expect(fleissKappa(fromCounts(table))).toBeCloseTo(0.21, 3);
  });

  test("Krippendorff (2011): 4 observers, 12 units with missing values → nominal α = 0.743", () => {
    const observers = [
      ["1", "2", "3", "3", "2", "1", "4", "1", "2", null, null, null],
      ["1", "2", "3", "3", "2", "2", "4", "1", "2", "5", null, "3"],
      [null, "3", "3", "3", "2", "3", "4", "2", "2", "5", "1", null],
      ["1", "2", "3", "3", "2", "4", "4", "1", "2", "5", "1", null],
    ];
    const units: Ratings = observers[0]!.map((_, unit) => observers.map((observer) => observer[unit] ?? null));
    expect(krippendorffAlphaNominal(units)).toBeCloseTo(0.743, 3);
  });

  test("the kappa paradox (Gwet 2008): 90% agreement on a 95%-yes panel gives κ ≈ −0.053 but AC1 = 0.890", () => {
    const rows: Ratings = [
      ...Array.from({ length: 90 }, () => ["yes", "yes"]),
      ...Array.from({ length: 5 }, () => ["yes", "no"]),
      ...Array.from({ length: 5 }, () => ["no", "yes"]),
    ];
    // Pa = 0.90; π_yes = 0.95; Pe(AC1) = 2·0.95·0.05 / 1 = 0.095; AC1 = 0.805 / 0.905.
    expect(gwetAC1(rows)).toBeCloseTo(0.8895, 3);
    // Pe(Fleiss) = 0.95² + 0.05² = 0.905; κ = (0.90 − 0.905) / 0.095.
    expect(fleissKappa(rows)).toBeCloseTo(-0.0526, 3);
  });

  test("Wilson score interval", () => {
    const eight = wilsonInterval(8, 10);
    expect(eight.rate).toBe(0.8);
    expect(eight.low).toBeCloseTo(0.4902, 3);
    expect(eight.high).toBeCloseTo(0.9433, 3);
    const none = wilsonInterval(0, 10);
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.2775, 3);
    expect(wilsonInterval(0, 0)).toEqual({ rate: null, low: null, high: null });
  });
});

describe("edge cases", () => {
  const perfect: Ratings = [["ship", "ship", "ship"], ["skip", "skip", "skip"], ["ship", "ship", "ship"]];
  test("perfect agreement is 1 on every measure", () => {
    expect(fleissKappa(perfect)).toBe(1);
    expect(krippendorffAlphaNominal(perfect)).toBe(1);
    expect(gwetAC1(perfect)).toBe(1);
  });
  test("undefined cases are null, not NaN", () => {
    const allShip: Ratings = [["ship", "ship"], ["ship", "ship"]];
    expect(fleissKappa(allShip)).toBeNull();
    expect(krippendorffAlphaNominal(allShip)).toBeNull();
    expect(gwetAC1(allShip)).toBe(1);
    expect(fleissKappa([["ship", null]])).toBeNull();
  });
  test("a unanimous panel leaves kappa undefined whatever its size (no rounding into 1)", () => {
    for (let subjects = 1; subjects <= 30; subjects += 1) {
      const rows: Ratings = Array.from({ length: subjects }, (_, i) => Array<string>(2 + (i % 5)).fill("ship"));
      expect(fleissKappa(rows)).toBeNull();
    }
  });
  test("missing ratings: raters per subject vary, single-rating subjects are dropped", () => {
    // Hand-worked: P_i = 1/3, 1, 1 → P̄ = 7/9; p_a = p_b = 4/8 → P̄e = 1/2; κ = 5/9.
    // AC1: π_a = (2/3 + 1 + 0) / 3 = 5/9 → Pe = 2·(5/9)(4/9) = 40/81; AC1 = 23/41.
    // α: o_aa = 3, o_ab = o_ba = 1, o_bb = 3; n = 8 → α = 1 − 7·2 / (2·4·4) = 9/16.
    const rows: Ratings = [["a", "a", "b"], ["a", "a", null], ["b", "b", "b"], ["a", null, null]];
    expect(fleissKappa(rows)).toBeCloseTo(5 / 9, 10);
    expect(gwetAC1(rows)).toBeCloseTo(23 / 41, 10);
    expect(krippendorffAlphaNominal(rows)).toBeCloseTo(9 / 16, 10);
  });
  test("pairwise agreement over the subjects both rated", () => {
    const rows: Ratings = [["ship", "ship"], ["ship", "skip"], [null, "skip"], ["skip", "skip"]];
    expect(pairwiseAgreement(rows, 0, 1)).toBeCloseTo(2 / 3, 10);
    expect(pairwiseAgreement([[null, "x"]], 0, 1)).toBeNull();
  });
  test("pearson", () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 10);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 10);
    expect(pearson([1, 2, 3], [5, 5, 5])).toBeNull();
    expect(pearson([1, 2], [1, 2])).toBeNull();
  });
});
