import type { RunReport } from "../engine/run-report.js";
import { buildReportView, type ReportView } from "../report/report-view.js";
import type { RunListing } from "../store/review-store.js";
import type { ReviewHistory } from "./workbench-actions.js";
import type { JobState } from "./workbench-jobs.js";

/** What every workbench page's head and nav need. */
export interface PageFrame {
  pageTitle: string;
  csrf: string;
  editor: string;
}

/** A run as the runs list shows it. */
export interface RunRowView {
  id: string;
  href: string;
  command: string;
  startedAt: string;
  tools: number;
  models: string;
  reviews: string;
  cost: string;
  status: string;
}

/** One stored run's row, formatted. */
export function runRow(run: RunListing): RunRowView {
  return {
    id: run.id,
    href: `/runs/${encodeURIComponent(run.id)}`,
    command: run.command,
    startedAt: run.startedAt.replace("T", " ").slice(0, 16),
    tools: run.tools,
    models: run.models.join(", "),
    reviews: `${run.reviews} done, ${run.failures} failed${run.notStarted > 0 ? `, ${run.notStarted} not started` : ""}`,
    cost: run.costUsd === null ? "unknown" : `$${run.costUsd.toFixed(4)}`,
    status: run.status,
  };
}

/** The runs page: a page of rows and links to the pages beside it. */
export function runsPageView(frame: PageFrame, page: { runs: RunListing[]; hasMore: boolean; offset: number; limit: number; tool: string | undefined; storeFile: string }) {
  const link = (offset: number): string => {
    const query = new URLSearchParams();
    if (page.tool) query.set("tool", page.tool);
    if (offset > 0) query.set("offset", String(offset));
    if (page.limit !== 50) query.set("limit", String(page.limit));
    const text = query.toString();
    return text ? `/?${text}` : "/";
  };
  return {
    ...frame,
    rows: page.runs.map(runRow),
    tool: page.tool,
    storeFile: page.storeFile,
    range: page.runs.length === 0 ? "" : `runs ${page.offset + 1}–${page.offset + page.runs.length}`,
    previous: page.offset > 0 ? link(Math.max(0, page.offset - page.limit)) : undefined,
    next: page.hasMore ? link(page.offset + page.limit) : undefined,
  };
}

/** The live verdict page: report.html's view, plus what the workbench's forms need. */
export function runPageView(frame: PageFrame, built: RunReport, models: readonly string[]): ReportView & PageFrame & Record<string, unknown> {
  const view = buildReportView(built.report);
  const cost = built.report.costUsd === null ? "cost unknown" : `$${built.report.costUsd.toFixed(4)}`;
  return {
    ...view,
    ...frame,
    workbench: true,
    runId: built.run.id,
    command: built.run.command,
    startedAt: `${built.run.startedAt.replace("T", " ").slice(0, 16)} UTC`,
    status: built.run.status,
    running: built.run.status === "running",
    // The header's "draft" becomes "accepted" once every tool's page is: a page per tool is accepted, not the run.
    accepted: view.tools.length > 0 && view.tools.every((tool) => tool.accepted !== undefined),
    cost,
    // The model select: the server's models and the run's.
    modelChoices: models,
  };
}

/** A review's history page. */
export function historyPageView(frame: PageFrame, history: ReviewHistory, built: RunReport) {
  const tool = built.report.tools.find((entry) => entry.id === history.toolId);
  const review = tool?.reviews.find((entry) => entry.id === history.reviewId) ?? history.replaced[0];
  const personaName = built.report.personas.find((persona) => persona.id === review?.persona)?.name ?? review?.persona ?? "the persona";
  return {
    ...frame,
    ...history,
    toolName: tool?.name ?? "",
    personaName,
    edits: history.edits.map((edit) => ({ ...edit, at: edit.at.replace("T", " ").slice(0, 19) })),
    replaced: history.replaced.map((entry) => ({ ...entry, supersededAt: entry.supersededAt.replace("T", " ").slice(0, 19) })),
  };
}

/** A job page: progress while it runs, then a link to the run. */
export function jobPageView(frame: PageFrame, job: JobState) {
  const kindLabel = { rerun: "Re-run", review: "New review", compare: "New comparison" }[job.kind];
  const heading = job.status === "running" ? `${kindLabel} running…` : job.status === "failed" ? `${kindLabel} failed` : job.status === "interrupted" ? `${kindLabel} stopped` : `${kindLabel} done`;
  return {
    ...frame,
    id: job.id,
    kindLabel,
    heading,
    status: job.status,
    running: job.status === "running",
    total: Math.max(1, job.progress.total),
    done: job.progress.done,
    failed: job.progress.failed,
    error: job.error,
    runHref: job.runId ? `/runs/${encodeURIComponent(job.runId)}` : undefined,
  };
}
