import { NOT_STARTED_KINDS, type PanelCoverage, type ToolReport } from "./report-schema.js";

/**
 * How much of a tool's panel answered. A persona counts as answered with at least one review; a
 * persona with none is missing, "not asked" when every one of its failures is of a kind that was
 * never started (the spending cap, a stopped run) or when it has no record at all, else "failed".
 * Reviews lost by personas that did answer (another model or sample) are counted as `lostReviews`.
 */
export function panelCoverage(tool: Pick<ToolReport, "reviews" | "failures">, personas: readonly { id: string }[]): PanelCoverage {
  const ids = [...new Set([...personas.map((persona) => persona.id), ...tool.reviews.map((review) => review.persona), ...tool.failures.map((failure) => failure.persona)])];
  const answered = new Set(tool.reviews.map((review) => review.persona));
  const missing = ids
    .filter((id) => !answered.has(id))
    .map((id) => {
      const failures = tool.failures.filter((failure) => failure.persona === id);
      const asked = failures.some((failure) => !NOT_STARTED_KINDS.includes(failure.kind));
      return { persona: id, status: asked ? ("failed" as const) : ("not asked" as const) };
    });
  const lostReviews = tool.failures.filter((failure) => answered.has(failure.persona)).length;
  return { reviewers: ids.length, answered: ids.length - missing.length, missing, lostReviews };
}

/** Whether a panel lost a reviewer or a review. */
export function isIncomplete(coverage: PanelCoverage): boolean {
  return coverage.answered < coverage.reviewers || coverage.lostReviews > 0;
}

/** "2 of 4 reviewers answered", with the reviews lost by those who answered when there are any. */
export function describeAnswered(coverage: PanelCoverage): string {
  const lost = coverage.lostReviews === 0 ? "" : `, ${coverage.lostReviews} more ${coverage.lostReviews === 1 ? "review" : "reviews"} missing`;
  return `${coverage.answered} of ${coverage.reviewers} reviewers answered${lost}`;
}

/**
 * The missing personas by name and why, e.g. "failed: The Skeptic; not asked: The Futurist";
 * undefined when none is missing.
 */
export function describeMissing(coverage: PanelCoverage, nameOf: (persona: string) => string): string | undefined {
  const group = (status: "failed" | "not asked"): string | undefined => {
    const names = coverage.missing.filter((entry) => entry.status === status).map((entry) => nameOf(entry.persona));
    return names.length === 0 ? undefined : `${status}: ${names.join(", ")}`;
  };
  const parts = [group("failed"), group("not asked")].filter((part): part is string => part !== undefined);
  return parts.length === 0 ? undefined : parts.join("; ");
}
