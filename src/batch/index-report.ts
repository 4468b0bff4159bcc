import { z } from "zod";
import { panelSchema } from "../report/report-schema.js";
import { escapeMarkdown } from "../report/render-markdown.js";
import { formatPercent, MISSING } from "../report/format-values.js";
import { renderPage } from "../report/render-html.js";

/** One tool's line in the run index. */
export const indexEntrySchema = z.object({
  name: z.string(),
  slug: z.string(),
  category: z.string().nullable(),
  pricing: z.string().nullable(),
  url: z.string().nullable(),
  panel: panelSchema,
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
});

/** One tool's line in the run index. */
export type IndexEntry = z.infer<typeof indexEntrySchema>;
/** index.json. */
export type IndexReport = z.infer<typeof indexReportSchema>;

/** Builds the run index: tools by panel ship %, highest first (ties by name), with pick-outs. */
export function buildIndexReport(input: Omit<IndexReport, "schemaVersion" | "tools" | "pickOuts"> & { entries: readonly IndexEntry[] }): IndexReport {
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
  };
}

/** index.md: the run's tools as a table with links to each tool's page. */
export function renderIndexMarkdown(index: IndexReport): string {
  const cell = (text: string | null): string => (text ? escapeMarkdown(text.replace(/\s+/g, " ")) : MISSING);
  const lines = [
    `# Panel verdicts — run ${index.runId}`,
    "",
    `_${index.tools.length} tools, ${index.personas.length} personas, ${index.models.map(cell).join(", ")}; generated ${index.generatedAt.slice(0, 16).replace("T", " ")} UTC._`,
    "",
    "| Tool | Panel ship % | Split | Category | Entry |",
    "| --- | --- | --- | --- | --- |",
    ...index.tools.map((tool) => {
      const page = tool.files.find((file) => file.endsWith(".md"));
      const name = page ? `[${cell(tool.name)}](${encodeURI(page)})` : cell(tool.name);
      return `| ${name} | ${formatPercent(tool.panel.shipPct)} | ${tool.panel.split}${tool.panel.failed > 0 ? ` (+${tool.panel.failed} failed)` : ""} | ${cell(tool.category)} | ${cell(tool.pricing)} |`;
    }),
    "",
  ];
  const pick = (label: string, names: string[]): void => {
    if (names.length > 0) lines.push(`- **${label}:** ${names.map(cell).join(", ")}`);
  };
  lines.push("## Pick-outs", "");
  pick("Every reviewer ships", index.pickOuts.unanimousShip);
  pick("Every reviewer skips", index.pickOuts.unanimousSkip);
  pick("Evenly split", index.pickOuts.evenSplit);
  return `${lines.join("\n").trimEnd()}\n`;
}

/** index.html: the run's tools as a table sorted by panel ship %, linking each tool's page, in the report's look. */
export function renderIndexHtml(index: IndexReport): string {
  const pickOuts = [
    { label: "Every reviewer ships", names: index.pickOuts.unanimousShip },
    { label: "Every reviewer skips", names: index.pickOuts.unanimousSkip },
    { label: "Evenly split", names: index.pickOuts.evenSplit },
  ].filter((pick) => pick.names.length > 0);
  return renderPage("index", {
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
      failed: tool.panel.failed,
      category: tool.category ?? MISSING,
      pricing: tool.pricing ?? MISSING,
    })),
    pickOuts: pickOuts.map((pick) => ({ label: pick.label, names: pick.names.join(", ") })),
  });
}
