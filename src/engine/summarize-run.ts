import type { JobContext } from "../pipeline/run-review-job.js";
import { runEditorSummary } from "../pipeline/run-summary.js";
import type { PromptTemplates } from "../prompts/prompt-templates.js";
import type { Provider } from "../providers/provider.js";
import { redactDeep } from "../providers/redact-secrets.js";
import type { ReviewStore } from "../store/review-store.js";
import { buildRunReport } from "./run-report.js";

/**
 * Asks the moderator to summarise a run's verdicts as the store holds them now (edits and re-runs
 * included) and stores the outcome with the run; its answer is kept like a review's, so running
 * the same comparison again asks nothing. Returns what it cost. A failed summary is a warning, not
 * a failure: the page is whole without it.
 */
export async function summarizeRun(
  store: ReviewStore,
  runId: string,
  moderator: Provider,
  templates: PromptTemplates,
  context: JobContext,
  secrets: readonly string[],
  onWarning?: (line: string) => void,
): Promise<number> {
  const built = buildRunReport(store, runId)!;
  // With no verdict at all there is nothing for a moderator to summarise.
  if (!built.report.tools.some((tool) => tool.reviews.length > 0)) return 0;
  const outcome = redactDeep(await runEditorSummary(built.report, moderator, templates, context), secrets);
  if (!outcome.ok) onWarning?.(`editor summary: ${outcome.error}`);
  if (outcome.ok) for (const answer of outcome.answers) store.responses.putResponse(answer.requestHash, answer.model, answer.response);
  const { answers: _answers, ...kept } = outcome.ok ? outcome : { ...outcome, answers: [] };
  store.saveSummary(runId, kept);
  await store.committed();
  return outcome.costUsd ?? 0;
}
