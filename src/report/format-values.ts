import { communityShipPct } from "../panel/panel-math.js";
import type { CommunityVote } from "../tools/tool.js";

/** Shown where a value is missing. */
export const MISSING = "—";

/** `75%`, or {@link MISSING} for null. */
export function formatPercent(value: number | null): string {
  return value === null ? MISSING : `${value}%`;
}

/** `75% ship (412 votes)`, or {@link MISSING} when there is no community vote. */
export function formatCommunity(community: CommunityVote | null): string {
  if (community === null) return MISSING;
  const total = community.ship + community.skip;
  return `${formatPercent(communityShipPct(community))} ship (${total} ${total === 1 ? "vote" : "votes"})`;
}

/** A confidence from 0..1 as a whole percentage. */
export function formatConfidence(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}
