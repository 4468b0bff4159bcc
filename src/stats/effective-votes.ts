// How many independent votes a correlated panel is worth: pure functions (phi, effective n).

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
