import { NOT_STARTED_KINDS, type Report } from "../report/report-schema.js";

/**
 * A compact Markdown answer for an agent: per tool its panel ship %, split, each persona's verdict
 * and quote and its failures; the pick and why; reviews not started; the run id and cost. The full
 * report travels beside it as structured content.
 */
export function summarizeReport(report: Report, context: { runId: string; maxCost?: number | undefined }): string {
  const names = new Map(report.personas.map((persona) => [persona.id, persona.name]));
  const lines: string[] = [`# ${report.title}`, ""];
  for (const tool of report.tools) {
    const pct = tool.panel.shipPct === null ? "no verdicts" : `${tool.panel.shipPct}% ship`;
    lines.push(`## ${tool.name}: ${pct} (${tool.panel.split}, ${tool.panel.consensus})`);
    for (const review of tool.reviews) {
      lines.push(`- ${names.get(review.persona) ?? review.persona} (${review.model}): ${review.verdict.toUpperCase()}, confidence ${Math.round(review.confidence * 100)}% — “${review.quote}”`);
    }
    for (const failure of tool.failures.filter((failure) => !NOT_STARTED_KINDS.includes(failure.kind))) {
      lines.push(`- ${names.get(failure.persona) ?? failure.persona} (${failure.model}): failed (${failure.kind}): ${failure.error}`);
    }
    lines.push("");
  }
  if (report.pick) lines.push(`**Pick: ${report.pick.name}** — ${report.pick.reason}`);
  else if (report.noPick) lines.push(`**No pick** — ${report.noPick.reason}`);
  if (report.summary) lines.push(`Editor summary: ${report.summary}`);
  if (report.notStarted > 0) {
    const cap = context.maxCost === undefined ? "the run was stopped" : `the server's --max-cost $${context.maxCost} would have been exceeded`;
    lines.push(`Not started: ${report.notStarted} ${report.notStarted === 1 ? "review" : "reviews"} (${cap}); the verdicts above are partial.`);
  }
  for (const skipped of report.skipped) lines.push(`Skipped (bad input): ${skipped.error}`);
  const reviews = report.tools.reduce((sum, tool) => sum + tool.reviews.length, 0);
  const cost = report.costUsd === null ? "cost unknown" : `$${report.costUsd.toFixed(4)}`;
  lines.push(`Run ${context.runId}: ${reviews} reviews, ${report.usage.calls} calls, ${cost}. get_run reads it again.`);
  return `${lines.join("\n").trimEnd()}\n`;
}
