import type { Context, Hono } from "hono";
import { ConfigError } from "../errors/config-error.js";
import type { PageRenderer } from "../report/render-html.js";
import { idParam, jobJson, listRuns } from "./api-routes.js";
import { labelBodySchema, newRunBodySchema, rerunBodySchema, runsQuerySchema, editBodySchema, undoBodySchema } from "./request-schemas.js";
import { notFound, parseRequest, type WorkbenchActions } from "./workbench-actions.js";
import type { WorkbenchJobs } from "./workbench-jobs.js";
import type { WorkbenchEnv } from "./workbench-env.js";
import { historyPageView, jobPageView, runPageView, runsPageView, type PageFrame } from "./workbench-views.js";

/** What the pages need besides the actions. */
export interface PageContext {
  actions: WorkbenchActions;
  jobs: WorkbenchJobs;
  render: PageRenderer;
  frame: (pageTitle: string) => PageFrame;
  storeFile: string;
}

/**
 * The server-rendered pages and the forms they post. Every form works without script: it posts,
 * the server acts and redirects back (303). The page's script posts the same forms with
 * `Accept: application/json` and gets `{ok: true}` or `{error}` instead, to update in place.
 */
export function registerPageRoutes(app: Hono<WorkbenchEnv>, pages: PageContext): void {
  const { actions, jobs, render, frame } = pages;
  const html = (c: Context, page: string): Response => c.html(page);

  app.get("/", (c) => {
    const query = parseRequest(runsQuerySchema, c.req.query());
    const page = listRuns(actions, query);
    return html(c, render("runs", runsPageView(frame("Runs"), { ...page, offset: query.offset, limit: query.limit, tool: query.tool, storeFile: pages.storeFile })));
  });

  app.get("/runs/:id", (c) => {
    const built = actions.report(c.req.param("id"));
    return html(c, render("run", runPageView(frame(built.report.title), built, actions.rerunModels(built.run.id))));
  });

  app.get("/runs/:id/reviews/:reviewId/history", (c) => {
    const runId = c.req.param("id");
    const history = actions.history(runId, idParam(c, "reviewId"));
    return html(c, render("history", historyPageView(frame(`History of review ${history.reviewId}`), history, actions.report(runId))));
  });

  app.post("/runs/:id/reviews/:reviewId/edit", async (c) => {
    const form = await formOf(c);
    const body = parseRequest(editBodySchema, {
      quote: form.text("quote"),
      verdict: form.text("verdict"),
      confidence: form.number("confidence"),
      reason: form.text("reason") ?? "",
      version: form.number("version"),
    });
    const runId = c.req.param("id");
    const reviewId = idParam(c, "reviewId");
    const edit = actions.editReview(runId, reviewId, body);
    return done(c, `/runs/${encodeURIComponent(runId)}#review-${reviewId}`, edit);
  });

  app.post("/runs/:id/reviews/:reviewId/undo", async (c) => {
    const form = await formOf(c);
    const body = parseRequest(undoBodySchema, { reason: form.text("reason") ?? "", version: form.number("version") });
    const runId = c.req.param("id");
    const reviewId = idParam(c, "reviewId");
    return done(c, `/runs/${encodeURIComponent(runId)}#review-${reviewId}`, actions.undoReview(runId, reviewId, body));
  });

  app.post("/runs/:id/tools/:toolId/label", async (c) => {
    const form = await formOf(c);
    const body = parseRequest(labelBodySchema, { verdict: form.text("verdict"), note: form.text("note") ?? "" });
    const runId = c.req.param("id");
    const toolId = idParam(c, "toolId");
    return done(c, `/runs/${encodeURIComponent(runId)}#tool-card-${toolId}`, actions.setLabel(runId, toolId, body));
  });

  app.post("/runs/:id/tools/:toolId/accepted", async (c) => {
    const form = await formOf(c);
    const accepted = form.text("accepted");
    if (accepted !== "true" && accepted !== "false") throw new ConfigError("accepted", "must be true or false");
    const runId = c.req.param("id");
    const toolId = idParam(c, "toolId");
    return done(c, `/runs/${encodeURIComponent(runId)}#tool-card-${toolId}`, { accepted: actions.setAccepted(runId, toolId, accepted === "true") ?? null });
  });

  app.post("/runs/:id/rerun", async (c) => {
    const form = await formOf(c);
    const tool = form.text("tool");
    const body = parseRequest(rerunBodySchema, {
      ...(tool ? { tool: /^\d+$/.test(tool) ? Number(tool) : tool } : {}),
      ...(form.text("persona") ? { persona: form.text("persona") } : {}),
      ...(form.text("model") ? { model: form.text("model") } : {}),
    });
    const job = await actions.rerun(c.req.param("id"), body);
    return done(c, `/jobs/${job.id}`, jobJson(job));
  });

  app.get("/new", async (c) => html(c, render("new-run", { ...frame("New review"), ...(await choices(actions)) })));

  app.get("/compare", async (c) => {
    const query = (c.req.query("q") ?? "").trim().slice(0, 200);
    return html(c, render("compare", { ...frame("Compare stored tools"), query, found: actions.findTools(query), ...(await choices(actions)) }));
  });

  app.post("/runs/new", async (c) => {
    const form = await formOf(c);
    const command = form.text("command") === "compare" ? "compare" : "review";
    const tools: unknown[] = form.list("stored").map((ref) => {
      const [runId, toolId] = ref.split("/");
      return { runId, toolId: Number(toolId) };
    });
    const file = form.text("file");
    if (file) tools.push({ file, format: form.text("format") ?? "md" });
    else if (form.text("name") || form.text("description")) {
      tools.push(
        Object.fromEntries(
          Object.entries({ name: form.text("name") ?? "", tagline: form.text("tagline"), pricing: form.text("pricing"), url: form.text("url"), description: form.text("description") ?? "" })
            .filter(([key, value]) => value !== undefined && (value !== "" || key === "name" || key === "description")),
        ),
      );
    }
    const body = parseRequest(newRunBodySchema, {
      command,
      tools,
      ...(form.list("personas").length > 0 ? { personas: form.list("personas") } : {}),
      ...(form.list("models").length > 0 ? { models: form.list("models") } : {}),
    });
    const job = await actions.newRun(body);
    return done(c, `/jobs/${job.id}`, jobJson(job));
  });

  app.get("/jobs/:id", (c) => {
    const job = jobs.get(c.req.param("id"));
    if (!job) throw notFound(`no job "${c.req.param("id")}" (jobs are kept while the server runs)`);
    return html(c, render("job", jobPageView(frame(job.kind === "rerun" ? "Re-run" : "New review"), job)));
  });
}

