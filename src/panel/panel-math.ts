import type { CommunityVote } from "../tools/tool.js";
import type { VerdictValue } from "../verdict/verdict-schema.js";

/** How the panel split on one tool. */
export interface PanelSummary {
  /** Share of successful reviews that say ship, in percent (one decimal); null when none succeeded. */
  shipPct: number | null;
  /** Reviews that say ship. */
  ship: number;
  /** Reviews that say skip. */
  skip: number;
  /** Personas whose own models and samples tied, counted as neither ship nor skip. */
  tied: number;
  /** Reviews that failed (not counted in shipPct). */
  failed: number;
  /** Ship–skip split as shown on the page, e.g. "3–1". */
  split: string;
  /** `ship` when all ship, `skip` when all skip, `split` otherwise, `none` with no verdicts. */
  consensus: "ship" | "skip" | "split" | "none";
}

/** Rounds a share to a percentage with one decimal. */
export function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 10;
}

/**
 * Summarises one tool's panel from one vote per persona. A tied persona counts in the
 * denominator of shipPct but as neither ship nor skip, and makes the consensus a split.
 */
export function summarizePanel(verdicts: readonly VerdictValue[], failed = 0, tied = 0): PanelSummary {
  const ship = verdicts.filter((verdict) => verdict === "ship").length;
  const skip = verdicts.length - ship;
  const voters = verdicts.length + tied;
  const consensus = voters === 0 ? "none" : skip === 0 && tied === 0 ? "ship" : ship === 0 && tied === 0 ? "skip" : "split";
  const split = tied > 0 ? `${ship}–${skip} (${tied} tied)` : `${ship}–${skip}`;
  return { shipPct: percent(ship, voters), ship, skip, tied, failed, split, consensus };
}

/** One persona's vote: the majority of its reviews across models and samples. */
export interface PersonaVote {
  persona: string;
  /** `tie` when its ship and skip reviews are equal in number. */
  verdict: VerdictValue | "tie";
  ship: number;
  skip: number;
  /** How stable the vote is, e.g. "2/3 ship" or "3/3 skip". */
  stability: string;
}

/** Tallies each persona's reviews into one vote, personas in first-seen order. */
export function tallyPersonaVotes(reviews: readonly { persona: string; verdict: VerdictValue }[]): PersonaVote[] {
  const counts = new Map<string, { ship: number; skip: number }>();
  for (const review of reviews) {
    const count = counts.get(review.persona) ?? { ship: 0, skip: 0 };
    count[review.verdict] += 1;
    counts.set(review.persona, count);
  }
  return [...counts].map(([persona, { ship, skip }]) => {
    const verdict = ship > skip ? "ship" : skip > ship ? "skip" : "tie";
    const stability = verdict === "tie" ? `${ship}/${ship + skip} ship (tie)` : `${Math.max(ship, skip)}/${ship + skip} ${verdict}`;
    return { persona, verdict, ship, skip, stability };
  });
}

/** Community ship share in percent, null when there are no votes. */
export function communityShipPct(community: CommunityVote | null): number | null {
  return community === null ? null : percent(community.ship, community.ship + community.skip);
}

/** What the compare pick looks at for one tool. */
export interface PickCandidate {
  name: string;
  panel: PanelSummary;
  /** Mean confidence of this tool's ship verdicts, null when it has none. */
  meanShipConfidence: number | null;
  community: CommunityVote | null;
  /**
   * Set when this tool's panel lost reviewers or reviews: how many answered, e.g. "2 of 4
   * reviewers answered". The pick reason then says the pick rests on an incomplete panel.
   */
  incomplete?: string;
}

/** The tool picked in a comparison and why. */
export interface Pick {
  name: string;
  reason: string;
}

/** Mean of the confidences of ship verdicts; null when there are none. */
export function meanShipConfidence(reviews: readonly { verdict: VerdictValue; confidence: number }[]): number | null {
  const ships = reviews.filter((review) => review.verdict === "ship");
  if (ships.length === 0) return null;
  return ships.reduce((sum, review) => sum + review.confidence, 0) / ships.length;
}

type Criterion = { label: string; value: (candidate: PickCandidate) => number | null; format: (value: number, digits: number) => string };

/** A 0..1 confidence as a percentage, the way the scorecard shows it; with `digits` decimals. */
function confidencePercent(value: number, digits: number): string {
  return `${(Math.round(value * 100 * 10 ** digits) / 10 ** digits).toFixed(digits)}%`;
}

