/**
 * Calibration of the panel against human labels: pure functions. Binary agreement (accuracy,
 * balanced accuracy, Cohen's kappa, Gwet's AC1 with seeded bootstrap intervals), ranking (ROC AUC
 * as Mann–Whitney U), probability calibration (Brier score, reliability bins, ECE), and how many
 * independent votes a correlated panel is worth (phi, effective n).
 */
import { wilsonInterval } from "./agreement.js";

/** A value with its 95% interval; all null when it cannot be computed (e.g. n = 0, no variance). */
export interface Estimate {
  value: number | null;
  low: number | null;
  high: number | null;
}

/** One tool's panel call against the human label. predicted/actual: true = ship. */
export interface BinaryPair {
  predicted: boolean;
  actual: boolean;
}

export interface BinaryAgreement {
  n: number;
  /** Confusion counts: tp = predicted ship & human ship, etc. */
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  /** Share of pairs where panel and human agree; 95% Wilson interval. */
  accuracy: Estimate;
  /** Mean of sensitivity and specificity; null when the human labels hold only one class. Bootstrap interval. */
  balancedAccuracy: Estimate;
  /** Cohen's kappa; null when chance agreement is 1 (both sides constant and equal). Bootstrap interval. */
  kappa: Estimate;
  /** Gwet's AC1 for two raters over {ship, skip}. Bootstrap interval. */
  ac1: Estimate;
}

/**
 * Percentile bootstrap over pairs. `resamples` defaults to 2000 (0 skips the bootstrap: intervals
 * null); `seed` defaults to 20261202, so the same input gives the same intervals.
 */
export interface BootstrapOptions {
  resamples: number;
  seed: number;
}

const DEFAULT_BOOTSTRAP: BootstrapOptions = { resamples: 2000, seed: 20261202 };

const NULL_ESTIMATE: Estimate = { value: null, low: null, high: null };

/** A seeded PRNG (mulberry32) for reproducible bootstraps: uniform on [0, 1). */
export function seededRandom(seed: number): () => number {
  if (!Number.isInteger(seed)) throw new RangeError(`Expected \`seed\` to be an integer, got ${seed}`);
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

function confusion(pairs: readonly BinaryPair[]): Confusion {
  const counts = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (const { predicted, actual } of pairs) {
    if (predicted) counts[actual ? "tp" : "fp"] += 1;
    else counts[actual ? "fn" : "tn"] += 1;
  }
  return counts;
}

function balancedAccuracyOf({ tp, fp, tn, fn }: Confusion): number | null {
  if (tp + fn === 0 || tn + fp === 0) return null;
  return (tp / (tp + fn) + tn / (tn + fp)) / 2;
}

function kappaOf({ tp, fp, tn, fn }: Confusion): number | null {
  const n = tp + fp + tn + fn;
  // In whole counts, κ = (n·agree − S) / (n² − S) with S = Σ marginal products; the test for
  // p_e = 1 is then exact rather than a float landing a hair away from 1.
  const chance = (tp + fp) * (tp + fn) + (tn + fn) * (tn + fp);
  if (n === 0 || chance === n * n) return null;
  return (n * (tp + tn) - chance) / (n * n - chance);
}

function ac1Of({ tp, fp, tn, fn }: Confusion): number | null {
  const n = tp + fp + tn + fn;
  if (n === 0) return null;
  // Two raters, two categories (Gwet 2008): π = share of all 2n ratings that are ship,
  // p_e = 2π(1 − π) / (q − 1) with q = 2, which is at most 0.5, so AC1 is always defined.
  const pi = (2 * tp + fp + fn) / (2 * n);
  const expected = 2 * pi * (1 - pi);
  return ((tp + tn) / n - expected) / (1 - expected);
}

/** Cohen's kappa of panel against human; null for no pairs or chance agreement 1. */
export function cohenKappa(pairs: readonly BinaryPair[]): number | null {
  return kappaOf(confusion(pairs));
}

/** Linear-interpolation quantile (R type 7) of an ascending array with at least one entry. */
function quantile(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const below = Math.floor(h);
  const lower = sorted[below]!;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)]!;
  return lower + (h - below) * (upper - lower);
}

function percentileEstimate(value: number | null, replicates: number[]): Estimate {
  if (value === null) return NULL_ESTIMATE;
  if (replicates.length === 0) return { value, low: null, high: null };
  replicates.sort((x, y) => x - y);
  // A percentile interval of a biased statistic (kappa at small n) can miss its own point
  // estimate; widen to include it so a reader never sees a value outside its bar.
  return { value, low: Math.min(value, quantile(replicates, 0.025)), high: Math.max(value, quantile(replicates, 0.975)) };
}

/**
 * Panel calls against human labels. Intervals for balanced accuracy, kappa and AC1 are percentile
 * bootstraps over pairs (the same resamples for all three); a resample where a statistic is
 * undefined (e.g. one class missing) is left out of that statistic's interval.
 */
