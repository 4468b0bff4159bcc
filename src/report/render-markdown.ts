import type { Report, ToolReport } from "./report-schema.js";
import { formatCommunity, formatConfidence, formatPercent } from "./format-values.js";
import { factsFetchedOn, factViews } from "./facts-view.js";
import { escapeMarkdownBlock, markdownInline as inline, markdownUrl } from "./markdown-text.js";
import { describeAnswered, describeMissing, isIncomplete, panelCoverage } from "./panel-coverage.js";
import { answeredCell, failureStatus, isDissent, personaCell, positionNotice, skippedLine } from "./report-view.js";

export { escapeMarkdown } from "./markdown-text.js";

/** Options of {@link renderMarkdown}. */
export interface RenderMarkdownOptions {
  /** Relative link to the batch index this page belongs to (e.g. `../index.md`). */
  indexHref?: string;
}

/**
 * Renders report.json as a Markdown page for an editor. Structure comes only from this template:
 * every text from a tool file or a model is escaped so it shows as written.
 */
export function renderMarkdown(report: Report, options: RenderMarkdownOptions = {}): string {
  const personaNames = new Map(report.personas.map((persona) => [persona.id, persona.name]));
  const nameOf = (id: string): string => personaNames.get(id) ?? id;
  const reviewCount = report.tools.reduce((sum, tool) => sum + tool.reviews.length, 0);
  const lines: string[] = [];
  if (options.indexHref) lines.push(`[← All tools of this run](${encodeURI(options.indexHref)})`, "");
  lines.push(
    `# ${inline(report.title)}`,
    "",
    `_Drafted by Panelist on ${report.generatedAt.slice(0, 10)} from ${reviewCount} ${reviewCount === 1 ? "review" : "reviews"} by ${report.personas.length} personas (${report.models.map(inline).join(", ")})._`,
    "",
  );
  if (report.summary) lines.push(`> **Editor summary.** ${inline(report.summary)}`, "");
  for (const tool of report.tools) lines.push(...renderTool(tool, report, nameOf));
  if (report.tools.length > 1) lines.push(...renderSideBySide(report, nameOf));
  if (report.pick || report.noPick) {
    lines.push("## Which one should you ship with?", "");
    if (report.pick) lines.push(`**${inline(report.pick.name)}.** ${inline(report.pick.reason)}`, "");
    else if (report.noPick) lines.push(`**Neither.** ${inline(report.noPick.reason)}`, "");
    const notice = positionNotice(report);
    if (notice) lines.push(`**Position-dependent pick.** ${inline(notice)}`, "");
  }
  if (report.skipped.length > 0) {
    lines.push("## Not reviewed", "", `${report.skipped.length === 1 ? "This input was" : "These inputs were"} left out because of bad input:`, "");
    for (const skipped of report.skipped) {
      const { location, message } = skippedLine(skipped);
      lines.push(`- **${inline(location)}**: ${inline(message)}`);
    }
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

function renderTool(tool: ToolReport, report: Report, nameOf: (id: string) => string): string[] {
  const coverage = tool.coverage ?? panelCoverage(tool, report.personas);
  const incomplete = isIncomplete(coverage);
  const lines = [`## ${inline(tool.name)}`, ""];
  const meta = [tool.category, tool.tagline].filter((part): part is string => Boolean(part?.trim()));
  if (meta.length > 0) lines.push(meta.map((part, index) => (index === 0 && tool.category ? `**${inline(part)}**` : `_${inline(part)}_`)).join(" · "), "");
  const description = escapeMarkdownBlock(tool.description);
  if (description) lines.push(description, "");
  if (tool.facts && tool.facts.length > 0) lines.push(factsLine(tool.facts), "");
  // Only web links: a `javascript:` or `data:` URL from a tool file must never become a link.
  if (tool.url && /^https?:\/\//i.test(tool.url)) lines.push(`Link: ${markdownUrl(tool.url)}`, "");
  const answered = incomplete ? `; ${coverage.answered} of ${coverage.reviewers} answered` : "";
  lines.push(
    "| Panel ship % | Reviewer split | Community | Entry |",
    "| --- | --- | --- | --- |",
    `| **${formatPercent(tool.panel.shipPct)}** | ${inline(tool.panel.split)} (${tool.panel.consensus}${answered}) | ${formatCommunity(tool.community)} | ${inline(tool.pricing)} |`,
    "",
  );
  if (incomplete) {
    const missing = describeMissing(coverage, nameOf);
    lines.push(`**Incomplete panel:** ${describeAnswered(coverage)}${missing ? ` (${inline(missing)})` : ""}. The figures count only the reviews that came back.`, "");
  }
  lines.push("### Reviewer scorecard", "");
  // With several models or samples per persona, say how each persona voted and how steadily.
  if (tool.personaVotes.some((vote) => vote.ship + vote.skip > 1)) {
    const votes = tool.personaVotes.map((vote) => `${inline(nameOf(vote.persona))}: ${vote.verdict} (${inline(vote.stability)})`);
    lines.push(`Persona votes: ${votes.join(" · ")}`, "");
  }
  for (const review of tool.reviews) {
    const badge = review.verdict === "ship" ? "SHIP" : "SKIP";
    const dissent = isDissent(tool, review) ? " · dissent" : "";
    lines.push(`- **${inline(nameOf(review.persona))}** — ${badge}${dissent} (confidence ${formatConfidence(review.confidence)}, ${inline(review.model)}): “${inline(review.quote)}”`);
  }
  for (const failure of tool.failures) {
    lines.push(`- **${inline(nameOf(failure.persona))}** — no verdict, ${failureStatus(failure)} (${inline(failure.model)}): ${inline(failure.error)}`);
  }
  lines.push("");
  return lines;
}

/** `**Facts:** Licence: MIT ([source](<…>)) · Stars: 181,204 ([source](<…>)) · fetched 2026-12-02`. */
function factsLine(facts: NonNullable<ToolReport["facts"]>): string {
  const parts = factViews(facts).map((fact) => `${inline(fact.label)}: ${inline(fact.value)}${fact.href ? ` ([source](${markdownUrl(fact.href)}))` : ""}`);
  return `**Facts:** ${parts.join(" · ")} · fetched ${inline(factsFetchedOn(facts))}`;
}

function renderSideBySide(report: Report, nameOf: (id: string) => string): string[] {
  const row = (label: string, cells: string[]): string => `| ${label} | ${cells.join(" | ")} |`;
  const lines = [
    "## Side by side",
    "",
    row("", report.tools.map((tool) => `**${inline(tool.name)}**`)),
    row("---", report.tools.map(() => "---")),
    row("Panel ship %", report.tools.map((tool) => formatPercent(tool.panel.shipPct))),
    row("Reviewer split", report.tools.map((tool) => inline(tool.panel.split))),
    row("Reviewers answered", report.tools.map((tool) => inline(answeredCell(tool, report.personas, nameOf)))),
    row("Community", report.tools.map((tool) => formatCommunity(tool.community))),
    row("Entry", report.tools.map((tool) => inline(tool.pricing))),
  ];
  for (const persona of report.personas) {
    lines.push(row(inline(nameOf(persona.id)), report.tools.map((tool) => personaCell(tool, persona.id))));
  }
  lines.push("");
  return lines;
}
