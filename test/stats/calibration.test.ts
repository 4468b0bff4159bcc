import { describe, expect, test } from "vitest";
import { gwetAC1 } from "../../src/stats/agreement.js";
import { binaryAgreement, cohenKappa, seededRandom, type BinaryPair } from "../../src/stats/binary-agreement.js";
import { effectiveVotes, phi } from "../../src/stats/effective-votes.js";
import { brierScore, expectedCalibrationError, reliabilityBins, rocAuc, rocCurve, type ScoredOutcome } from "../../src/stats/score-calibration.js";

/** Pairs from a 2×2 table: predicted ship & human ship, predicted ship & human skip, and so on. */
function fromTable({ tp, fp, fn, tn }: { tp: number; fp: number; fn: number; tn: number }): BinaryPair[] {
  const repeat = (count: number, pair: BinaryPair): BinaryPair[] => Array.from({ length: count }, () => pair);
  return [
    ...repeat(tp, { predicted: true, actual: true }),
    ...repeat(fp, { predicted: true, actual: false }),
    ...repeat(fn, { predicted: false, actual: true }),
    ...repeat(tn, { predicted: false, actual: false }),
  ];
}

function scored(positives: readonly number[], negatives: readonly number[]): ScoredOutcome[] {
  return [...positives.map((score) => ({ score, positive: true })), ...negatives.map((score) => ({ score, positive: false }))];
}

// Wikipedia, "Cohen's kappa", simple example: rater A (panel) rows, rater B (human) columns.
const wikipedia = fromTable({ tp: 20, fp: 5, fn: 10, tn: 15 });

describe("Cohen's kappa", () => {
  // Wikipedia: n = 50, p_o = 35/50 = 0.7; A says yes 25, B says yes 30, so
  // p_e = 0.5·0.6 + 0.5·0.4 = 0.5 and κ = (0.7 − 0.5) / (1 − 0.5) = 0.4.
  // The "same percentages, different numbers" pair on the same page: p_o = 0.6 in both,
  // p_e = 0.6·0.7 + 0.4·0.3 = 0.54 → κ = 0.1304; p_e = 0.6·0.3 + 0.4·0.7 = 0.46 → κ = 0.2593.
  test.each([
    { name: "Wikipedia simple example", table: { tp: 20, fp: 5, fn: 10, tn: 15 }, kappa: 0.4 },
    { name: "Wikipedia 45/15/25/15", table: { tp: 45, fp: 15, fn: 25, tn: 15 }, kappa: 0.1304 },
    { name: "Wikipedia 25/35/5/35", table: { tp: 25, fp: 35, fn: 5, tn: 35 }, kappa: 0.2593 },
    { name: "perfect agreement", table: { tp: 3, fp: 0, fn: 0, tn: 4 }, kappa: 1 },
    { name: "always opposite, balanced", table: { tp: 0, fp: 5, fn: 5, tn: 0 }, kappa: -1 },
    { name: "constant but different raters", table: { tp: 0, fp: 6, fn: 0, tn: 0 }, kappa: 0 },
  ])("$name → κ = $kappa", ({ table, kappa }) => {
    expect(cohenKappa(fromTable(table))).toBeCloseTo(kappa, 4);
  });

  test.each([
    { name: "no pairs", pairs: [] },
    { name: "both raters always ship (p_e = 1)", pairs: fromTable({ tp: 5, fp: 0, fn: 0, tn: 0 }) },
    { name: "both raters always skip (p_e = 1)", pairs: fromTable({ tp: 0, fp: 0, fn: 0, tn: 5 }) },
  ])("$name → null", ({ pairs }) => {
    expect(cohenKappa(pairs)).toBeNull();
  });
});