/** The pick rule, in order: panel ship %, then mean ship confidence, then community ship %. */
const CRITERIA: readonly Criterion[] = [
  { label: "panel ship %", value: (candidate) => candidate.panel.shipPct, format: (value) => `${value}%` },
  {
    label: "mean confidence of its ship verdicts",
    value: (candidate) => candidate.meanShipConfidence,
    format: confidencePercent,
  },
  { label: "community ship %", value: (candidate) => communityShipPct(candidate.community), format: (value) => `${value}%` },
];

/**
 * Picks the tool to ship with: the higher panel ship %, then the higher mean confidence of ship
 * verdicts, then the higher community ship %. A missing value ranks below any present one (a tool
 * without community votes loses to one at 0%). When every criterion ties, the tool listed first is
 * picked and the reason says so. Returns undefined for fewer than two candidates, and when no tool
 * has a single ship verdict: a pick among tools the panel would all skip, or made on the community
 * vote alone, is not the panel's pick ({@link noPickReason} says why).
 */
export function pickWinner(candidates: readonly PickCandidate[]): Pick | undefined {
  if (candidates.length < 2) return undefined;
  if (candidates.every((candidate) => candidate.panel.ship === 0)) return undefined;
  const pick = rank(candidates);
  const incomplete = candidates.filter((candidate) => candidate.incomplete !== undefined);
  if (incomplete.length === 0) return pick;
  const list = incomplete.map((candidate) => `${candidate.name} (${candidate.incomplete})`).join(", ");
  return { name: pick.name, reason: `${pick.reason} This pick rests on incomplete panels: ${list}.` };
}

/**
 * Why a comparison has no pick, for the page: undefined when {@link pickWinner} picks a tool or
 * there is nothing to compare.
 */
export function noPickReason(candidates: readonly PickCandidate[]): string | undefined {
  if (candidates.length < 2 || pickWinner(candidates) !== undefined) return undefined;
  const tools = candidates.length === 2 ? "both tools" : `all ${candidates.length} tools`;
  const neither = candidates.length === 2 ? "neither" : "none of them";
  if (candidates.every((candidate) => candidate.panel.shipPct === null)) return "No reviewer answered for any tool: the panel has nothing to pick from.";
  return `Every reviewer who answered skipped ${tools}: the panel would ship ${neither}.`;
}

function rank(candidates: readonly PickCandidate[]): Pick {
  let contenders = [...candidates];
  for (const criterion of CRITERIA) {
    const values = contenders.map((candidate) => criterion.value(candidate) ?? Number.NEGATIVE_INFINITY);
    const best = Math.max(...values);
    const leaders = contenders.filter((_, index) => values[index] === best);
    if (leaders.length === 1 && best !== Number.NEGATIVE_INFINITY) {
      const winner = leaders[0]!;
      const others = contenders.filter((candidate) => candidate !== winner);
      return { name: winner.name, reason: explain(winner, others, criterion, candidates.length > contenders.length) };
    }
    if (best !== Number.NEGATIVE_INFINITY) contenders = leaders;
  }
  const first = contenders[0]!;
  return {
    name: first.name,
    reason: `${contenders.map((candidate) => candidate.name).join(" and ")} tie on panel ship %, ship confidence and community vote; ${first.name} is listed first.`,
  };
}

function explain(winner: PickCandidate, others: PickCandidate[], criterion: Criterion, narrowed: boolean): string {
  // Enough decimals that the winner's figure differs from the others' on the page.
  const digits = [0, 1, 2].find((candidateDigits) => others.every((other) => format(other, candidateDigits) !== format(winner, candidateDigits))) ?? 2;
  function format(candidate: PickCandidate, withDigits: number): string {
    const value = criterion.value(candidate);
    return value === null ? "none" : criterion.format(value, withDigits);
  }
  const show = (candidate: PickCandidate): string => format(candidate, digits);
  const against = others.map((other) => `${other.name} (${show(other)})`).join(", ");
  const tie =
    criterion === CRITERIA[0]
      ? ""
      : ` after a tie on ${CRITERIA.slice(0, CRITERIA.indexOf(criterion))
          .map((earlier) => earlier.label)
          .join(" and ")}`;
  const scope = narrowed ? " among the leaders" : "";
  return `${winner.name} has the higher ${criterion.label}${scope}: ${show(winner)} against ${against}${tie}.`;
}
