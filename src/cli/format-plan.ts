import type { ReviewPlan } from "../engine/review-tools.js";
import { count } from "./plural.js";

/** The `--dry-run` listing: one line per planned call, then the totals. */
export function formatPlan(plan: ReviewPlan): string {
  const money = (usd: number | null): string => (usd === null ? "price unknown" : `≤ $${usd.toFixed(4)}`);
  const lines = plan.calls.map((call) => `${call.tool} / ${call.persona} / ${call.model}: ~${call.inputTokens} input tokens, ≤ ${call.maxOutputTokens} output, ${money(call.maxCostUsd)}`);
  if (plan.skippedSinceLast > 0) lines.push(`${count(plan.skippedSinceLast, "tool")} left out: reviewed before, unchanged, by the same panel (--since-last)`);
  lines.push(`Dry run: ${count(plan.calls.length, "call")} planned, ~${plan.inputTokens} input tokens, ≤ ${plan.maxOutputTokens} output tokens, ${money(plan.maxCostUsd)}; nothing was called.`);
  return `${lines.join("\n")}\n`;
}
