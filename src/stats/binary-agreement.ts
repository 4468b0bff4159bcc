/**
 * How far the panel's ship/skip agrees with human labels, as pure functions: accuracy, balanced
 * accuracy, Cohen's kappa and Gwet's AC1, with seeded bootstrap intervals. The panel's scores
 * against the labels are in score-calibration.ts; how many votes a correlated panel is worth, in
 * effective-votes.ts.
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
