import { z } from "zod";
import { panelCoverageSchema, panelSchema, skippedToolSchema, type PanelCoverage, type SkippedTool } from "../report/report-schema.js";
import { skippedLine } from "../report/report-view.js";
import { markdownInline } from "../report/markdown-text.js";
import { formatPercent, MISSING } from "../report/format-values.js";
import { describeMissing, isIncomplete } from "../report/panel-coverage.js";
import { renderPage } from "../report/render-html.js";

/** One tool's line in the run index. */
export const indexEntrySchema = z.object({
  name: z.string(),
  slug: z.string(),
  category: z.string().nullable(),
  pricing: z.string().nullable(),
  url: z.string().nullable(),
  panel: panelSchema,
  /** Who of the panel answered (absent in indexes written before it was recorded). */
  coverage: panelCoverageSchema.optional(),
  /** Report files of this tool, relative to the output folder. */
  files: z.array(z.string()),
});

/** index.json: every tool of a batch run, sorted by panel ship %. */
export const indexReportSchema = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  generatedAt: z.string(),
  models: z.array(z.string()),
  personas: z.array(z.object({ id: z.string(), name: z.string() })),
  tools: z.array(indexEntrySchema),
  /** Tools worth a look: every reviewer shipped, every reviewer skipped, the panel split evenly. */
  pickOuts: z.object({ unanimousShip: z.array(z.string()), unanimousSkip: z.array(z.string()), evenSplit: z.array(z.string()) }),
  /** Inputs left out for bad input (absent in indexes written before it was recorded). */
  skipped: z.array(skippedToolSchema).optional(),
});

/** One tool's line in the run index. */
export type IndexEntry = z.infer<typeof indexEntrySchema>;
/** index.json. */
export type IndexReport = z.infer<typeof indexReportSchema>;

/** Builds the run index: tools by panel ship %, highest first (ties by name), with pick-outs. */
export function buildIndexReport(input: Omit<IndexReport, "schemaVersion" | "tools" | "pickOuts" | "skipped"> & { entries: readonly IndexEntry[]; skipped?: readonly SkippedTool[] }): IndexReport {
  const tools = [...input.entries].sort((a, b) => (b.panel.shipPct ?? -1) - (a.panel.shipPct ?? -1) || a.name.localeCompare(b.name));
  return {
    schemaVersion: 1,
    runId: input.runId,
    generatedAt: input.generatedAt,
    models: input.models,
    personas: input.personas,
    tools,
    pickOuts: {
      unanimousShip: tools.filter((tool) => tool.panel.consensus === "ship").map((tool) => tool.name),
      unanimousSkip: tools.filter((tool) => tool.panel.consensus === "skip").map((tool) => tool.name),
      evenSplit: tools.filter((tool) => tool.panel.ship > 0 && tool.panel.ship === tool.panel.skip).map((tool) => tool.name),
    },
    skipped: [...(input.skipped ?? [])],
  };
}

/** The index's title, e.g. "Panel verdicts: 30 tools, run 7f3a, 2026-11-25". */
export function indexTitle(index: IndexReport): string {
  return `Panel verdicts: ${index.tools.length} ${index.tools.length === 1 ? "tool" : "tools"}, run ${index.runId}, ${index.generatedAt.slice(0, 10)}`;
}

/**
 * What a tool's split leaves out: "2 of 4 answered; failed: The Skeptic; not asked: The Futurist",
 * or "1 failed" for an entry without coverage; undefined for a whole panel.
 */
export function missingNote(entry: IndexEntry, index: Pick<IndexReport, "personas">): string | undefined {
  const coverage: PanelCoverage | undefined = entry.coverage;
  if (coverage === undefined) return entry.panel.failed > 0 ? `${entry.panel.failed} failed` : undefined;
  if (!isIncomplete(coverage)) return undefined;
  const names = new Map(index.personas.map((persona) => [persona.id, persona.name]));
  const missing = describeMissing(coverage, (persona) => names.get(persona) ?? persona);
  const lost = coverage.lostReviews > 0 ? `, ${coverage.lostReviews} more ${coverage.lostReviews === 1 ? "review" : "reviews"} missing` : "";
  return `${coverage.answered} of ${coverage.reviewers} answered${lost}${missing ? `; ${missing}` : ""}`;
}

