/**
 * Agreement statistics for panels: pure functions over a ratings matrix (one row per subject, one
 * entry per rater, null where a rater gave no rating). Formulas follow Fleiss (1971),
 * Krippendorff (2011, nominal, coincidence matrix) and Gwet (2008); tests check them against the
 * published worked examples.
 */

/** One row per subject (a tool, or a tool × persona × model); one entry per rater; null = no rating. */
export type Ratings = readonly (readonly (string | null)[])[];

/** z for a two-sided 95% interval. */
const Z95 = 1.959964;

/** A proportion with its 95% Wilson score interval; all null when n is 0. */
export interface WilsonInterval {
  rate: number | null;
  low: number | null;
  high: number | null;
}

/** 95% Wilson score interval: unlike the normal approximation it stays inside 0..1 for small n. */
export function wilsonInterval(successes: number, n: number): WilsonInterval {
  if (n === 0) return { rate: null, low: null, high: null };
  const p = successes / n;
  const z2 = Z95 * Z95;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Per subject with at least two ratings: its category counts and rating count. */
function subjectCounts(ratings: Ratings): { counts: Map<string, number>; n: number }[] {
  return ratings.flatMap((row) => {
    const values = row.filter((value): value is string => value !== null);
    if (values.length < 2) return [];
    const counts = new Map<string, number>();
    for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
    return [{ counts, n: values.length }];
  });
}

/** Mean over subjects of the share of agreeing rater pairs (Fleiss' P̄, Gwet's Pa). */
function observedAgreement(subjects: ReturnType<typeof subjectCounts>): number {
  const perSubject = subjects.map(({ counts, n }) => [...counts.values()].reduce((sum, count) => sum + count * (count - 1), 0) / (n * (n - 1)));
  return perSubject.reduce((sum, value) => sum + value, 0) / perSubject.length;
}

/** Fleiss' kappa; raters per subject may vary. Null when undefined (no subject rated twice, or chance agreement 1). */
export function fleissKappa(ratings: Ratings): number | null {
  const subjects = subjectCounts(ratings);
  if (subjects.length === 0) return null;
  const total = subjects.reduce((sum, subject) => sum + subject.n, 0);
  // Sum whole counts and divide once: adding up count / total fractions can land a hair below 1
  // for a unanimous panel, and the `expected === 1` test below would then miss the undefined case.
  const totals = new Map<string, number>();
  for (const { counts } of subjects) for (const [category, count] of counts) totals.set(category, (totals.get(category) ?? 0) + count);
  const expected = [...totals.values()].reduce((sum, count) => sum + (count / total) ** 2, 0);
  if (expected === 1) return null;
  return (observedAgreement(subjects) - expected) / (1 - expected);
}

/**
 * Gwet's AC1: chance agreement from how far category shares are from even, so a panel that ships
 * nearly everything is not punished the way kappa punishes it. `categories` defaults to those seen
 * (at least two).
 */
export function gwetAC1(ratings: Ratings, categories?: readonly string[]): number | null {
  const subjects = subjectCounts(ratings);
  if (subjects.length === 0) return null;
  const seen = new Set(categories ?? []);
  for (const { counts } of subjects) for (const category of counts.keys()) seen.add(category);
  const q = Math.max(2, seen.size);
  let expected = 0;
  for (const category of seen) {
    const pi = subjects.reduce((sum, { counts, n }) => sum + (counts.get(category) ?? 0) / n, 0) / subjects.length;
    expected += pi * (1 - pi);
  }
  expected /= q - 1;
  if (expected === 1) return null;
  return (observedAgreement(subjects) - expected) / (1 - expected);
}

/** Krippendorff's alpha for nominal data, missing values allowed. Null when undefined. */
export function krippendorffAlphaNominal(ratings: Ratings): number | null {
  // Coincidence matrix: each ordered pair of values in a unit, weighted 1 / (m_u − 1).
  const coincidences = new Map<string, Map<string, number>>();
  for (const row of ratings) {
    const values = row.filter((value): value is string => value !== null);
    if (values.length < 2) continue;
    const weight = 1 / (values.length - 1);
    values.forEach((c, i) =>
      values.forEach((k, j) => {
        if (i === j) return;
        const inner = coincidences.get(c) ?? new Map<string, number>();
        inner.set(k, (inner.get(k) ?? 0) + weight);
        coincidences.set(c, inner);
      }),
    );
  }
  const marginals = new Map<string, number>();
  let disagreeing = 0;
  for (const [c, inner] of coincidences) {
    for (const [k, count] of inner) {
      marginals.set(c, (marginals.get(c) ?? 0) + count);
      if (c !== k) disagreeing += count;
    }
  }
  const n = [...marginals.values()].reduce((sum, value) => sum + value, 0);
  if (n <= 1) return null;
  let expectedDisagreeing = 0;
  for (const [c, nc] of marginals) for (const [k, nk] of marginals) if (c !== k) expectedDisagreeing += nc * nk;
  if (expectedDisagreeing === 0) return null;
  return 1 - ((n - 1) * disagreeing) / expectedDisagreeing;
}

/** Share of subjects on which raters a and b agree, over subjects both rated. Null when none. */
export function pairwiseAgreement(ratings: Ratings, a: number, b: number): number | null {
  let both = 0;
  let agree = 0;
  for (const row of ratings) {
    const x = row[a] ?? null;
    const y = row[b] ?? null;
    if (x === null || y === null) continue;
    both += 1;
    if (x === y) agree += 1;
  }
  return both === 0 ? null : agree / both;
}

/** Pearson correlation (point-biserial with a 0/1 series). Null for n < 3 or a constant series; meant for equal-length series (a longer one is read only up to the shorter length). */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = Math.min(xs.length, ys.length);
  if (n < 3) return null;
  const mean = (values: readonly number[]): number => values.slice(0, n).reduce((sum, value) => sum + value, 0) / n;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i += 1) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}
