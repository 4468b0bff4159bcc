import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { EditConflictError } from "../errors/edit-conflict-error.js";
import { PanelistError } from "../errors/panelist-error.js";
import { credentialSecrets } from "../providers/credentials.js";
import { redactSecrets } from "../providers/redact-secrets.js";
import { createPageRenderer, HTML_TEMPLATES_DIR } from "../report/render-html.js";
import { sourceSecrets } from "../sources/source-settings.js";
import { allowedHostNames, urlHost } from "../access/listen-address.js";
import { csrfTokenFor } from "./access-token.js";
import { registerApiRoutes } from "./api-routes.js";
import { registerPageRoutes } from "./page-routes.js";
import { authenticate, csrfCheck, failure, hostCheck, securityHeaders } from "./security-middleware.js";
import { WorkbenchActions } from "./workbench-actions.js";
import type { WorkbenchEnv } from "./workbench-env.js";
import { WorkbenchJobs } from "./workbench-jobs.js";
import type { WorkbenchOptions } from "./workbench-options.js";

/**
 * The workbench's templates and assets, beside this code: read from `src/workbench` of the
 * package both from source and from `dist/`, which is why that folder ships (as the report's).
 */
export const WORKBENCH_DIR = fileURLToPath(new URL("../../src/workbench/", import.meta.url));

/** A running workbench. */
export interface RunningWorkbench {
  /** `http://host:port/` (no token). */
  url: string;
  /** The address to open: the URL with `?token=`. */
  signInUrl: string;
  port: number;
  jobs: WorkbenchJobs;
  /**
   * Stops cleanly: re-runs and new reviews in flight start no new call and store what they got
   * (`abortCalls` also cuts off calls in flight), open pages are closed, the port is freed. The
   * caller closes the store after it.
   */
  close(options?: { abortCalls?: boolean }): Promise<void>;
}

/** Starts the workbench on `options.host:options.port` (port 0: any free one). */
export async function startWorkbench(options: WorkbenchOptions): Promise<RunningWorkbench> {
  const secrets = [...credentialSecrets(options.credentials), ...sourceSecrets(options.sources.settings), ...(options.secrets ?? []), options.token];
  const redact = (text: string): string => redactSecrets(text, secrets);
  const jobs = new WorkbenchJobs(redact);
  const closing = new AbortController();
  let port = options.port;
  const app = createWorkbenchApp(options, { jobs, redact, closing: closing.signal, allowedHosts: () => allowedHostNames(options.host, port) });
  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, () => resolve(started));
    started.once("error", reject);
  });
  port = (server.address() as AddressInfo).port;
  const shown = urlHost(options.host);
  const url = `http://${shown === "0.0.0.0" || shown === "[::]" ? "127.0.0.1" : shown}:${port}/`;
  return {
    url,
    signInUrl: `${url}?token=${options.token}`,
    port,
    jobs,
    close: async ({ abortCalls = false } = {}) => {
      jobs.stopAll(abortCalls);
      closing.abort();
      await jobs.settled();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets would hold the port open; no request is in flight once the jobs settled.
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}

/** The app itself: security first, then the assets, the JSON API and the pages. */
export function createWorkbenchApp(
  options: WorkbenchOptions,
  parts: { jobs: WorkbenchJobs; redact: (text: string) => string; closing: AbortSignal; allowedHosts: () => ReadonlySet<string> | undefined },
): Hono<WorkbenchEnv> {
  const { jobs, redact } = parts;
  const actions = new WorkbenchActions(options, jobs, redact);
  const render = createPageRenderer([`${WORKBENCH_DIR}templates/`]);
  const csrf = csrfTokenFor(options.token);
  const assets = new Map<string, { body: string; type: string }>([
    ["/assets/report.css", { body: readFileSync(`${HTML_TEMPLATES_DIR}styles.css.hbs`, "utf8"), type: "text/css; charset=utf-8" }],
    ["/assets/workbench.css", { body: readFileSync(`${WORKBENCH_DIR}assets/workbench.css`, "utf8"), type: "text/css; charset=utf-8" }],
    ["/assets/workbench.js", { body: readFileSync(`${WORKBENCH_DIR}assets/workbench.js`, "utf8"), type: "text/javascript; charset=utf-8" }],
  ]);

  const app = new Hono<WorkbenchEnv>();
  app.use("*", securityHeaders);
  app.use("*", hostCheck(parts.allowedHosts));
  app.use("*", authenticate(options.token));
  app.use("*", csrfCheck(options.token));
  app.get("/assets/:name", (c) => {
    const asset = assets.get(c.req.path);
    if (!asset) return failure(c, 404, `no asset ${c.req.param("name").slice(0, 60)}`);
    return c.body(asset.body, 200, { "Content-Type": asset.type });
  });
  // The store keeps answers redacted already; this is the last line of defence for what the API sends.
  app.use("/api/*", async (c, next) => {
    await next();
    if (!/^application\/json/.test(c.res.headers.get("content-type") ?? "")) return;
    const text = await c.res.text();
    c.res = new Response(redact(text), { status: c.res.status, headers: c.res.headers });
  });
  registerApiRoutes(app, actions, jobs, parts.closing);
  registerPageRoutes(app, {
    actions,
    jobs,
    render: (name, context) => redact(render(name, context)),
    frame: (pageTitle) => ({ pageTitle, csrf, editor: options.editor }),
    storeFile: options.storeFile ?? "",
  });
  app.notFound((c) => failure(c, 404, `nothing at ${c.req.path.slice(0, 200)}`));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return failure(c, error.status === 404 ? 404 : 400, redact(error.message));
    if (error instanceof EditConflictError) return failure(c, 409, redact(error.message), { current: error.current });
    if (error instanceof PanelistError) return failure(c, 400, redact(error.message.split("\n")[0]!));
    // A bug: one redacted line in the operator's log, never a stack on a page.
    const line = error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : String(error);
    options.onLog?.(redact(`internal error on ${c.req.method} ${c.req.path}: ${line}`));
    return failure(c, 500, "internal error (a bug in Panelist: the server's log has a line about it)");
  });
  return app;
}
