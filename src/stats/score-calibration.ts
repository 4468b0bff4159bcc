/**
 * The panel's scores (ship % / 100, or a reviewer's confidence) against human labels, as pure
 * functions: ranking (ROC AUC as Mann–Whitney U, the ROC curve) and probability calibration
 * (Brier score, reliability bins, expected calibration error).
 */
/** A score (ship % / 100, or a confidence) against whether the human said ship. */
export interface ScoredOutcome {
  score: number;
  positive: boolean;
}

function checkScores(items: readonly ScoredOutcome[], unit: boolean): void {
  items.forEach(({ score }, index) => {
    if (!Number.isFinite(score) || (unit && (score < 0 || score > 1))) {
      const range = unit ? "a number from 0 to 1" : "a finite number";
      throw new RangeError(`Expected \`score\` to be ${range}, got ${score} at index ${index}`);
    }
  });
}

/** Distinct scores, descending, each with how many positives and negatives carry it. */
function scoreGroups(items: readonly ScoredOutcome[]): { score: number; positives: number; negatives: number }[] {
  const sorted = [...items].sort((x, y) => y.score - x.score);
  const groups: { score: number; positives: number; negatives: number }[] = [];
  for (const { score, positive } of sorted) {
    let last = groups.at(-1);
    if (last === undefined || last.score !== score) {
      last = { score, positives: 0, negatives: 0 };
      groups.push(last);
    }
    if (positive) last.positives += 1;
    else last.negatives += 1;
  }
  return groups;
}

/** ROC AUC = Mann–Whitney U / (n₁·n₀): the share of (positive, negative) pairs ranked right, ties half. Null without both classes. */
export function rocAuc(items: readonly ScoredOutcome[]): number | null {
  checkScores(items, false);
  const groups = scoreGroups(items);
  let positivesAbove = 0;
  let u = 0;
  let negatives = 0;
  for (const group of groups) {
    u += group.negatives * (positivesAbove + group.positives / 2);
    positivesAbove += group.positives;
    negatives += group.negatives;
  }
  return positivesAbove === 0 || negatives === 0 ? null : u / (positivesAbove * negatives);
}

/**
 * ROC points for "ship when score ≥ threshold", thresholds descending: first (0, 0) at threshold
 * Infinity (nothing called ship; JSON writes it as null), then one point per distinct score, the
 * last (1, 1) at the lowest score. Empty when either class is absent (a rate over zero cases).
 */
export function rocCurve(items: readonly ScoredOutcome[]): { fpr: number; tpr: number; threshold: number }[] {
  checkScores(items, false);
  const groups = scoreGroups(items);
  const positives = groups.reduce((sum, group) => sum + group.positives, 0);
  const negatives = groups.reduce((sum, group) => sum + group.negatives, 0);
  if (positives === 0 || negatives === 0) return [];
  const points = [{ fpr: 0, tpr: 0, threshold: Number.POSITIVE_INFINITY }];
  let truePositives = 0;
  let falsePositives = 0;
  for (const group of groups) {
    truePositives += group.positives;
    falsePositives += group.negatives;
    points.push({ fpr: falsePositives / negatives, tpr: truePositives / positives, threshold: group.score });
  }
  return points;
}

/** Brier score: mean (score − outcome)², outcome 1 for ship; scores in 0..1. Null for no items. */
export function brierScore(items: readonly ScoredOutcome[]): number | null {
  checkScores(items, true);
  if (items.length === 0) return null;
  return items.reduce((sum, { score, positive }) => sum + (score - (positive ? 1 : 0)) ** 2, 0) / items.length;
}

/** One bin of a reliability diagram: scores in [low, high) (the last bin also holds 1.0). */
export interface ReliabilityBin {
  low: number;
  high: number;
  count: number;
  /** Mean score in the bin; null when empty. */
  meanScore: number | null;
  /** Share of the bin the human said ship; null when empty. */
  observedRate: number | null;
}

/** `bins` equal-width bins on [0, 1] (default 10); score 1.0 goes in the last bin. Scores in 0..1. */
export function reliabilityBins(items: readonly ScoredOutcome[], bins = 10): ReliabilityBin[] {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`Expected \`bins\` to be an integer from 1 and up, got ${bins}`);
  checkScores(items, true);
  const sums = Array.from({ length: bins }, () => ({ count: 0, scores: 0, positives: 0 }));
  for (const { score, positive } of items) {
    // floor(score · bins) can land one off the edges i / bins reported below (0.29 · 100 =
    // 28.999…); nudge so a score equal to a bin's `low` is always in that bin.
    let index = Math.min(Math.floor(score * bins), bins - 1);
    if (index + 1 < bins && score >= (index + 1) / bins) index += 1;
    else if (index > 0 && score < index / bins) index -= 1;
    const sum = sums[index]!;
    sum.count += 1;
    sum.scores += score;
    if (positive) sum.positives += 1;
  }
  return sums.map(({ count, scores, positives }, index) => ({
    low: index / bins,
    high: (index + 1) / bins,
    count,
    meanScore: count === 0 ? null : scores / count,
    observedRate: count === 0 ? null : positives / count,
  }));
}

/** Expected calibration error: Σ count/N · |observedRate − meanScore| over the reliability bins. Null for no items. */
export function expectedCalibrationError(items: readonly ScoredOutcome[], bins = 10): number | null {
  const table = reliabilityBins(items, bins);
  if (items.length === 0) return null;
  return table.reduce((sum, bin) => (bin.count === 0 ? sum : sum + (bin.count / items.length) * Math.abs(bin.observedRate! - bin.meanScore!)), 0);
}
