import { communityShipPct } from "../panel/panel-math.js";
import { formatCommunity, formatConfidence, formatPercent, MISSING } from "./format-values.js";
import type { Report, Review, ToolReport } from "./report-schema.js";

/** A review as a page shows it. */
export interface ReviewView {
  personaName: string;
  model: string;
  verdict: "ship" | "skip";
  /** "Ship" or "Skip": the badge says it in words, not colour alone. */
  badge: string;
  confidence: string;
  quote: string;
  strengths: string[];
  risks: string[];
  pricingRead: string | undefined;
  /** True when this reviewer voted against the panel's majority. */
  dissent: boolean;
}

/** One tool's card. */
export interface ToolView {
  name: string;
  category: string | undefined;
  tagline: string | undefined;
  /** The description as paragraphs: blank lines separate them, single line breaks are wrapping. */
  paragraphs: string[];
  /** Only http(s) links are kept. */
  url: string | undefined;
  shipPct: string;
  /** 0..100 for the bar. */
  shipBar: number;
  split: string;
  consensus: string;
  community: string;
  communityBar: number | undefined;
  entry: string;
  reviews: ReviewView[];
  failures: { personaName: string; model: string; error: string }[];
  picked: boolean;
}

/** The whole page's data, already formatted: templates only place it. */
export interface ReportView {
  title: string;
  generatedOn: string;
  summary: string | undefined;
  models: string[];
  reviewCount: number;
  tools: ToolView[];
  /** Side-by-side rows: a label and one cell per tool. */
  rows: { label: string; cells: string[] }[];
  pick: { name: string; reason: string } | undefined;
}

/** Whether a review disagrees with its tool's majority (no majority on an even split). */
export function isDissent(tool: ToolReport, review: Review): boolean {
  const { ship, skip } = tool.panel;
  if (ship === skip) return false;
  return review.verdict !== (ship > skip ? "ship" : "skip");
}

/** Formats report.json for a page. */
export function buildReportView(report: Report): ReportView {
  const personaNames = new Map(report.personas.map((persona) => [persona.id, persona.name]));
  const nameOf = (id: string): string => personaNames.get(id) ?? id;
  const tools = report.tools.map((tool): ToolView => {
    const community = communityShipPct(tool.community);
    return {
      name: tool.name,
      category: tool.category ?? undefined,
      tagline: tool.tagline ?? undefined,
      paragraphs: tool.description
        .split(/\n\s*\n/)
        .map((paragraph) => paragraph.replace(/\s*\n\s*/g, " ").trim())
        .filter(Boolean),
      url: tool.url && /^https?:\/\//i.test(tool.url) ? tool.url : undefined,
      shipPct: formatPercent(tool.panel.shipPct),
      shipBar: tool.panel.shipPct ?? 0,
      split: tool.panel.split,
      consensus: tool.panel.consensus,
      community: formatCommunity(tool.community),
      communityBar: community ?? undefined,
      entry: tool.pricing ?? MISSING,
      reviews: tool.reviews.map((review) => ({
        personaName: nameOf(review.persona),
        model: review.model,
        verdict: review.verdict,
        badge: review.verdict === "ship" ? "Ship" : "Skip",
        confidence: formatConfidence(review.confidence),
        quote: review.quote,
        strengths: review.strengths,
        risks: review.risks,
        pricingRead: review.pricingRead,
        dissent: isDissent(tool, review),
      })),
      failures: tool.failures.map((failure) => ({ personaName: nameOf(failure.persona), model: failure.model, error: failure.error })),
      picked: report.pick?.name === tool.name,
    };
  });
  const rows = [
    { label: "Panel ship %", cells: tools.map((tool) => tool.shipPct) },
    { label: "Reviewer split", cells: tools.map((tool) => tool.split) },
    { label: "Community", cells: tools.map((tool) => tool.community) },
    { label: "Entry", cells: tools.map((tool) => tool.entry) },
    ...report.personas.map((persona) => ({
      label: persona.name,
      cells: report.tools.map((tool) => {
        const verdicts = tool.reviews.filter((review) => review.persona === persona.id).map((review) => review.verdict);
        return verdicts.length === 0 ? MISSING : verdicts.join(", ");
      }),
    })),
  ];
  return {
    title: report.title,
    generatedOn: report.generatedAt.slice(0, 10),
    summary: report.summary,
    models: report.models,
    reviewCount: report.tools.reduce((sum, tool) => sum + tool.reviews.length, 0),
    tools,
    rows,
    pick: report.pick,
  };
}