/** The personas and models a new run may choose from. */
async function choices(actions: WorkbenchActions) {
  return { personas: (await actions.panel()).map((persona) => ({ id: persona.id, name: persona.name })), serverModels: actions.rerunModels() };
}

/** A form post's answer: the script asked for JSON; a plain form is sent on with a 303. */
function done(c: Context, location: string, body: unknown): Response {
  if (wantsJson(c)) return c.json({ ok: true, location, result: body });
  return c.redirect(location, 303);
}

/** Whether the request asked for JSON (the page's script) rather than a page. */
export function wantsJson(c: Context): boolean {
  return /application\/json/i.test(c.req.header("accept") ?? "");
}

/** A posted form's fields: text values (trimmed away when empty), numbers, and repeated fields. */
async function formOf(c: Context) {
  const body = (await c.req.parseBody({ all: true })) as Record<string, unknown>;
  const values = (name: string): string[] => {
    const value = body[name];
    return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((item): item is string => typeof item === "string");
  };
  return {
    text: (name: string): string | undefined => {
      const value = values(name)[0];
      return value === undefined || value.trim() === "" ? undefined : value;
    },
    number: (name: string): number | undefined => {
      const value = values(name)[0];
      if (value === undefined || value.trim() === "") return undefined;
      const number = Number(value);
      if (!Number.isFinite(number)) throw new ConfigError(name, `must be a number, got "${value.slice(0, 40)}"`);
      return number;
    },
    list: values,
  };
}
