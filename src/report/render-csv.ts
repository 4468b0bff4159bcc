import { csvHeader, csvLine } from "./to-csv.js";
import type { Report } from "./report-schema.js";

/** The columns of report.csv: one row per review. */
const COLUMNS = [
  "tool", "category", "pricing", "panelShipPct", "split", "persona", "personaName", "model", "verdict", "dissent", "confidence",
  "quote", "rationale", "strengths", "risks", "pricingRead", "inputTokens", "cachedInputTokens", "outputTokens", "costUsd", "latencyMs",
] as const;

type Row = Record<(typeof COLUMNS)[number], unknown>;

/** Renders report.json as CSV, one row per review, for spreadsheets. */
export function renderCsv(report: Report): string {
  const names = new Map(report.personas.map((persona) => [persona.id, persona.name]));
  let text = csvHeader(COLUMNS);
  for (const tool of report.tools) {
    const majority = tool.panel.ship === tool.panel.skip ? undefined : tool.panel.ship > tool.panel.skip ? "ship" : "skip";
    for (const review of tool.reviews) {
      const row: Row = {
        tool: tool.name,
        category: tool.category,
        pricing: tool.pricing,
        panelShipPct: tool.panel.shipPct,
        split: tool.panel.split,
        persona: review.persona,
        personaName: names.get(review.persona) ?? review.persona,
        model: review.model,
        verdict: review.verdict,
        dissent: majority !== undefined && review.verdict !== majority,
        confidence: review.confidence,
        quote: review.quote,
        rationale: review.rationale,
        strengths: review.strengths.join("; "),
        risks: review.risks.join("; "),
        pricingRead: review.pricingRead,
        inputTokens: review.usage.inputTokens,
        cachedInputTokens: review.usage.cachedInputTokens,
        outputTokens: review.usage.outputTokens,
        costUsd: review.costUsd,
        latencyMs: review.latencyMs,
      };
      text += csvLine(row, COLUMNS);
    }
  }
  return text;
}
