import { communityShipPct } from "../panel/panel-math.js";
import { formatCommunity, formatConfidence, formatPercent, MISSING } from "./format-values.js";
import { factsFetchedOn, factViews, webLink, type FactView } from "./facts-view.js";
import { describeAnswered, describeMissing, isIncomplete, panelCoverage } from "./panel-coverage.js";
import { NOT_STARTED_KINDS, type Report, type Review, type ReviewFailure, type SkippedTool, type ToolReport } from "./report-schema.js";

/** A review as a page shows it. */
export interface ReviewView {
  /** The persona's id (a re-run names it). */
  persona: string;
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
  /** The review's store id (reports built from the store carry it; the workbench's forms send it back). */
  id: number | undefined;
  /** Its tool's store id. */
  toolId: number | undefined;
  /** Edits and undos recorded: the version an edit must be made on. */
  version: number;
  /** The confidence as a number 0..1, for the edit form. */
  confidenceValue: number;
  /** Set when an editor changed the review: who, when (a date), why, and what the model said. */
  edited: { editor: string; on: string; reason: string; original: string } | undefined;
  /** Set when the review came from a re-run that replaced an earlier one. */
  rerun: { editor: string; on: string; replaces: number } | undefined;
}

/** A human's verdict on a tool, as a page shows it. */
export interface LabelView {
  verdict: "ship" | "skip";
  badge: string;
  note: string | undefined;
  editor: string;
  /** The date it was recorded, e.g. `2026-12-02`. */
  on: string;
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
  /** Facts read from where the tool lives; empty when none were fetched. */
  facts: FactView[];
  /** When the facts were fetched, e.g. `2026-12-02`; undefined without facts. */
  factsFetched: string | undefined;
  shipPct: string;
  /** 0..100 for the bar. */
  shipBar: number;
  split: string;
  consensus: string;
  community: string;
  communityBar: number | undefined;
  entry: string;
  /** Set when the panel lost reviewers or reviews, e.g. answered "2 of 4 reviewers answered", missing "failed: The Skeptic". */
  incomplete: { answered: string; short: string; missing: string | undefined } | undefined;
  reviews: ReviewView[];
  /** Reviews that did not come back; `status` is "Failed" or "Not asked" (never started). */
  failures: { personaName: string; model: string; error: string; status: string }[];
  picked: boolean;
  /** The tool's store id (reports built from the store carry it). */
  id: number | undefined;
  /** The editor's own ship/skip, when one was recorded. */
  label: LabelView | undefined;
  /** Set when an editor accepted the tool's page. */
  accepted: { editor: string; on: string } | undefined;
  /** {@link shipBar} in steps of 5 (0, 5, … 100): a class name, where a page's CSP forbids inline styles. */
  shipBarStep: number;
  /** {@link communityBar} in steps of 5. */
  communityBarStep: number | undefined;
}

/** What the store adds to a review of report.json: its id, edit version, an edit and a re-run (all optional for reports from files). */
interface StoredReviewFields {
  id?: number;
  version?: number;
  edit?: { editor: string; at: string; reason: string; original: { quote: string; verdict: "ship" | "skip"; confidence: number } };
  rerun?: { at: string; editor: string; replaces: number };
}

/** What the store adds to a tool of report.json: its id, a human verdict, an acceptance. */
interface StoredToolFields {
  id?: number;
  label?: { verdict: "ship" | "skip"; note?: string | null; editor: string; at: string };
  accepted?: { editor: string; at: string };
}

/** The page's data, already formatted: templates only place it. */
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
  /** A comparison without a pick: why. */
  noPick: string | undefined;
  /** Set when the pick flipped with the tools in the other order (compare --swap). */
  positionNotice: string | undefined;
  /** Inputs left out for bad input. */
  skipped: { location: string; message: string }[];
  /** Relative link to the batch index of a tool page. */
  indexHref: string | undefined;
}

/** "failed", or "not asked" for a review that was never started (the spending cap, a stopped run). */
export function failureStatus(failure: Pick<ReviewFailure, "kind">): "failed" | "not asked" {
  return NOT_STARTED_KINDS.includes(failure.kind) ? "not asked" : "failed";
}

/** The side-by-side "Reviewers answered" cell, e.g. "4 of 4" or "2 of 4 (failed: The Skeptic; not asked: The Futurist)". */
export function answeredCell(tool: ToolReport, personas: readonly { id: string }[], nameOf: (persona: string) => string): string {
  const coverage = tool.coverage ?? panelCoverage(tool, personas);
  const missing = describeMissing(coverage, nameOf);
  const lost = coverage.lostReviews > 0 ? `, ${coverage.lostReviews} more ${coverage.lostReviews === 1 ? "review" : "reviews"} missing` : "";
  return `${coverage.answered} of ${coverage.reviewers}${lost}${missing ? ` (${missing})` : ""}`;
}

/** A persona's side-by-side cell for one tool: its verdicts, or why it has none. */
export function personaCell(tool: ToolReport, persona: string): string {
  const verdicts = tool.reviews.filter((review) => review.persona === persona).map((review) => review.verdict);
  if (verdicts.length > 0) return verdicts.join(", ");
  const failures = tool.failures.filter((failure) => failure.persona === persona);
  if (failures.length === 0) return MISSING;
  return `no verdict (${failures.some((failure) => failureStatus(failure) === "failed") ? "failed" : "not asked"})`;
}

