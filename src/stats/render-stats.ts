import type { Report } from "../report/report-schema.js";
import type { Agreement, PanelStats, Rate, StatsReview } from "./panel-stats.js";

/** The reviews of a report, as the statistics read them. */
export function statsReviewsFromReport(report: Report): StatsReview[] {
  return report.tools.flatMap((tool) =>
    tool.reviews.map((review) => ({
      tool: tool.name,
      descriptionChars: tool.description.length,
      persona: review.persona,
      model: review.model,
      sample: review.sample ?? 0,
      verdict: review.verdict,
      confidence: review.confidence,
    })),
  );
}

const number = (value: number | null, digits = 3): string => (value === null ? "—" : value.toFixed(digits));
const percent = (value: number | null): string => (value === null ? "—" : `${Math.round(value * 1000) / 10}%`);
const interval = (row: Rate): string => (row.rate === null ? "—" : `${percent(row.rate)} [${percent(row.low)}, ${percent(row.high)}] (${row.ship}/${row.n})`);
const agreementLine = (label: string, value: Agreement): string =>
  `| ${label} | ${value.subjects} | ${number(value.kappa)} | ${number(value.alpha)} | ${number(value.ac1)}${value.preferAC1 ? " ← read this (ship rate > 80%)" : ""} |`;

/** The statistics as a Markdown section: for `panelist stats` and the end of report.md. */
export function renderStatsMarkdown(stats: PanelStats): string {
  const lines = [
    "## Statistics",
    "",
    `${plural(stats.reviews, "review")} · ${plural(stats.personas.length, "persona")} × ${plural(stats.models.length, "model")} × ${plural(stats.samples, "sample")}. Ship rates with 95% Wilson intervals.`,
    "",
    `| Persona | ${stats.models.join(" | ")} | All models | Mean confidence (ship / skip) |`,
    `| --- | ${stats.models.map(() => "---").join(" | ")} | --- | --- |`,
    ...stats.byPersona.map((row) => {
      const cells = stats.models.map((model) => interval(stats.matrix.find((cell) => cell.persona === row.persona && cell.model === model)!));
      return `| ${row.persona} | ${cells.join(" | ")} | ${interval(row)} | ${number(row.meanConfidenceShip, 2)} / ${number(row.meanConfidenceSkip, 2)} |`;
    }),
    `| All personas | ${stats.byModel.map(interval).join(" | ")} | | |`,
    "",
    "| Agreement | Subjects | Fleiss' κ | Krippendorff's α | Gwet's AC1 |",
    "| --- | --- | --- | --- | --- |",
    agreementLine("across personas (tools)", stats.acrossPersonas),
    ...stats.acrossModels.map((row) => agreementLine(`across models, ${row.persona}`, row)),
    ...(stats.acrossSamples ? [agreementLine("across samples", stats.acrossSamples)] : []),
    "",
    ...(stats.effectiveVotes
      ? [
          `Effective number of votes: ${stats.effectiveVotes.nEff === null ? "—" : stats.effectiveVotes.nEff.toFixed(2)} of ${stats.effectiveVotes.n} personas (mean pairwise φ ${number(stats.effectiveVotes.meanCorrelation, 3)}): personas whose votes move together count as fewer independent votes.`,
          "",
        ]
      : []),
    "Pairwise persona agreement (share of tools with the same vote):",
    "",
    `| | ${stats.personas.join(" | ")} |`,
    `| --- | ${stats.personas.map(() => "---").join(" | ")} |`,
    ...stats.personas.map((persona, index) => `| ${persona} | ${stats.pairwise[index]!.map((value) => percent(value)).join(" | ")} |`),
    "",
  ];
  if (stats.warnings.length > 0) {
    lines.push("Bias checks:", "", ...stats.warnings.map((warning) => `- **${warning.kind}:** ${warning.message}`), "");
  } else {
    lines.push("Bias checks: none fired.", "");
  }
  return lines.join("\n");
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