describe("binaryAgreement", () => {
  test("confusion counts, accuracy with Wilson interval, point estimates", () => {
    const result = binaryAgreement(wikipedia, { resamples: 200 });
    expect(result).toMatchObject({ n: 50, tp: 20, fp: 5, fn: 10, tn: 15 });
    expect(result.accuracy.value).toBeCloseTo(0.7, 10);
    // Wilson 95% for 35/50.
    expect(result.accuracy.low).toBeCloseTo(0.5625, 3);
    expect(result.accuracy.high).toBeCloseTo(0.8090, 3);
    // Sensitivity 20/30, specificity 15/20: (0.6667 + 0.75) / 2.
    expect(result.balancedAccuracy.value).toBeCloseTo(0.70833, 4);
    expect(result.kappa.value).toBeCloseTo(0.4, 10);
    // AC1 by hand: p_a = 0.7; π_ship = (25 + 30) / 100 = 0.55;
    // p_e = 2 · 0.55 · 0.45 / (2 − 1) = 0.495; AC1 = (0.7 − 0.495) / (1 − 0.495) = 0.205 / 0.505.
    expect(result.ac1.value).toBeCloseTo(0.405941, 5);
  });

  test.each([
    { name: "Wikipedia kappa table", table: { tp: 20, fp: 5, fn: 10, tn: 15 } },
    { name: "the kappa paradox table", table: { tp: 90, fp: 5, fn: 5, tn: 0 } },
    { name: "all ship", table: { tp: 7, fp: 0, fn: 0, tn: 0 } },
    { name: "lopsided", table: { tp: 1, fp: 8, fn: 2, tn: 3 } },
  ])("AC1 for two raters matches gwetAC1 on the same ratings: $name", ({ table }) => {
    const pairs = fromTable(table);
    const rows = pairs.map(({ predicted, actual }) => [predicted ? "ship" : "skip", actual ? "ship" : "skip"]);
    expect(binaryAgreement(pairs, { resamples: 0 }).ac1.value).toBeCloseTo(gwetAC1(rows, ["ship", "skip"])!, 12);
  });

  test("the bootstrap is reproducible: the same seed gives identical intervals", () => {
    const first = binaryAgreement(wikipedia, { resamples: 500, seed: 7 });
    const second = binaryAgreement(wikipedia, { resamples: 500, seed: 7 });
    expect(second).toEqual(first);
    expect(binaryAgreement(wikipedia, { resamples: 500, seed: 8 }).kappa).not.toEqual(first.kappa);
  });

  test("default options are 2000 resamples at seed 20261202", () => {
    expect(binaryAgreement(wikipedia)).toEqual(binaryAgreement(wikipedia, { resamples: 2000, seed: 20261202 }));
  });

  test("every interval holds its point estimate and is a plausible width", () => {
    const result = binaryAgreement(wikipedia);
    for (const estimate of [result.accuracy, result.balancedAccuracy, result.kappa, result.ac1]) {
      expect(estimate.low).not.toBeNull();
      expect(estimate.high).not.toBeNull();
      expect(estimate.low!).toBeLessThanOrEqual(estimate.value!);
      expect(estimate.high!).toBeGreaterThanOrEqual(estimate.value!);
      expect(estimate.high! - estimate.low!).toBeGreaterThan(0.05);
      expect(estimate.high! - estimate.low!).toBeLessThan(0.8);
    }
    // Kappa's standard error here is about 0.13, so the 95% interval is roughly 0.4 ± 0.25.
    expect(result.kappa.low!).toBeGreaterThan(0.05);
    expect(result.kappa.high!).toBeLessThan(0.7);
  });

  test("balanced accuracy is null when the human labels hold one class; kappa null when both sides are constant", () => {
    const result = binaryAgreement(fromTable({ tp: 6, fp: 0, fn: 0, tn: 0 }), { resamples: 100 });
    expect(result.balancedAccuracy).toEqual({ value: null, low: null, high: null });
    expect(result.kappa).toEqual({ value: null, low: null, high: null });
    expect(result.ac1).toEqual({ value: 1, low: 1, high: 1 });
    expect(result.accuracy.value).toBe(1);
    const onlySkips = binaryAgreement(fromTable({ tp: 0, fp: 3, fn: 0, tn: 4 }), { resamples: 100 });
    expect(onlySkips.balancedAccuracy.value).toBeNull();
    expect(onlySkips.kappa.value).toBe(0);
  });

  test("no pairs: n 0 and every estimate null", () => {
    const empty = { value: null, low: null, high: null };
    expect(binaryAgreement([])).toEqual({ n: 0, tp: 0, fp: 0, tn: 0, fn: 0, accuracy: empty, balancedAccuracy: empty, kappa: empty, ac1: empty });
  });

  test("resamples 0 keeps the point estimates and leaves the bootstrap intervals null", () => {
    const result = binaryAgreement(wikipedia, { resamples: 0 });
    expect(result.kappa).toEqual({ value: 0.4, low: null, high: null });
    expect(result.accuracy.low).not.toBeNull();
  });

  test.each([
    { options: { resamples: -1 }, message: "Expected `resamples` to be an integer from 0 and up, got -1" },
    { options: { resamples: 1.5 }, message: "Expected `resamples` to be an integer from 0 and up, got 1.5" },
    { options: { seed: Number.NaN }, message: "Expected `seed` to be an integer, got NaN" },
  ])("bad options throw: $message", ({ options, message }) => {
    expect(() => binaryAgreement(wikipedia, options)).toThrow(message);
  });
});

