import type { Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { ConfigError } from "../errors/config-error.js";
import { runListingSummary } from "../store/run-listing.js";
import {
  acceptedBodySchema,
  editBodySchema,
  exportQuerySchema,
  labelBodySchema,
  newRunBodySchema,
  rerunBodySchema,
  runsQuerySchema,
  undoBodySchema,
} from "./request-schemas.js";
import { notFound, parseRequest, type WorkbenchActions } from "./workbench-actions.js";
import type { JobState, WorkbenchJobs } from "./workbench-jobs.js";
import type { WorkbenchEnv } from "./workbench-env.js";

/** The JSON API under /api/, which the page's script uses and scripts can too (Bearer token). */
export function registerApiRoutes(app: Hono<WorkbenchEnv>, actions: WorkbenchActions, jobs: WorkbenchJobs, closing: AbortSignal): void {
  app.get("/api/runs", (c) => {
    const query = parseRequest(runsQuerySchema, c.req.query());
    return c.json(listRuns(actions, query).runs.map(runListingSummary));
  });

  app.post("/api/runs", async (c) => {
    const body = parseRequest(newRunBodySchema, await jsonBody(c));
    const job = await actions.newRun(body);
    return c.json(jobJson(job), 202);
  });

  app.get("/api/runs/:id", (c) => {
    const built = actions.report(c.req.param("id"));
    const { config: _config, ...run } = built.run;
    return c.json({ run, ...built.report });
  });

  app.patch("/api/runs/:id/reviews/:reviewId", async (c) => {
    const body = parseRequest(editBodySchema, await jsonBody(c));
    return c.json(actions.editReview(c.req.param("id"), idParam(c, "reviewId"), body));
  });

  app.post("/api/runs/:id/reviews/:reviewId/undo", async (c) => {
    const body = parseRequest(undoBodySchema, await jsonBody(c));
    return c.json(actions.undoReview(c.req.param("id"), idParam(c, "reviewId"), body));
  });

  app.get("/api/runs/:id/reviews/:reviewId/history", (c) => c.json(actions.history(c.req.param("id"), idParam(c, "reviewId"))));

  app.post("/api/runs/:id/rerun", async (c) => {
    const body = parseRequest(rerunBodySchema, await jsonBody(c, {}));
    const job = await actions.rerun(c.req.param("id"), body);
    return c.json(jobJson(job), 202);
  });

  app.put("/api/runs/:id/tools/:toolId/label", async (c) => {
    const body = parseRequest(labelBodySchema, await jsonBody(c));
    return c.json(actions.setLabel(c.req.param("id"), idParam(c, "toolId"), body));
  });

  app.put("/api/runs/:id/tools/:toolId/accepted", async (c) => {
    const body = parseRequest(acceptedBodySchema, await jsonBody(c));
    const acceptance = actions.setAccepted(c.req.param("id"), idParam(c, "toolId"), body.accepted);
    return c.json({ accepted: acceptance ?? null });
  });

  app.get("/api/runs/:id/export", (c) => {
    const { format } = parseRequest(exportQuerySchema, c.req.query());
    const file = actions.export(c.req.param("id"), format);
    return c.body(file.body, 200, { "Content-Type": file.type, "Content-Disposition": `attachment; filename="${file.filename}"` });
  });

  app.get("/api/jobs/:id", (c) => c.json(jobJson(job(jobs, c.req.param("id")))));

  // Server-Sent Events: the job's state on every change, then `end`.
  app.get("/api/jobs/:id/events", (c) => {
    const found = job(jobs, c.req.param("id"));
    return streamSSE(c, async (stream) => {
      const send = (state: JobState): Promise<void> => stream.writeSSE({ event: state.status === "running" ? "progress" : "end", data: JSON.stringify(jobJson(state)) });
      if (found.status !== "running") return send(found);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          unsubscribe();
          closing.removeEventListener("abort", stop);
          resolve();
        };
        const unsubscribe = jobs.subscribe(found.id, (state) => {
          void send(state).then(() => {
            if (state.status !== "running") stop();
          });
        });
        stream.onAbort(stop);
        // The server shutting down ends every stream, so closing it does not wait on an open page.
        closing.addEventListener("abort", stop);
        void send(found);
      });
    });
  });
}

/** A page of runs, newest first: one more than asked is read to know whether there is a next page. */
export function listRuns(actions: WorkbenchActions, query: { limit: number; offset: number; tool?: string | undefined }) {
  const rows = actions.listRuns({ limit: query.offset + query.limit + 1, ...(query.tool ? { tool: query.tool } : {}) });
  return { runs: rows.slice(query.offset, query.offset + query.limit), hasMore: rows.length > query.offset + query.limit };
}

/** A job as the API shows it, with the review to open once a re-run of one review is done. */
export function jobJson(state: JobState): JobState & { focus?: string } {
  const replaced = (state.result as { replaced?: { oldId: number; newId: number }[] } | undefined)?.replaced;
  return replaced?.length === 1 ? { ...state, focus: `review-${replaced[0]!.newId}` } : state;
}

function job(jobs: WorkbenchJobs, id: string): JobState {
  const found = jobs.get(id);
  if (!found) throw notFound(`no job "${id}" (jobs are kept while the server runs)`);
  return found;
}

/** A numeric path id; anything else is a 404 (no such review or tool). */
export function idParam(c: Context, name: string): number {
  const text = c.req.param(name) ?? "";
  if (!/^\d{1,15}$/.test(text)) throw notFound(`no ${name.replace(/Id$/, "")} "${text.slice(0, 40)}"`);
  return Number(text);
}

/** The request's JSON body; an empty body is `fallback` when given. */
async function jsonBody(c: Context, fallback?: unknown): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "" && fallback !== undefined) return fallback;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ConfigError("body", "is not JSON");
  }
}
