import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { RerunReviewsResult } from "../engine/rerun-reviews.js";
import type { Report } from "../report/report-schema.js";

/**
 * What `rerun_review` answers: the persona's new verdict on the tool and the tool's panel now (or
 * why the re-run failed, the earlier review staying current), as text and as structured content,
 * everything through `redact`. `report` is the run's report after the re-run.
 */
export function rerunToolResult(
  report: Report,
  result: RerunReviewsResult,
  request: { runId: string; tool: string | number; persona: string },
  redact: (text: string) => string,
): CallToolResult {
  const newIds = new Set(result.replaced.map((entry) => entry.newId));
  const tool = report.tools.find((entry) => entry.reviews.some((review) => review.id !== undefined && newIds.has(review.id))) ?? report.tools.find((entry) => entry.name === request.tool || entry.id === request.tool);
  const reviews = tool?.reviews.filter((review) => review.persona === request.persona) ?? [];
  const lines = [
    result.failed > 0
      ? `The re-run failed: ${result.failures.map((failure) => `${failure.model}: ${failure.error}`).join("; ")}. The earlier review stays current.`
      : `${request.persona} on ${tool?.name ?? request.tool}, asked again (run ${request.runId}, $${result.costUsd}):`,
    ...reviews.map((review) => `- ${review.model}: ${review.verdict} (${Math.round(review.confidence * 100)}%) — "${review.quote}"`),
    ...(tool ? [`Panel now: ${tool.panel.shipPct ?? "–"}% ship (${tool.panel.split}).${report.pick ? ` Pick: ${report.pick.name}.` : ""}`] : []),
  ];
  const structured = { runId: request.runId, rerun: result, tool: tool ?? null, pick: report.pick ?? null };
  return {
    ...(result.failed > 0 && result.reviewed === 0 ? { isError: true } : {}),
    content: [{ type: "text", text: redact(lines.join("\n")) }],
    structuredContent: JSON.parse(redact(JSON.stringify(structured))) as Record<string, unknown>,
  };
}