describe("seededRandom", () => {
  test("the same seed gives the same sequence, in [0, 1); another seed another", () => {
    const draw = (seed: number): number[] => {
      const random = seededRandom(seed);
      return Array.from({ length: 1000 }, () => random());
    };
    const values = draw(42);
    expect(draw(42)).toEqual(values);
    expect(draw(43)).not.toEqual(values);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((sum, value) => sum + value, 0) / values.length).toBeCloseTo(0.5, 1);
  });
});

describe("ROC AUC", () => {
  // Positive/negative pairs for pos [0.9, 0.8, 0.5], neg [0.5, 0.3]:
  // 0.9 beats both (2), 0.8 beats both (2), 0.5 ties 0.5 (½) and beats 0.3 (1): U = 5.5 of 3 · 2 = 6.
  test.each([
    { name: "hand-computed set with a tie", positives: [0.9, 0.8, 0.5], negatives: [0.5, 0.3], auc: 5.5 / 6 },
    { name: "perfect ranking", positives: [0.9, 0.7], negatives: [0.2, 0.1], auc: 1 },
    { name: "reversed ranking", positives: [0.1, 0.2], negatives: [0.8, 0.9], auc: 0 },
    { name: "all scores tied", positives: [0.5, 0.5], negatives: [0.5, 0.5, 0.5], auc: 0.5 },
    // 0.6 beats both (2); 0.4 ties 0.4 (½) and beats 0.2 (1); 0.2 ties 0.2 (½): U = 4 of 3 · 2 = 6.
    { name: "ties at two levels", positives: [0.6, 0.4, 0.2], negatives: [0.4, 0.2], auc: 4 / 6 },
  ])("$name → $auc", ({ positives, negatives, auc }) => {
    expect(rocAuc(scored(positives, negatives))).toBeCloseTo(auc, 12);
  });

  test("equals the brute-force Mann–Whitney U / (n₁·n₀) on a seeded set with many ties", () => {
    const random = seededRandom(3);
    const items = Array.from({ length: 60 }, () => ({ score: Math.round(random() * 10) / 10, positive: random() < 0.4 }));
    const positives = items.filter((item) => item.positive);
    const negatives = items.filter((item) => !item.positive);
    let u = 0;
    for (const p of positives) for (const q of negatives) u += p.score > q.score ? 1 : p.score === q.score ? 0.5 : 0;
    expect(rocAuc(items)).toBeCloseTo(u / (positives.length * negatives.length), 12);
  });

  test.each([
    { name: "no items", items: [] },
    { name: "only positives", items: scored([0.2, 0.9], []) },
    { name: "only negatives", items: scored([], [0.2, 0.9]) },
  ])("$name → null", ({ items }) => {
    expect(rocAuc(items)).toBeNull();
  });

  test("a non-finite score throws with its index", () => {
    expect(() => rocAuc(scored([0.5, Number.NaN], [0.1]))).toThrow("Expected `score` to be a finite number, got NaN at index 1");
  });
});

