import { parseAssignments } from "../pipeline/run-parts.js";
import { buildReport, sumUsage, withSummary, type ToolResult } from "../report/build-report.js";
import type { Manifest, Report, Review, ReviewFailure } from "../report/report-schema.js";
import type { ReviewStore, RunPlan, RunRecord, StoredOutcome, StoredTool } from "../store/review-store.js";
import { panelistVersion } from "../version.js";

/** A run's report as the store holds it now, with what it took to build. */
export interface RunReport {
  run: RunRecord;
  plan: RunPlan;
  tools: StoredTool[];
  report: Report;
}

/**
 * Builds report.json for a run from the store alone: its tools in order, every review and failure
 * of the first pass (persona order, then model, then sample), reviews the run planned but never
 * asked as `stopped`, the pick, the --swap pass's pick and calls, and the editor summary. Every
 * report of a run, made as it ends or re-rendered later (`panelist report`), comes from here.
 */
export function buildRunReport(store: ReviewStore, runId: string): RunReport | undefined {
  const run = store.getRun(runId);
  if (!run) return undefined;
  const plan = run.plan ?? legacyPlan(run);
  const tools = store.tools.forRun(run.id);
  const outcomes = store.runOutcomes(run.id);
  const main = resultsOf(tools, outcomes, plan, 0, run.status !== "running");
  // A re-run may have asked a model the run did not plan: the report lists it too.
  const models = [...new Set([...run.models, ...outcomes.flatMap((outcome) => (outcome.ok ? [outcome.review.model] : []))])];
  let report = buildReport({
    results: main,
    personas: run.personas.map((persona) => ({ id: persona.id, name: persona.name ?? persona.id })),
    models,
    compare: plan.compare,
    skipped: run.skipped,
  });
  report = { ...report, tools: withEditorMarks(report.tools, tools, store, run.id), manifest: manifestOf({ ...run, models }, plan, main) };
  if (plan.swap) {
    const swapped = resultsOf([...tools].reverse(), outcomes, plan, plan.samples, false);
    const swappedPick = buildReport({ results: swapped, personas: report.personas, models: run.models, compare: true }).pick;
    // The swapped pass's calls are the run's calls too: usage and cost count them.
    const calls = swapped.flatMap((result) => [...result.reviews, ...result.failures]);
    const costs = calls.filter((call) => call.attempts > 0).map((call) => call.costUsd);
    report = withSummary(report, undefined, {
      usage: sumUsage(calls.map((call) => call.usage)),
      attempts: calls.reduce((sum, call) => sum + call.attempts, 0),
      costUsd: costs.includes(null) ? null : (costs as number[]).reduce((sum, cost) => sum + cost, 0),
    });
    report = { ...report, swap: { pick: swappedPick?.name ?? null, positionDependent: (swappedPick?.name ?? null) !== (report.pick?.name ?? null) } };
  }
  if (run.summary) report = withSummary(report, run.summary.ok ? run.summary.summary : undefined, run.summary);
  return { run, plan, tools, report };
}

/** Each tool with its store id, and the editor's verdict and acceptance where there are any. */
function withEditorMarks(reports: Report["tools"], tools: readonly StoredTool[], store: ReviewStore, runId: string): Report["tools"] {
  const labels = store.labels.forRun(runId);
  const accepted = store.labels.acceptedForRun(runId);
  return reports.map((report, index) => {
    const toolId = tools[index]!.toolId;
    const label = labels.get(toolId);
    const acceptance = accepted.get(toolId);
    return { id: toolId, ...report, ...(label ? { label } : {}), ...(acceptance ? { accepted: acceptance } : {}) };
  });
}

/**
 * One pass's results per tool, in panel order. A planned review with no row is listed as not
 * started once the run has stopped (`missingAsStopped`); while it runs, it is simply pending. A
 * persona re-run with a model the run did not plan shows that model's reviews instead of the
 * planned ones it replaced.
 */
