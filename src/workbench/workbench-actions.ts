import { HTTPException } from "hono/http-exception";
import type { z } from "zod";
import type { RunConfig } from "../config/run-config.js";
import { buildRunReport, type RunReport } from "../engine/run-report.js";
import { ConfigError } from "../errors/config-error.js";
import { zodIssueText } from "../errors/zod-issue-text.js";
import { writeInlineTools, type InlineTool, type InlineToolFile } from "../inputs/inline-tools.js";
import { BUILT_IN_PERSONAS_DIR, loadPersonas } from "../personas/load-personas.js";
import type { Persona } from "../personas/persona.js";
import { renderHtml } from "../report/render-html.js";
import { renderMarkdown } from "../report/render-markdown.js";
import type { ReviewEditRecord } from "../store/review-edits.js";
import type { Review } from "../report/report-schema.js";
import type { ReviewStore } from "../store/review-store.js";
import type { NewRunBody } from "./request-schemas.js";
import type { WorkbenchJobs, JobState } from "./workbench-jobs.js";
import type { WorkbenchOptions } from "./workbench-options.js";

/** A request value checked against its schema; the first problem is a 400 in one line. */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length > 0 ? issue.path.join(".") : "body";
  throw new ConfigError(where, zodIssueText(issue));
}

/** A 404 with a message that says what was not found. */
export function notFound(message: string): HTTPException {
  return new HTTPException(404, { message });
}

/** A review's history page: every edit and undo, and the reviews it replaced through re-runs. */
export interface ReviewHistory {
  reviewId: number;
  runId: string;
  toolId: number;
  superseded: boolean;
  edits: ReviewEditRecord[];
  /** Newest first. */
  replaced: (Review & { supersededAt: string })[];
}

/**
 * What the workbench does, once for the JSON API and the pages' forms alike: read a run's
 * report from the store, edit and undo reviews, label and accept tools, start re-runs and new
 * runs, export. Bad input is a ConfigError (400), an unknown id a 404, a stale edit an
 * EditConflictError (409).
 */
export class WorkbenchActions {
  private personas: Promise<Persona[]> | undefined;

  constructor(
    private readonly options: WorkbenchOptions,
    private readonly jobs: WorkbenchJobs,
    private readonly redact: (text: string) => string,
  ) {}

  private get store(): ReviewStore {
    return this.options.store;
  }

  /** Runs newest first, with their counts (`limit` includes the rows paged past). */
  listRuns(options: { limit: number; tool?: string }) {
    return this.store.listRunsWithCounts(options);
  }

  /** The run's report as the store holds it now (edits applied). */
  report(runId: string): RunReport {
    const built = buildRunReport(this.store, runId);
    if (!built) throw notFound(`no run "${runId}" in the store`);
    return built;
  }

  /** The review, checked to belong to the run. */
  private review(runId: string, reviewId: number): { runId: string; toolId: number; superseded: boolean } {
    const found = Number.isInteger(reviewId) ? this.store.findReview(reviewId) : undefined;
    if (!found || found.runId !== runId) throw notFound(`no review ${reviewId} in run "${runId}"`);
    return found;
  }

  private currentVersion(reviewId: number): number {
    return this.store.edits.history(reviewId).at(-1)?.version ?? 0;
  }

  editReview(runId: string, reviewId: number, body: { quote?: string | undefined; verdict?: "ship" | "skip" | undefined; confidence?: number | undefined; reason: string; version?: number | undefined }): ReviewEditRecord {
    this.review(runId, reviewId);
    return this.store.edits.edit(reviewId, {
      ...(body.quote === undefined ? {} : { quote: body.quote }),
      ...(body.verdict === undefined ? {} : { verdict: body.verdict }),
      ...(body.confidence === undefined ? {} : { confidence: body.confidence }),
      reason: body.reason,
      editor: this.options.editor,
      version: body.version ?? this.currentVersion(reviewId),
    });
  }

  undoReview(runId: string, reviewId: number, body: { reason: string; version?: number | undefined }): ReviewEditRecord {
    this.review(runId, reviewId);
    return this.store.edits.undo(reviewId, { reason: body.reason, editor: this.options.editor, version: body.version ?? this.currentVersion(reviewId) });
  }

  history(runId: string, reviewId: number): ReviewHistory {
    const found = this.review(runId, reviewId);
    return { reviewId, runId, toolId: found.toolId, superseded: found.superseded, edits: this.store.edits.history(reviewId), replaced: this.store.reviewLineage(reviewId) };
  }

  private tool(runId: string, toolId: number): void {
    if (!this.store.getRun(runId)) throw notFound(`no run "${runId}" in the store`);
    if (!this.store.tools.forRun(runId).some((entry) => entry.toolId === toolId)) throw notFound(`no tool ${toolId} in run "${runId}"`);
  }

  setLabel(runId: string, toolId: number, body: { verdict: "ship" | "skip"; note?: string | undefined }) {
    this.tool(runId, toolId);
    return this.store.labels.set(runId, toolId, { verdict: body.verdict, ...(body.note === undefined ? {} : { note: body.note }), editor: this.options.editor });
  }

  setAccepted(runId: string, toolId: number, accepted: boolean) {
    this.tool(runId, toolId);
    return this.store.labels.setAccepted(runId, toolId, { accepted, editor: this.options.editor });
  }

  /** The models a re-run may use: the server's (--model) and the run's own. */
  rerunModels(runId?: string): string[] {
    const run = runId === undefined ? undefined : this.store.getRun(runId);
    return [...new Set([...this.options.config.models, ...(run?.models ?? [])])];
  }

