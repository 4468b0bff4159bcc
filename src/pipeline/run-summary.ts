import { z } from "zod";
import { costOf, findPrice } from "../cost/price-table.js";
import type { PromptTemplates } from "../prompts/prompt-templates.js";
import { providerLabel, type Provider, type TokenUsage } from "../providers/provider.js";
import type { Report } from "../report/report-schema.js";
import { findObjectSpans } from "../verdict/find-object-spans.js";
import { parseLooseJson } from "../verdict/repair-json.js";
import type { JsonSchema } from "../verdict/verdict-schema.js";
import { callWithRetries } from "./call-with-retries.js";
import type { PaidAnswer } from "./job-outcome.js";
import { requestHash } from "./request-hash.js";
import type { JobContext } from "./run-review-job.js";

const summarySchema = z.object({ summary: z.string().min(1).max(1200).describe("The editor summary: 2 to 4 sentences") });
const SUMMARY_JSON_SCHEMA = z.toJSONSchema(summarySchema, { target: "draft-7" }) as JsonSchema;
delete SUMMARY_JSON_SCHEMA.$schema;

/** The moderator's summary, or why there is none. */
export type SummaryOutcome =
  | { ok: true; summary: string; usage: TokenUsage; attempts: number; costUsd: number | null; answers: readonly PaidAnswer[] }
  | { ok: false; error: string; usage: TokenUsage; attempts: number; costUsd: number | null };

/**
 * What the moderator reads: each tool's name, split and every reviewer's verdict, confidence, quote
 * and risks. Descriptions stay out: the moderator weighs the panel, not the marketing copy again.
 */
export function summaryDigest(report: Report): string {
  const names = new Map(report.personas.map((persona) => [persona.id, persona.name]));
  return report.tools
    .map((tool) => {
      const lines = [`Tool: ${tool.name}${tool.tagline ? ` — ${tool.tagline}` : ""} (panel ${tool.panel.shipPct ?? "no"}% ship, split ${tool.panel.split})`];
      for (const review of tool.reviews) {
        const risks = review.risks.length > 0 ? ` Risks: ${review.risks.join("; ")}.` : "";
        lines.push(`- ${names.get(review.persona) ?? review.persona} (${review.model}): ${review.verdict}, confidence ${review.confidence}. "${review.quote}"${risks}`);
      }
      return lines.join("\n").replace(/<(\s*\/?\s*)panel_verdicts/gi, "‹$1panel_verdicts");
    })
    .join("\n\n");
}

/**
 * Asks the moderator for the editor summary, or takes the answer the store kept for the same
 * verdicts. Never throws; a failure leaves the report without one.
 */
export async function runEditorSummary(report: Report, provider: Provider, templates: PromptTemplates, context: Pick<JobContext, "retry" | "timeoutMs" | "prices" | "maxOutputTokens" | "signal" | "random" | "modes" | "cache">): Promise<SummaryOutcome> {
  const prompt = templates.render("summary", { pick: report.pick ? `${report.pick.name} (${report.pick.reason})` : "none", verdicts: summaryDigest(report) });
  const model = providerLabel(provider);
  const price = findPrice(model, context.prices);
  const request = {
    system: "You moderate a panel of software reviewers and write short, accurate editor summaries.",
    dossier: prompt,
    instructions: "Write the summary now.",
    schema: SUMMARY_JSON_SCHEMA,
    schemaName: "submit_summary",
    maxOutputTokens: Math.min(context.maxOutputTokens, 600),
    // Whatever structured mode the panel run found this endpoint accepts.
    mode: context.modes.modeFor(provider),
  };
  const hash = requestHash(provider, request);
  const cached = context.cache?.getResponse(hash);
  const { result, attempts } = cached
    ? { result: { ok: true as const, ...cached, latencyMs: 0 }, attempts: 0 }
    : await callWithRetries(provider, request, {
        policy: context.retry,
        timeoutMs: context.timeoutMs,
        ...(context.signal ? { signal: context.signal } : {}),
        ...(context.random ? { random: context.random } : {}),
      });
  const none = { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 };
  if (!result.ok) return { ok: false, error: result.error.message, usage: none, attempts, costUsd: 0 };
  const costUsd = price && !cached ? costOf(result.usage, price) : price ? 0 : null;
  const answers: PaidAnswer[] = cached ? [] : [{ requestHash: hash, model, response: { text: result.text, usage: result.usage, finishReason: result.finishReason, responseModel: result.responseModel } }];
  for (const span of findObjectSpans(result.text)) {
    const parsed = parseLooseJson(result.text.slice(span.start, span.end));
    const checked = parsed.ok ? summarySchema.safeParse(parsed.value) : undefined;
    if (checked?.success) return { ok: true, summary: checked.data.summary.trim(), usage: result.usage, attempts, costUsd, answers };
  }
  return { ok: false, error: "the moderator's answer had no usable summary", usage: result.usage, attempts, costUsd };
}
