import type { Report, ToolReport } from "./report-schema.js";
import { formatCommunity, formatConfidence, formatPercent, MISSING } from "./format-values.js";
import { isDissent } from "./report-view.js";

/**
 * Escapes text from tool files and models so Markdown shows it as written: no stray emphasis,
 * links, tables or raw HTML (a tool named `<img onerror=…>` must not become a tag wherever the
 * Markdown is published).
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, "\\$&");
}

/** Escapes and flattens text for one line, e.g. a table cell or a list item. */
function inline(text: string | null | undefined): string {
  if (text === null || text === undefined || text.trim() === "") return MISSING;
  return escapeMarkdown(text.replace(/\s*\n\s*/g, " ").trim());
}

/** Escapes multi-paragraph text, keeping its paragraphs, and stops lines from starting a block. */
function block(text: string): string {
  return escapeMarkdown(text.trim())
    .split("\n")
    .map((line) => line.replace(/^(\s*)([#>+-]|\d+\.)(\s)/, "$1\\$2$3"))
    .join("\n");
}

/** Renders report.json as a Markdown page for an editor. */
export function renderMarkdown(report: Report): string {
  const personaNames = new Map(report.personas.map((persona) => [persona.id, persona.name]));
  const reviewCount = report.tools.reduce((sum, tool) => sum + tool.reviews.length, 0);
  const lines: string[] = [
    `# ${inline(report.title)}`,
    "",
    `_Drafted by Panelist on ${report.generatedAt.slice(0, 10)} from ${reviewCount} ${reviewCount === 1 ? "review" : "reviews"} by ${report.personas.length} personas (${report.models.map(inline).join(", ")})._`,
    "",
  ];
  if (report.summary) lines.push(`> **Editor summary.** ${inline(report.summary)}`, "");
  for (const tool of report.tools) lines.push(...renderTool(tool, personaNames));
  if (report.tools.length > 1) lines.push(...renderSideBySide(report, personaNames));
  if (report.pick) {
    lines.push("## Which one should you ship with?", "", `**${inline(report.pick.name)}.** ${inline(report.pick.reason)}`, "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

function renderTool(tool: ToolReport, personaNames: Map<string, string>): string[] {
  const lines = [`## ${inline(tool.name)}`, ""];
  const meta = [tool.category, tool.tagline].filter((part): part is string => Boolean(part?.trim()));
  if (meta.length > 0) lines.push(meta.map((part, index) => (index === 0 && tool.category ? `**${inline(part)}**` : `_${inline(part)}_`)).join(" · "), "");
  lines.push(block(tool.description), "");
  // Only web links: a `javascript:` or `data:` URL from a tool file must never become a link.
  if (tool.url && /^https?:\/\//i.test(tool.url)) lines.push(`Link: ${inline(tool.url)}`, "");
  lines.push(
    "| Panel ship % | Reviewer split | Community | Entry |",
    "| --- | --- | --- | --- |",
    `| **${formatPercent(tool.panel.shipPct)}** | ${tool.panel.split} (${tool.panel.consensus}) | ${formatCommunity(tool.community)} | ${inline(tool.pricing)} |`,
    "",
    "### Reviewer scorecard",
    "",
  );
  // With several models or samples per persona, say how each persona voted and how steadily.
  if (tool.personaVotes.some((vote) => vote.ship + vote.skip > 1)) {
    const votes = tool.personaVotes.map((vote) => `${inline(personaNames.get(vote.persona) ?? vote.persona)}: ${vote.verdict} (${vote.stability})`);
    lines.push(`Persona votes: ${votes.join(" · ")}`, "");
  }
  for (const review of tool.reviews) {
    const name = inline(personaNames.get(review.persona) ?? review.persona);
    const badge = review.verdict === "ship" ? "SHIP" : "SKIP";
    const dissent = isDissent(tool, review) ? " · dissent" : "";
    lines.push(`- **${name}** — ${badge}${dissent} (confidence ${formatConfidence(review.confidence)}, ${inline(review.model)}): “${inline(review.quote)}”`);
  }
  for (const failure of tool.failures) {
    const name = inline(personaNames.get(failure.persona) ?? failure.persona);
    lines.push(`- **${name}** — no verdict (${inline(failure.model)}): ${inline(failure.error)}`);
  }
  lines.push("");
  return lines;
}

function renderSideBySide(report: Report, personaNames: Map<string, string>): string[] {
  const row = (label: string, cells: string[]): string => `| ${label} | ${cells.join(" | ")} |`;
  const lines = [
    "## Side by side",
    "",
    row("", report.tools.map((tool) => `**${inline(tool.name)}**`)),
    row("---", report.tools.map(() => "---")),
    row("Panel ship %", report.tools.map((tool) => formatPercent(tool.panel.shipPct))),
    row("Reviewer split", report.tools.map((tool) => tool.panel.split)),
    row("Community", report.tools.map((tool) => formatCommunity(tool.community))),
    row("Entry", report.tools.map((tool) => inline(tool.pricing))),
  ];
  for (const persona of report.personas) {
    const cells = report.tools.map((tool) => {
      const verdicts = tool.reviews.filter((review) => review.persona === persona.id).map((review) => review.verdict);
      return verdicts.length === 0 ? MISSING : verdicts.join(", ");
    });
    lines.push(row(inline(personaNames.get(persona.id) ?? persona.id), cells));
  }
  lines.push("");
  return lines;
}