  /** Starts a re-run in the background; bad arguments are refused before it starts (a 400, not a failed job). */
  async rerun(runId: string, body: { tool?: string | number | undefined; persona?: string | undefined; model?: string | undefined }): Promise<JobState> {
    if (!this.store.getRun(runId)) throw notFound(`no run "${runId}" in the store`);
    if (body.model !== undefined && !this.rerunModels(runId).includes(body.model)) {
      throw new ConfigError("model", `"${body.model}" is not one of this server's models or the run's (${this.rerunModels(runId).join(", ")}); start panelist serve with --model to add one`);
    }
    const { startRerun } = await import("./rerun-job.js");
    return startRerun(this.options, this.jobs, runId, body);
  }

  /** The panel a new run may ask: the server's personas. */
  panel(): Promise<Persona[]> {
    const { config } = this.options;
    this.personas ??= loadPersonas(config.personasDir ?? BUILT_IN_PERSONAS_DIR, config.personas);
    return this.personas;
  }

  /** Starts a new review or comparison; it is stored as a run like the CLI's and opens when done. */
  async newRun(body: NewRunBody): Promise<JobState> {
    const { config } = this.options;
    const panel = (await this.panel()).map((persona) => persona.id);
    const unknownPersona = body.personas?.find((id) => !panel.includes(id));
    if (unknownPersona !== undefined) throw new ConfigError("personas", `"${unknownPersona}" is not on this server's panel; it has ${panel.join(", ")}`);
    const unknownModel = body.models?.find((model) => !config.models.includes(model));
    if (unknownModel !== undefined) throw new ConfigError("models", `"${unknownModel}" is not one of this server's models (${config.models.join(", ")})`);
    const tools = body.tools.map((tool): InlineTool | InlineToolFile => {
      if ("file" in tool) return { text: tool.file, format: tool.format };
      if ("runId" in tool) return { text: JSON.stringify(this.storedToolRecord(tool.runId, tool.toolId)), format: "json" };
      return tool;
    });
    const runConfig: RunConfig = {
      ...config,
      ...(body.personas ? { personas: [...new Set(body.personas)] } : {}),
      ...(body.models ? { models: [...new Set(body.models)] } : {}),
    };
    const inline = await writeInlineTools(tools, "panelist-workbench-");
    return this.jobs.start(body.command, undefined, async (control) => {
      try {
        const { runReviews } = await import("../engine/run-reviews.js");
        const result = await runReviews({
          command: body.command,
          inputs: inline.inputs,
          config: runConfig,
          credentials: this.options.credentials,
          store: this.store,
          // Nothing is written beside the store: the page is the report, exports are downloads.
          outputs: { check: () => {}, begin: async () => {}, finish: async () => [] },
          sources: this.options.sources,
          stopSignal: control.stopSignal,
          abortSignal: control.abortSignal,
          onRun: (run) => control.onRun(run.id),
          onProgress: (progress) => control.onProgress(progress),
          onWarning: (line) => this.options.onLog?.(this.redact(`warning: ${line}`)),
        });
        this.options.onLog?.(`run ${result.run.id}: ${result.reviewed} reviews, ${result.failed} failed, ${result.notStarted} not started, $${result.costUsd}`);
        return {
          runId: result.run.id,
          interrupted: result.interrupted,
          result: { runId: result.run.id, reviewed: result.reviewed, failed: result.failed, notStarted: result.notStarted, costUsd: result.costUsd, skipped: result.skippedBadInput },
        };
      } finally {
        await inline.cleanup();
      }
    });
  }

  /** A stored tool as a tool file's record, to review again in a new run. */
  private storedToolRecord(runId: string, toolId: number): Record<string, unknown> {
    const entry = this.store.tools.forRun(runId).find((candidate) => candidate.toolId === toolId);
    if (!entry) throw notFound(`no tool ${toolId} in run "${runId}"`);
    const { source: _source, ...fields } = entry.tool;
    // A tool file leaves out what it does not state; the store keeps those as null.
    return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null && value !== undefined));
  }

  /** Stored tools whose name contains `query`, newest run first, one per tool identity (for "compare two stored tools"). */
  findTools(query: string, limit = 30): { runId: string; toolId: number; name: string; tagline: string | undefined }[] {
    const found = new Map<string, { runId: string; toolId: number; name: string; tagline: string | undefined }>();
    const needle = query.toLowerCase();
    for (const run of this.store.listRunsWithCounts({ limit: 50, ...(query ? { tool: query } : {}) })) {
      for (const entry of this.store.tools.forRun(run.id)) {
        if (found.size >= limit) return [...found.values()];
        if (found.has(entry.identity) || !entry.tool.name.toLowerCase().includes(needle)) continue;
        found.set(entry.identity, { runId: run.id, toolId: entry.toolId, name: entry.tool.name, tagline: entry.tool.tagline ?? undefined });
      }
    }
    return [...found.values()];
  }

  /** A run's report as a download, with every edit applied and secrets redacted. */
  export(runId: string, format: "md" | "html" | "json"): { body: string; type: string; filename: string } {
    const { report } = this.report(runId);
    const body = format === "md" ? renderMarkdown(report) : format === "html" ? renderHtml(report) : `${JSON.stringify(report, null, 2)}\n`;
    const type = { md: "text/markdown; charset=utf-8", html: "text/html; charset=utf-8", json: "application/json; charset=utf-8" }[format];
    return { body: this.redact(body), type, filename: `panelist-${runId}.${format}` };
  }
}
