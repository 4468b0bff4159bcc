import { meanShipConfidence, noPickReason, pickWinner, summarizePanel, tallyPersonaVotes, type PickCandidate } from "../panel/panel-math.js";
import type { Tool } from "../tools/tool.js";
import { describeAnswered, isIncomplete, panelCoverage } from "./panel-coverage.js";
import { NOT_STARTED_KINDS, type Report, type Review, type ReviewFailure, type SkippedTool, type ToolReport, type Usage } from "./report-schema.js";

/** The reviews and failures of one tool, in persona order then model order. */
export interface ToolResult {
  tool: Tool;
  reviews: Review[];
  failures: ReviewFailure[];
}

/** What a report is built from. */
export interface BuildReportInput {
  /** Per-tool results of a panel run. */
  results: readonly ToolResult[];
  personas: readonly { id: string; name: string }[];
  /** `provider:model` labels in the order given. */
  models: readonly string[];
  /** Whether this is a head-to-head comparison (adds the pick). */
  compare: boolean;
  /** Overrides the generated title. */
  title?: string;
  /** ISO timestamp; defaults to now. */
  generatedAt?: string;
  /** Tools left out for bad input. */
  skipped?: readonly SkippedTool[];
}

/** Assembles report.json from the results of a panel run: panel math, the pick and usage totals. */
export function buildReport(input: BuildReportInput): Report {
  const tools = input.results.map((result) => toToolReport(result, input.personas));
  const candidates = tools.map((tool): PickCandidate => {
    const coverage = tool.coverage ?? panelCoverage(tool, input.personas);
    return {
      name: tool.name,
      panel: tool.panel,
      meanShipConfidence: meanShipConfidence(tool.reviews),
      community: tool.community,
      ...(isIncomplete(coverage) ? { incomplete: describeAnswered(coverage) } : {}),
    };
  });
  const pick = input.compare ? pickWinner(candidates) : undefined;
  const noPick = input.compare ? noPickReason(candidates) : undefined;
  const calls = tools.flatMap((tool) => [...tool.reviews, ...tool.failures]);
  const costs = calls.filter((call) => call.attempts > 0).map((call) => call.costUsd);
  return {
    schemaVersion: 1,
    title: input.title ?? defaultTitle(tools.map((tool) => tool.name), input.compare),
    generatedAt: input.generatedAt ?? new Date().toISOString(),
    models: [...input.models],
    personas: input.personas.map((persona) => ({ id: persona.id, name: persona.name })),
    tools,
    ...(pick ? { pick } : {}),
    ...(noPick ? { noPick: { reason: noPick } } : {}),
    usage: withCachedShare({ ...sumUsage(calls.map((call) => call.usage)), calls: calls.reduce((sum, call) => sum + call.attempts, 0) }),
    costUsd: costs.includes(null) ? null : Math.round((costs as number[]).reduce((sum, cost) => sum + cost, 0) * 1_000_000) / 1_000_000,
    notStarted: tools.reduce((sum, tool) => sum + tool.failures.filter((failure) => NOT_STARTED_KINDS.includes(failure.kind)).length, 0),
    skipped: [...(input.skipped ?? [])],
  };
}

/** What an extra call (the editor summary) adds to a report. */
export interface ExtraCall {
  usage: Usage;
  attempts: number;
  costUsd: number | null;
}

/** Adds the editor summary (when there is one) and the moderator call's usage and cost to a report. */
export function withSummary(report: Report, summary: string | undefined, call: ExtraCall): Report {
  const usage = sumUsage([report.usage, call.usage]);
  const costUsd = report.costUsd === null || (call.costUsd === null && call.attempts > 0) ? null : Math.round((report.costUsd + (call.costUsd ?? 0)) * 1_000_000) / 1_000_000;
  return { ...report, ...(summary ? { summary } : {}), usage: withCachedShare({ ...usage, calls: report.usage.calls + call.attempts }), costUsd };
}

/** Adds the share of input served from prompt caches, to four decimals. */
function withCachedShare<T extends Usage>(usage: T): T & { cachedShare: number | null } {
  const share = usage.inputTokens === 0 ? null : Math.round((usage.cachedInputTokens / usage.inputTokens) * 10_000) / 10_000;
  return { ...usage, cachedShare: share };
}

/** Adds up token counts. */
export function sumUsage(usages: readonly Usage[]): Usage {
  return usages.reduce(
    (total, usage) => ({
      inputTokens: total.inputTokens + usage.inputTokens,
      cachedInputTokens: total.cachedInputTokens + usage.cachedInputTokens,
      outputTokens: total.outputTokens + usage.outputTokens,
    }),
    { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 },
  );
}

function toToolReport(result: ToolResult, personas: readonly { id: string }[]): ToolReport {
  const { tool } = result;
  const votes = tallyPersonaVotes(result.reviews);
  return {
    name: tool.name,
    category: tool.category ?? null,
    tagline: tool.tagline ?? null,
    description: tool.description,
    pricing: tool.pricing ?? null,
    url: tool.url ?? null,
    community: tool.community,
    ...(tool.facts && tool.facts.length > 0 ? { facts: tool.facts } : {}),
    panel: summarizePanel(
      votes.flatMap((vote) => (vote.verdict === "tie" ? [] : [vote.verdict])),
      result.failures.length,
      votes.filter((vote) => vote.verdict === "tie").length,
    ),
    personaVotes: votes,
    reviews: result.reviews,
    failures: result.failures,
    coverage: panelCoverage(result, personas),
  };
}

function defaultTitle(names: readonly string[], compare: boolean): string {
  if (compare) return `${joinNames(names)} — which one should you ship with?`;
  return names.length === 1 ? `${names[0]} — the panel verdict` : `Panel verdicts: ${joinNames(names, ", ")}`;
}

function joinNames(names: readonly string[], separator = " vs "): string {
  return names.join(separator);
}