describe("ROC curve", () => {
  test("hand-computed points for pos [0.9, 0.8, 0.5], neg [0.5, 0.3]", () => {
    expect(rocCurve(scored([0.9, 0.8, 0.5], [0.5, 0.3]))).toEqual([
      { fpr: 0, tpr: 0, threshold: Number.POSITIVE_INFINITY },
      { fpr: 0, tpr: 1 / 3, threshold: 0.9 },
      { fpr: 0, tpr: 2 / 3, threshold: 0.8 },
      { fpr: 0.5, tpr: 1, threshold: 0.5 },
      { fpr: 1, tpr: 1, threshold: 0.3 },
    ]);
  });

  test("runs (0,0) to (1,1), one point per distinct threshold, monotone, and its trapezoid area is the AUC", () => {
    const random = seededRandom(11);
    const items = Array.from({ length: 80 }, () => ({ score: Math.round(random() * 20) / 20, positive: random() < 0.5 }));
    const curve = rocCurve(items);
    expect(curve[0]).toEqual({ fpr: 0, tpr: 0, threshold: Number.POSITIVE_INFINITY });
    expect(curve.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    expect(curve.length).toBe(new Set(items.map((item) => item.score)).size + 1);
    let area = 0;
    for (let i = 1; i < curve.length; i += 1) {
      const [previous, point] = [curve[i - 1]!, curve[i]!];
      expect(point.threshold).toBeLessThan(previous.threshold);
      expect(point.fpr).toBeGreaterThanOrEqual(previous.fpr);
      expect(point.tpr).toBeGreaterThanOrEqual(previous.tpr);
      area += ((point.fpr - previous.fpr) * (point.tpr + previous.tpr)) / 2;
    }
    expect(area).toBeCloseTo(rocAuc(items)!, 12);
  });

  test("empty without both classes", () => {
    expect(rocCurve([])).toEqual([]);
    expect(rocCurve(scored([0.4, 0.6], []))).toEqual([]);
  });
});

describe("Brier score", () => {
  // (0.9 − 1)² + (0.2 − 0)² + (0.6 − 0)² + (1 − 1)² = 0.01 + 0.04 + 0.36 + 0 = 0.41; / 4 = 0.1025.
  test.each([
    { name: "hand set", items: scored([0.9, 1], [0.2, 0.6]), brier: 0.1025 },
    { name: "perfect and certain", items: scored([1, 1], [0, 0]), brier: 0 },
    { name: "certain and wrong", items: scored([0], [1]), brier: 1 },
    { name: "always one half", items: scored([0.5], [0.5, 0.5]), brier: 0.25 },
  ])("$name → $brier", ({ items, brier }) => {
    expect(brierScore(items)).toBeCloseTo(brier, 12);
  });

  test("null for no items; a score outside 0..1 throws", () => {
    expect(brierScore([])).toBeNull();
    expect(() => brierScore(scored([1.2], []))).toThrow("Expected `score` to be a number from 0 to 1, got 1.2 at index 0");
  });
});

describe("reliability bins and ECE", () => {
  test("default 10 bins: 1.0 goes in the last bin, 0 in the first, empty bins have null means", () => {
    const table = reliabilityBins(scored([1, 0.95], [0, 0.31]));
    expect(table).toHaveLength(10);
    expect(table[0]).toEqual({ low: 0, high: 0.1, count: 1, meanScore: 0, observedRate: 0 });
    expect(table[3]).toEqual({ low: 0.3, high: 0.4, count: 1, meanScore: 0.31, observedRate: 0 });
    expect(table[9]).toMatchObject({ high: 1, count: 2, observedRate: 1 });
    expect(table[9]!.meanScore).toBeCloseTo(0.975, 12);
    for (const index of [1, 2, 4, 5, 6, 7, 8]) expect(table[index]).toMatchObject({ count: 0, meanScore: null, observedRate: null });
  });

  test("a score on a bin edge goes in the bin whose low it equals, even where score · bins rounds below", () => {
    // 0.29 · 100 = 28.999999999999996 and 0.57 · 100 = 56.99999999999999 in floating point.
    const table = reliabilityBins(scored([0.29, 0.57], [0.25]), 100);
    expect(table[29]!.count).toBe(1);
    expect(table[57]!.count).toBe(1);
    expect(table[25]!.count).toBe(1);
    expect(reliabilityBins(scored([0.25, 0.5, 0.75], []), 4).map((bin) => bin.count)).toEqual([0, 1, 1, 1]);
  });

  // Four bins of width 0.25:
  //   [0, .25):   0.1 skip, 0.2 ship → mean 0.15, rate 0.5, gap 0.35, weight 2/7
  //   [.25, .5):  0.3 skip           → mean 0.3,  rate 0,   gap 0.3,  weight 1/7
  //   [.5, .75):  0.6, 0.7 ship      → mean 0.65, rate 1,   gap 0.35, weight 2/7
  //   [.75, 1]:   0.9 skip, 1.0 ship → mean 0.95, rate 0.5, gap 0.45, weight 2/7
  // ECE = (2·0.35 + 0.3 + 2·0.35 + 2·0.45) / 7 = 2.6 / 7.
  test.each([
    { name: "hand-computed four bins", items: scored([0.2, 0.6, 0.7, 1], [0.1, 0.3, 0.9]), bins: 4, ece: 2.6 / 7 },
    { name: "perfectly calibrated halves", items: scored([0.5], [0.5]), bins: 10, ece: 0 },
    { name: "one bin is |mean score − base rate|", items: scored([0.9, 0.8], [0.7, 0.6]), bins: 1, ece: 0.25 },
  ])("ECE, $name → $ece", ({ items, bins, ece }) => {
    expect(expectedCalibrationError(items, bins)).toBeCloseTo(ece, 12);
  });

  test("ECE is null for no items; a bad bin count throws", () => {
    expect(expectedCalibrationError([])).toBeNull();
    expect(reliabilityBins([], 3).map((bin) => bin.count)).toEqual([0, 0, 0]);
    expect(() => reliabilityBins([], 0)).toThrow("Expected `bins` to be an integer from 1 and up, got 0");
    expect(() => expectedCalibrationError([], 2.5)).toThrow("Expected `bins` to be an integer from 1 and up, got 2.5");
  });
});

describe("phi", () => {
  const T = true;
  const F = false;
  // Hand table: both ship 3, only a 1, only b 1, neither 3 → (3·3 − 1·1) / √(4·4·4·4) = 8 / 16.
  test.each([
    { name: "identical vectors", a: [T, F, T, F, T], b: [T, F, T, F, T], phi: 1 },
    { name: "opposite vectors", a: [T, F, T, F], b: [F, T, F, T], phi: -1 },
    { name: "hand 2×2 table", a: [T, T, T, T, F, F, F, F], b: [T, T, T, F, T, F, F, F], phi: 0.5 },
    { name: "nulls dropped pairwise", a: [T, F, null, T, F], b: [T, F, F, null, F], phi: 1 },
    { name: "a shorter vector reads as not voting", a: [T, F], b: [T, F, F, T], phi: 1 },
  ])("$name → $phi", ({ a, b, phi: expected }) => {
    expect(phi(a, b)).toBeCloseTo(expected, 12);
  });

  test.each([
    { name: "a constant vector", a: [T, T, T], b: [T, F, T] },
    { name: "constant once nulls are dropped", a: [T, F, T], b: [T, null, F] },
    { name: "no tools in common", a: [T, null], b: [null, F] },
    { name: "empty", a: [], b: [] },
  ])("$name → null", ({ a, b }) => {
    expect(phi(a, b)).toBeNull();
  });
});

describe("effectiveVotes", () => {
  test("four identical voters are worth one vote", () => {
    const voter = [true, false, true, true, false];
    const result = effectiveVotes([voter, voter, voter, voter]);
    expect(result).toMatchObject({ n: 4, meanCorrelation: 1, usedCorrelation: 1, nEff: 1 });
    expect(result.pairs).toHaveLength(6);
  });

  test("four exactly uncorrelated voters are worth four", () => {
    // Voter k votes bit k of the tool's index over 16 tools: every pair's 2×2 table is 4/4/4/4, so φ = 0 exactly.
    const votes = [0, 1, 2, 3].map((bit) => Array.from({ length: 16 }, (_, tool) => ((tool >> bit) & 1) === 1));
    const result = effectiveVotes(votes);
    expect(result.pairs.map((pair) => pair.phi)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(result).toMatchObject({ n: 4, meanCorrelation: 0, nEff: 4 });
  });

  test("n_eff = n / (1 + (n − 1) ρ̄) in between", () => {
    // Pairs: (0,1) φ = 1, (0,2) φ = 0.5, (1,2) φ = 0.5 → ρ̄ = 2/3; n_eff = 3 / (1 + 2 · 2/3) = 9/7.
    const a = [true, true, true, true, false, false, false, false];
    const c = [true, true, true, false, true, false, false, false];
    const result = effectiveVotes([a, a, c]);
    expect(result.meanCorrelation).toBeCloseTo(2 / 3, 12);
    expect(result.nEff).toBeCloseTo(9 / 7, 12);
  });

  test("pairs with a null phi are left out of the mean", () => {
    const varying = [true, false, true];
    const result = effectiveVotes([varying, varying, [true, true, true]]);
    expect(result.pairs).toEqual([
      { a: 0, b: 1, phi: 1 },
      { a: 0, b: 2, phi: null },
      { a: 1, b: 2, phi: null },
    ]);
    expect(result).toMatchObject({ meanCorrelation: 1, nEff: 1 });
  });

  test("a negative mean correlation is reported but clamped to 0, so n_eff never exceeds n", () => {
    const result = effectiveVotes([
      [true, false, true, false],
      [false, true, false, true],
    ]);
    expect(result).toMatchObject({ n: 2, meanCorrelation: -1, usedCorrelation: 0, nEff: 2 });
  });

  test.each([
    { name: "no voters", votes: [] },
    { name: "one voter", votes: [[true, false]] },
    { name: "only constant voters", votes: [[true, true], [true, true]] },
  ])("n_eff is null when no pair has a phi: $name", ({ votes }) => {
    expect(effectiveVotes(votes)).toMatchObject({ meanCorrelation: null, usedCorrelation: null, nEff: null });
  });
});