/** The pick-outs with each name, flagged when its panel was incomplete. */
function pickOutLists(index: IndexReport): { label: string; names: string[] }[] {
  const byName = new Map(index.tools.map((tool) => [tool.name, tool]));
  const flag = (name: string): string => {
    const entry = byName.get(name);
    const coverage = entry?.coverage;
    if (entry === undefined) return name;
    if (coverage !== undefined) return isIncomplete(coverage) ? `${name} (only ${coverage.answered} of ${coverage.reviewers} answered)` : name;
    return entry.panel.failed > 0 ? `${name} (${entry.panel.failed} failed)` : name;
  };
  return [
    { label: "Every reviewer ships", names: index.pickOuts.unanimousShip },
    { label: "Every reviewer skips", names: index.pickOuts.unanimousSkip },
    { label: "Evenly split", names: index.pickOuts.evenSplit },
  ]
    .filter((pick) => pick.names.length > 0)
    .map((pick) => ({ label: pick.label, names: pick.names.map(flag) }));
}

/** index.md: the run's tools as a table with links to each tool's page. */
export function renderIndexMarkdown(index: IndexReport): string {
  const cell = (text: string | null): string => (text ? markdownInline(text) : MISSING);
  const lines = [
    `# ${cell(indexTitle(index))}`,
    "",
    `_${index.tools.length} tools, ${index.personas.length} personas, ${index.models.map(cell).join(", ")}; generated ${index.generatedAt.slice(0, 16).replace("T", " ")} UTC._`,
    "",
    "| Tool | Panel ship % | Split | Category | Entry |",
    "| --- | --- | --- | --- | --- |",
    ...index.tools.map((tool) => {
      const page = tool.files.find((file) => file.endsWith(".md"));
      const name = page ? `[${cell(tool.name)}](${encodeURI(page)})` : cell(tool.name);
      const note = missingNote(tool, index);
      return `| ${name} | ${formatPercent(tool.panel.shipPct)} | ${cell(tool.panel.split)}${note ? ` (${cell(note)})` : ""} | ${cell(tool.category)} | ${cell(tool.pricing)} |`;
    }),
    "",
  ];
  const pickOuts = pickOutLists(index);
  if (pickOuts.length > 0) lines.push("## Pick-outs", "", ...pickOuts.map((pick) => `- **${pick.label}:** ${pick.names.map(cell).join(", ")}`), "");
  const skipped = index.skipped ?? [];
  if (skipped.length > 0) {
    lines.push("## Not reviewed", "", `${skipped.length === 1 ? "This input was" : "These inputs were"} left out because of bad input:`, "");
    for (const entry of skipped) {
      const { location, message } = skippedLine(entry);
      lines.push(`- **${markdownInline(location)}**: ${markdownInline(message)}`);
    }
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/** index.html: the run's tools as a table sorted by panel ship %, linking each tool's page, in the report's look. */
export function renderIndexHtml(index: IndexReport): string {
  return renderPage("index", {
    title: indexTitle(index),
    runId: index.runId,
    generatedAt: index.generatedAt.slice(0, 16).replace("T", " "),
    models: index.models,
    personaCount: index.personas.length,
    tools: index.tools.map((tool) => ({
      name: tool.name,
      // Only our own relative report files are linked.
      page: tool.files.find((file) => file.endsWith(".html")) ?? tool.files.find((file) => file.endsWith(".md")),
      shipPct: formatPercent(tool.panel.shipPct),
      split: tool.panel.split,
      missing: missingNote(tool, index),
      category: tool.category ?? MISSING,
      pricing: tool.pricing ?? MISSING,
    })),
    pickOuts: pickOutLists(index).map((pick) => ({ label: pick.label, names: pick.names.join(", ") })),
    skipped: (index.skipped ?? []).map(skippedLine),
  });
}