export function binaryAgreement(pairs: readonly BinaryPair[], options: Partial<BootstrapOptions> = {}): BinaryAgreement {
  const { resamples, seed } = { ...DEFAULT_BOOTSTRAP, ...options };
  if (!Number.isInteger(resamples) || resamples < 0) {
    throw new RangeError(`Expected \`resamples\` to be an integer from 0 and up, got ${resamples}`);
  }
  const random = seededRandom(seed);
  const counts = confusion(pairs);
  const n = pairs.length;
  const point = { balancedAccuracy: balancedAccuracyOf(counts), kappa: kappaOf(counts), ac1: ac1Of(counts) };
  const replicates = { balancedAccuracy: [] as number[], kappa: [] as number[], ac1: [] as number[] };
  if (n > 0) {
    for (let r = 0; r < resamples; r += 1) {
      const sample: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
      for (let i = 0; i < n; i += 1) {
        const { predicted, actual } = pairs[Math.floor(random() * n)]!;
        if (predicted) sample[actual ? "tp" : "fp"] += 1;
        else sample[actual ? "fn" : "tn"] += 1;
      }
      const balanced = balancedAccuracyOf(sample);
      const kappa = kappaOf(sample);
      const ac1 = ac1Of(sample);
      if (balanced !== null) replicates.balancedAccuracy.push(balanced);
      if (kappa !== null) replicates.kappa.push(kappa);
      if (ac1 !== null) replicates.ac1.push(ac1);
    }
  }
  const wilson = wilsonInterval(counts.tp + counts.tn, n);
  return {
    n,
    ...counts,
    accuracy: { value: wilson.rate, low: wilson.low, high: wilson.high },
    balancedAccuracy: percentileEstimate(point.balancedAccuracy, replicates.balancedAccuracy),
    kappa: percentileEstimate(point.kappa, replicates.kappa),
    ac1: percentileEstimate(point.ac1, replicates.ac1),
  };
}

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

/**
 * Phi coefficient of two vote vectors over the same tools. A tool where either voter has null (or
 * no entry: a shorter vector reads as not voting) is dropped. Null when either side has no variance
 * over the tools left.
 */
export function phi(a: readonly (boolean | null)[], b: readonly (boolean | null)[]): number | null {
  let both = 0;
  let onlyA = 0;
  let onlyB = 0;
  let neither = 0;
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === null || y === null) continue;
    if (x && y) both += 1;
    else if (x) onlyA += 1;
    else if (y) onlyB += 1;
    else neither += 1;
  }
  const marginals = (both + onlyA) * (onlyB + neither) * (both + onlyB) * (onlyA + neither);
  return marginals === 0 ? null : (both * neither - onlyA * onlyB) / Math.sqrt(marginals);
}

export interface EffectiveVotes {
  /** Voters. */
  n: number;
  /** Mean phi over voter pairs with a defined phi, as observed (may be negative); null when none. */
  meanCorrelation: number | null;
  /** The correlation nEff uses: meanCorrelation clamped to 0..1; null when meanCorrelation is. */
  usedCorrelation: number | null;
  /** n / (1 + (n − 1) · usedCorrelation), so 1 ≤ nEff ≤ n; null when usedCorrelation is. */
  nEff: number | null;
  /** Every voter pair a < b (indices into votes) with its phi. */
  pairs: { a: number; b: number; phi: number | null }[];
}

/**
 * How many independent votes a panel is worth, from votes[voter][tool] (null = did not vote):
 * n_eff = n / (1 + (n − 1) ρ̄), ρ̄ the mean pairwise phi. ρ̄ is clamped to ≥ 0 rather than to
 * the −1/(n − 1) floor: at that floor n_eff is infinite, and a negative mean over a few tools is
 * mostly noise, so a panel is never reported as worth more than its head count.
 */
export function effectiveVotes(votes: readonly (readonly (boolean | null)[])[]): EffectiveVotes {
  const n = votes.length;
  const pairs: EffectiveVotes["pairs"] = [];
  for (let a = 0; a < n; a += 1) for (let b = a + 1; b < n; b += 1) pairs.push({ a, b, phi: phi(votes[a]!, votes[b]!) });
  const defined = pairs.flatMap((pair) => (pair.phi === null ? [] : [pair.phi]));
  const meanCorrelation = defined.length === 0 ? null : defined.reduce((sum, value) => sum + value, 0) / defined.length;
  const usedCorrelation = meanCorrelation === null ? null : Math.min(1, Math.max(0, meanCorrelation));
  const nEff = usedCorrelation === null ? null : n / (1 + (n - 1) * usedCorrelation);
  return { n, meanCorrelation, usedCorrelation, nEff, pairs };
}