/** What a position-dependent pick (compare --swap) means, for the page; undefined otherwise. */
export function positionNotice(report: Pick<Report, "swap" | "pick">): string | undefined {
  if (!report.swap?.positionDependent) return undefined;
  const given = report.pick?.name ?? "no tool";
  const swapped = report.swap.pick ?? "no tool";
  return `With the tools reviewed in the other order, the panel picked ${swapped} instead of ${given}. The order the tools were shown in swayed the verdict: treat this pick as weak.`;
}

/** A skipped input as "file:line" and its problem (the error without the location it starts with). */
export function skippedLine(skipped: SkippedTool): { location: string; message: string } {
  const location = skipped.line === undefined ? skipped.file : `${skipped.file}:${skipped.line}`;
  const message = skipped.error.startsWith(`${location}: `) ? skipped.error.slice(location.length + 2) : skipped.error;
  return { location, message };
}

/** Whether a review disagrees with its tool's majority (no majority on an even split). */
export function isDissent(tool: ToolReport, review: Review): boolean {
  const { ship, skip } = tool.panel;
  if (ship === skip) return false;
  return review.verdict !== (ship > skip ? "ship" : "skip");
}

/** Formats report.json for a page; `indexHref` links a batch tool page back to its index. */
export function buildReportView(report: Report, indexHref?: string): ReportView {
  const personaNames = new Map(report.personas.map((persona) => [persona.id, persona.name]));
  const nameOf = (id: string): string => personaNames.get(id) ?? id;
  const tools = report.tools.map((tool): ToolView => {
    const community = communityShipPct(tool.community);
    const stored = tool as ToolReport & StoredToolFields;
    const coverage = tool.coverage ?? panelCoverage(tool, report.personas);
    return {
      name: tool.name,
      category: tool.category ?? undefined,
      tagline: tool.tagline ?? undefined,
      paragraphs: tool.description
        .split(/\n\s*\n/)
        .map((paragraph) => paragraph.replace(/\s*\n\s*/g, " ").trim())
        .filter(Boolean),
      url: webLink(tool.url),
      facts: factViews(tool.facts ?? []),
      factsFetched: tool.facts && tool.facts.length > 0 ? factsFetchedOn(tool.facts) : undefined,
      shipPct: formatPercent(tool.panel.shipPct),
      shipBar: tool.panel.shipPct ?? 0,
      split: tool.panel.split,
      consensus: tool.panel.consensus,
      community: formatCommunity(tool.community),
      communityBar: community ?? undefined,
      entry: tool.pricing ?? MISSING,
      incomplete: isIncomplete(coverage)
        ? { answered: describeAnswered(coverage), short: `${coverage.answered} of ${coverage.reviewers} answered`, missing: describeMissing(coverage, nameOf) }
        : undefined,
      reviews: tool.reviews.map((review) => reviewView(review as Review & StoredReviewFields, tool, stored.id, nameOf)),
      failures: tool.failures.map((failure) => ({
        personaName: nameOf(failure.persona),
        model: failure.model,
        error: failure.error,
        status: failureStatus(failure) === "failed" ? "Failed" : "Not asked",
      })),
      picked: report.pick?.name === tool.name,
      id: stored.id,
      label: stored.label
        ? { verdict: stored.label.verdict, badge: stored.label.verdict === "ship" ? "Ship" : "Skip", note: stored.label.note || undefined, editor: stored.label.editor, on: stored.label.at.slice(0, 10) }
        : undefined,
      accepted: stored.accepted ? { editor: stored.accepted.editor, on: stored.accepted.at.slice(0, 10) } : undefined,
      shipBarStep: barStep(tool.panel.shipPct ?? 0),
      communityBarStep: community === null ? undefined : barStep(community),
    };
  });
  const rows = [
    { label: "Panel ship %", cells: tools.map((tool) => tool.shipPct) },
    { label: "Reviewer split", cells: tools.map((tool) => tool.split) },
    {
      label: "Reviewers answered",
      cells: report.tools.map((tool) => answeredCell(tool, report.personas, nameOf)),
    },
    { label: "Community", cells: tools.map((tool) => tool.community) },
    { label: "Entry", cells: tools.map((tool) => tool.entry) },
    ...report.personas.map((persona) => ({
      label: persona.name,
      cells: report.tools.map((tool) => personaCell(tool, persona.id)),
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
    noPick: report.pick ? undefined : report.noPick?.reason,
    positionNotice: positionNotice(report),
    skipped: report.skipped.map(skippedLine),
    indexHref,
  };
}

/** A review's view: the page's figures, and what an editor changed. */
function reviewView(review: Review & StoredReviewFields, tool: ToolReport, toolId: number | undefined, nameOf: (persona: string) => string): ReviewView {
  const original = review.edit?.original;
  return {
    persona: review.persona,
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
    id: review.id,
    toolId,
    version: review.version ?? 0,
    confidenceValue: review.confidence,
    edited:
      review.edit && original
        ? {
            editor: review.edit.editor,
            on: review.edit.at.slice(0, 10),
            reason: review.edit.reason,
            original: `The model said: ${original.verdict}, confidence ${formatConfidence(original.confidence)}, \u201c${original.quote}\u201d`,
          }
        : undefined,
    rerun: review.rerun ? { editor: review.rerun.editor, on: review.rerun.at.slice(0, 10), replaces: review.rerun.replaces } : undefined,
  };
}

/** A 0..100 share rounded to a step of 5, for a width class. */
function barStep(percent: number): number {
  return Math.min(100, Math.max(0, Math.round(percent / 5) * 5));
}