export function resultsOf(tools: readonly StoredTool[], outcomes: readonly StoredOutcome[], plan: RunPlan, firstSample: number, missingAsStopped: boolean): ToolResult[] {
  const personaOrder = Object.keys(plan.panel);
  const byKey = new Map<string, StoredOutcome>();
  for (const outcome of outcomes) {
    if (outcome.sample < firstSample || outcome.sample >= firstSample + plan.samples) continue;
    const entry = outcome.ok ? outcome.review : outcome.failure;
    byKey.set(`${outcome.toolId}\u0000${entry.persona}\u0000${entry.model}\u0000${outcome.sample}`, outcome);
  }
  // The models each (tool, persona) has current reviews from: found once, not per tool.
  const answeredModels = new Map<string, Set<string>>();
  for (const outcome of outcomes) {
    if (!outcome.ok || outcome.sample < firstSample || outcome.sample >= firstSample + plan.samples) continue;
    const key = `${outcome.toolId}\u0000${outcome.review.persona}`;
    answeredModels.set(key, (answeredModels.get(key) ?? new Set()).add(outcome.review.model));
  }
  return tools.map(({ toolId, tool }) => {
    const reviews: Review[] = [];
    const failures: ReviewFailure[] = [];
    for (const persona of personaOrder) {
      const planned = plan.panel[persona] ?? [];
      const rerunModels = [...(answeredModels.get(`${toolId}\u0000${persona}`) ?? [])].filter((model) => !planned.includes(model));
      for (const model of [...planned, ...rerunModels]) {
        for (let sample = firstSample; sample < firstSample + plan.samples; sample += 1) {
          const outcome = byKey.get(`${toolId}\u0000${persona}\u0000${model}\u0000${sample}`);
          if (outcome?.ok) reviews.push(reportedReview(outcome.review, plan, firstSample));
          else if (outcome) failures.push(outcome.failure);
          else if (missingAsStopped && rerunModels.length === 0) {
            failures.push({ persona, model, kind: "stopped", error: "not started: the run stopped before this review", attempts: 0, usage: { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 }, costUsd: 0 });
          }
        }
      }
    }
    return { tool, reviews, failures };
  });
}

/** A stored review as report.json shows it: the sample number only in a study of several samples. */
function reportedReview(review: Review, plan: RunPlan, firstSample: number): Review {
  const { sample, ...rest } = review;
  return plan.samples > 1 && sample !== undefined ? { ...rest, sample: sample - firstSample } : rest;
}

/** The manifest: versions, models as answered, sampling, persona and prompt hashes. */
function manifestOf(run: RunRecord, plan: RunPlan, results: readonly ToolResult[]): Manifest {
  const answered = new Map<string, Set<string>>();
  for (const review of results.flatMap((result) => result.reviews)) {
    answered.set(review.model, (answered.get(review.model) ?? new Set()).add(review.responseModel));
  }
  const config = (run.config ?? {}) as { temperature?: number; seed?: number; spotlight?: string; assign?: string };
  const assign = parseAssignments(config.assign);
  return {
    panelistVersion: panelistVersion(),
    models: run.models.map((model) => ({ model, responseModels: [...(answered.get(model) ?? [])].sort() })),
    temperature: config.temperature ?? null,
    seed: config.seed ?? null,
    samples: plan.samples,
    spotlight: config.spotlight ?? "datamark",
    personas: run.personas.map((persona) => ({ id: persona.id, name: persona.name ?? persona.id, hash: persona.hash })),
    promptHashes: run.promptHashes,
    assign: assign.size === 0 ? null : Object.fromEntries(assign),
  };
}

/** Runs stored before schema 3 recorded no plan: every persona with every model, one sample. */
function legacyPlan(run: RunRecord): RunPlan {
  return {
    panel: Object.fromEntries(run.personas.map((persona) => [persona.id, [...run.models]])),
    samples: 1,
    swap: false,
    compare: run.command === "compare",
    promptHash: "",
  };
}
