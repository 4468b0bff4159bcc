import type { AnswerSource } from "../report/report-schema.js";
import type { Tool } from "../tools/tool.js";
import type { CurrentEdit } from "./review-edits.js";
import { toReview, withEdit, type ReviewRow } from "./review-rows.js";
import type { StatementSource } from "./statement-source.js";

/** One flat row per review, for spreadsheets and notebooks (`panelist export`). */
export interface ExportRow {
  runId: string;
  tool: string;
  identity: string;
  category: string | null;
  pricing: string | null;
  url: string | null;
  /** Characters in the tool's description. */
  descriptionChars: number;
  persona: string;
  model: string;
  verdict: string;
  confidence: number;
  quote: string;
  rationale: string;
  strengths: string;
  risks: string;
  pricingRead: string | null;
  /** 0-based sample number. */
  sample: number;
  /** Where the answer came from: `call`, `cache` or `batch`. */
  source: AnswerSource;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  latencyMs: number;
  attempts: number;
  fromCache: boolean;
  createdAt: string;
}

/** The reviews of a run as flat rows, in tool order then persona and model, read lazily. */
export function* exportRows(source: StatementSource, currentEdits: (runId: string) => Map<number, CurrentEdit>, runId: string): Generator<ExportRow> {
  const statement = source(
    `SELECT r.*, t.identity, t.record_json FROM reviews r JOIN tools t ON t.id = r.tool_id
     JOIN run_tools rt ON rt.run_id = r.run_id AND rt.tool_id = r.tool_id
     WHERE r.run_id = ? AND r.superseded_at IS NULL ORDER BY rt.position, r.persona, r.model, r.sample`,
  );
  const edits = currentEdits(runId);
  for (const row of statement.iterate(runId) as Iterable<ReviewRow & { identity: string; record_json: string }>) {
    const tool = JSON.parse(row.record_json) as Tool;
    const review = withEdit(toReview(row), edits.get(row.id));
    yield {
      runId: row.run_id,
      tool: tool.name,
      identity: row.identity,
      category: tool.category ?? null,
      pricing: tool.pricing ?? null,
      url: tool.url ?? null,
      descriptionChars: tool.description.length,
      persona: review.persona,
      model: review.model,
      verdict: review.verdict,
      confidence: review.confidence,
      quote: review.quote,
      rationale: review.rationale,
      strengths: review.strengths.join("; "),
      risks: review.risks.join("; "),
      pricingRead: review.pricingRead ?? null,
      sample: row.sample,
      source: row.source,
      inputTokens: review.usage.inputTokens,
      cachedInputTokens: review.usage.cachedInputTokens,
      outputTokens: review.usage.outputTokens,
      costUsd: review.costUsd,
      latencyMs: review.latencyMs,
      attempts: review.attempts,
      fromCache: row.source === "cache",
      createdAt: row.created_at,
    };
  }
}
