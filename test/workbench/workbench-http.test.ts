import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { csrfTokenFor } from "../../src/workbench/access-token.js";
import { CONTENT_SECURITY_POLICY } from "../../src/workbench/security-middleware.js";
import { FAKE_KEY, MODEL, startWorkbenchFixture, TOKEN, type WorkbenchFixture } from "./workbench-fixture.js";

/** A raw HTTP exchange, so that every header (Host included) is the test's to choose. */
interface Exchange {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

let fixture: WorkbenchFixture;
const CSRF = csrfTokenFor(TOKEN);
const bearer = { authorization: `Bearer ${TOKEN}` };
const cookie = { cookie: `panelist_token=${TOKEN}` };

function send(method: string, path: string, options: { headers?: Record<string, string>; body?: unknown; form?: Record<string, string> } = {}): Promise<Exchange> {
  const url = new URL(path, fixture.base);
  const headers: Record<string, string> = { host: url.host, ...options.headers };
  let body: string | undefined;
  if (options.form) {
    body = new URLSearchParams(options.form).toString();
    headers["content-type"] = "application/x-www-form-urlencoded";
  } else if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: "127.0.0.1", port: url.port, path: `${url.pathname}${url.search}`, method, headers }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
      });
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

/** The run's report as the API has it now. */
async function report(): Promise<any> {
  return (await send("GET", `/api/runs/${fixture.runId}`, { headers: bearer })).json;
}

/** The skeptic's review of Claw Code, the one the tests edit. */
async function skepticReview(): Promise<{ toolId: number; review: any }> {
  const tool = (await report()).tools.find((entry: any) => entry.name === "Claw Code");
  return { toolId: tool.id, review: tool.reviews.find((review: any) => review.persona === "skeptic") };
}

async function waitForJob(id: string): Promise<any> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const job = (await send("GET", `/api/jobs/${id}`, { headers: bearer })).json;
    if (job.status !== "running") return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${id} did not end`);
}

beforeAll(async () => {
  fixture = await startWorkbenchFixture();
}, 60_000);

afterAll(async () => {
  await fixture?.close();
});

describe("the workbench's access rules", () => {
  test.each(["/", `/runs/x`, "/api/runs", "/assets/workbench.js", "/api/jobs/x/events"])("GET %s without the token is a 401", async (path) => {
    const answer = await send("GET", path);
    expect(answer.status).toBe(401);
    expect(answer.text).toMatch(/not signed in/);
  });

  test("a wrong token, as Bearer, cookie or in the URL, is a 401", async () => {
    expect((await send("GET", "/api/runs", { headers: { authorization: "Bearer nope-nope-nope-nope" } })).status).toBe(401);
    expect((await send("GET", "/api/runs", { headers: { cookie: "panelist_token=nope" } })).status).toBe(401);
    expect((await send("GET", "/?token=nope")).status).toBe(401);
    expect((await send("PATCH", `/api/runs/${fixture.runId}/reviews/1`, { body: { reason: "x", quote: "y" } })).status).toBe(401);
  });

  test("the token in the URL becomes an HttpOnly, SameSite=Strict cookie, and the page reloads without it", async () => {
    const answer = await send("GET", `/runs/${fixture.runId}?token=${TOKEN}`);
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe(`/runs/${fixture.runId}`);
    const setCookie = String(answer.headers["set-cookie"]);
    expect(setCookie).toContain(`panelist_token=${TOKEN}`);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    const page = await send("GET", `/runs/${fixture.runId}`, { headers: cookie });
    expect(page.status).toBe(200);
    expect(page.text).toContain("Claw Code");
  });

  test("a Host that is not the bound address is refused (DNS rebinding); localhost with the port passes", async () => {
    const port = new URL(fixture.base).port;
    const evil = await send("GET", "/api/runs", { headers: { ...bearer, host: `evil.example:${port}` } });
    expect(evil.status).toBe(421);
    expect(evil.json.error).toMatch(/answers to/);
    expect((await send("GET", "/api/runs", { headers: { ...bearer, host: `127.0.0.1:1` } })).status).toBe(421);
    expect((await send("GET", "/api/runs", { headers: { ...bearer, host: `localhost:${port}` } })).status).toBe(200);
  });

  test("every answer carries the CSP, nosniff and no-referrer, a 401 included", async () => {
    for (const answer of [await send("GET", "/", { headers: cookie }), await send("GET", "/"), await send("GET", "/api/runs", { headers: bearer })]) {
      expect(answer.headers["content-security-policy"]).toBe(CONTENT_SECURITY_POLICY);
      expect(answer.headers["x-content-type-options"]).toBe("nosniff");
      expect(answer.headers["referrer-policy"]).toBe("no-referrer");
    }
    expect(CONTENT_SECURITY_POLICY).toBe("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  });

  test("a state change by cookie needs the CSRF token (header or form field); by Bearer it does not", async () => {
    const { toolId } = await skepticReview();
    const path = `/api/runs/${fixture.runId}/tools/${toolId}/label`;
    const body = { verdict: "ship", note: "csrf check" };
    expect((await send("PUT", path, { headers: cookie, body })).status).toBe(403);
    expect((await send("PUT", path, { headers: { ...cookie, "x-csrf-token": "wrong" }, body })).status).toBe(403);
    expect((await send("PUT", path, { headers: { ...cookie, "x-csrf-token": CSRF }, body })).status).toBe(200);
    expect((await send("PUT", path, { headers: bearer, body })).status).toBe(200);
    const formPath = `/runs/${fixture.runId}/tools/${toolId}/label`;
    expect((await send("POST", formPath, { headers: cookie, form: { verdict: "ship" } })).status).toBe(403);
    const posted = await send("POST", formPath, { headers: cookie, form: { verdict: "ship", note: "from the form", _csrf: CSRF } });
    expect(posted.status).toBe(303);
    expect(posted.headers.location).toBe(`/runs/${fixture.runId}#tool-card-${toolId}`);
    for (const method of ["POST", "PATCH"]) expect((await send(method, `/api/runs/${fixture.runId}/rerun`, { headers: cookie, body: {} })).status).toBe(403);
  });
});

describe("the JSON API", () => {
  test("GET /api/runs lists runs newest first, paged and searchable by tool name", async () => {
    const runs = (await send("GET", "/api/runs", { headers: bearer })).json;
    expect(runs[0]).toMatchObject({ id: fixture.runId, command: "compare", tools: 3, status: "finished" });
    expect((await send("GET", "/api/runs?limit=1&offset=1", { headers: bearer })).json).toEqual(runs.slice(1, 2));
    expect((await send("GET", "/api/runs?tool=smolvlm", { headers: bearer })).json.map((run: any) => run.id)).toContain(fixture.runId);
    expect((await send("GET", "/api/runs?tool=no-such-tool-anywhere", { headers: bearer })).json).toEqual([]);
    const bad = await send("GET", "/api/runs?limit=0", { headers: bearer });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe("limit: must be at least 1");
  });

  test("GET /api/runs/:id is report.json with ids, plus the run's metadata and no configuration", async () => {
    const body = await report();
    expect(body.schemaVersion).toBe(1);
    expect(body.run).toMatchObject({ id: fixture.runId, command: "compare", status: "finished" });
    expect(body.run.config).toBeUndefined();
    expect(body.tools.every((tool: any) => Number.isInteger(tool.id) && tool.reviews.every((review: any) => Number.isInteger(review.id) && Number.isInteger(review.version)))).toBe(true);
    // The hostile reviewers echoed the key; it was redacted before it was stored, and nothing shows it.
    expect(JSON.stringify(body)).not.toContain(FAKE_KEY);
  });

  test("unknown runs, reviews, tools and jobs are 404s with a message", async () => {
    const { review, toolId } = await skepticReview();
    const cases: [string, string, unknown?][] = [
      ["GET", "/api/runs/no-such-run"],
      ["GET", `/api/runs/${fixture.runId}/reviews/999999/history`],
      ["GET", `/api/runs/${fixture.runId}/reviews/abc/history`],
      ["PATCH", `/api/runs/${fixture.runId}/reviews/999999`, { quote: "x", reason: "y" }],
      ["PATCH", `/api/runs/no-such-run/reviews/${review.id}`, { quote: "x", reason: "y" }],
      ["PUT", `/api/runs/${fixture.runId}/tools/999999/label`, { verdict: "ship" }],
      ["PUT", `/api/runs/no-such-run/tools/${toolId}/accepted`, { accepted: true }],
      ["GET", "/api/jobs/no-such-job"],
      ["GET", "/api/runs/no-such-run/export?format=md"],
      ["GET", "/api/nothing-here"],
    ];
    for (const [method, path, body] of cases) {
      const answer = await send(method, path, { headers: bearer, ...(body === undefined ? {} : { body }) });
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.json.error, `${method} ${path}`).toMatch(/^no |nothing at/);
    }
    const page = await send("GET", "/runs/no-such-run", { headers: cookie });
    expect(page.status).toBe(404);
    expect(page.text).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  test("bad bodies are 400s with a one-line message, never a stack", async () => {
    const { review, toolId } = await skepticReview();
    const edit = `/api/runs/${fixture.runId}/reviews/${review.id}`;
    const cases: [string, string, unknown, RegExp][] = [
      ["PATCH", edit, "{not json", /^body: is not JSON$/],
      ["PATCH", edit, { quote: "x" }, /^reason: is required$/],
      ["PATCH", edit, { reason: "why" }, /change at least one of quote, verdict or confidence/],
      ["PATCH", edit, { confidence: 2, reason: "why" }, /^confidence: must be at most 1$/],
      ["PATCH", edit, { verdict: "maybe", reason: "why" }, /^verdict: must be one of ship, skip$/],
      ["PATCH", edit, { quote: "x", reason: "why", extra: 1 }, /extra/],
      ["POST", `${edit}/undo`, {}, /^reason: is required$/],
      ["PUT", `/api/runs/${fixture.runId}/tools/${toolId}/label`, { verdict: "maybe" }, /^verdict: must be one of ship, skip$/],
      ["PUT", `/api/runs/${fixture.runId}/tools/${toolId}/accepted`, { accepted: "yes" }, /^accepted: /],
      ["POST", "/api/runs", { tools: [] }, /^tools: give at least one tool$/],
      ["POST", "/api/runs", { command: "compare", tools: [{ name: "A", description: "a" }] }, /a comparison needs at least two tools/],
      ["POST", "/api/runs", { tools: [{ name: "A", description: "a" }], personas: ["nobody"] }, /"nobody" is not on this server's panel/],
      ["POST", "/api/runs", { tools: [{ name: "A", description: "a" }], models: ["openai:not-configured"] }, /not one of this server's models/],
      ["POST", `/api/runs/${fixture.runId}/rerun`, { model: "openai:not-configured" }, /not one of this server's models or the run's/],
    ];
    for (const [method, path, body, message] of cases) {
      const answer = await send(method, path, { headers: bearer, body });
      expect(answer.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(answer.json.error, `${method} ${path} ${JSON.stringify(body)}`).toMatch(message);
      expect(answer.json.error).not.toContain("\n");
    }
    const exported = await send("GET", `/api/runs/${fixture.runId}/export?format=pdf`, { headers: bearer });
    expect(exported.status).toBe(400);
    expect(exported.json.error).toBe("format: must be one of md, html, json");
  });

  test("an edit made on an old version is refused with 409 and a clear message; history keeps who, when and why", async () => {
    const { review } = await skepticReview();
    const path = `/api/runs/${fixture.runId}/reviews/${review.id}`;
    const first = await send("PATCH", path, { headers: bearer, body: { quote: "First tab's quote.", reason: "first tab", version: review.version } });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ action: "edit", quote: "First tab's quote.", editor: "ada", version: review.version + 1 });
    const second = await send("PATCH", path, { headers: bearer, body: { quote: "Second tab's quote.", reason: "second tab", version: review.version } });
    expect(second.status).toBe(409);
    expect(second.json.error).toMatch(/changed by someone else.*reload it and edit again/);
    expect(second.json.current).toBe(review.version + 1);
    // The form says the same to a browser without script.
    const form = await send("POST", `/runs/${fixture.runId}/reviews/${review.id}/edit`, { headers: cookie, form: { quote: "Third", reason: "form", version: String(review.version), _csrf: CSRF } });
    expect(form.status).toBe(409);
    expect(form.text).toMatch(/changed by someone else/);
    const after = await skepticReview();
    expect(after.review.quote).toBe("First tab's quote.");
    expect(after.review.edit).toMatchObject({ editor: "ada", reason: "first tab", original: { quote: "skeptic says skip to Claw Code.", verdict: "skip" } });
    const history = (await send("GET", `${path}/history`, { headers: bearer })).json;
    expect(history.edits.map((edit: any) => [edit.action, edit.reason, edit.editor])).toEqual([["edit", "first tab", "ada"]]);
  });

  test("an edited verdict moves the panel math; undo restores the model's answer", async () => {
    const { review } = await skepticReview();
    const before = (await report()).tools.find((tool: any) => tool.name === "Claw Code").panel;
    const flipped = await send("PATCH", `/api/runs/${fixture.runId}/reviews/${review.id}`, { headers: bearer, body: { verdict: "ship", confidence: 0.55, reason: "the skeptic misread the licence", version: review.version } });
    expect(flipped.status).toBe(200);
    const edited = (await report()).tools.find((tool: any) => tool.name === "Claw Code");
    expect(edited.panel.ship).toBe(before.ship + 1);
    const undone = await send("POST", `/api/runs/${fixture.runId}/reviews/${review.id}/undo`, { headers: bearer, body: { reason: "back to the model", version: review.version + 1 } });
    expect(undone.status).toBe(200);
    const restored = await skepticReview();
    expect(restored.review).toMatchObject({ quote: "skeptic says skip to Claw Code.", verdict: "skip", confidence: 0.8 });
    expect(restored.review.edit).toBeUndefined();
    const history = (await send("GET", `/api/runs/${fixture.runId}/reviews/${review.id}/history`, { headers: bearer })).json;
    expect(history.edits.at(-1)).toMatchObject({ action: "undo", reason: "back to the model" });
  });

  test("a human verdict and an acceptance are stored with the editor and show in the report", async () => {
    const { toolId } = await skepticReview();
    const label = await send("PUT", `/api/runs/${fixture.runId}/tools/${toolId}/label`, { headers: bearer, body: { verdict: "skip", note: "licence unclear" } });
    expect(label.status).toBe(200);
    expect(label.json).toMatchObject({ verdict: "skip", note: "licence unclear", editor: "ada" });
    const accepted = await send("PUT", `/api/runs/${fixture.runId}/tools/${toolId}/accepted`, { headers: bearer, body: { accepted: true } });
    expect(accepted.status).toBe(200);
    const tool = (await report()).tools.find((entry: any) => entry.id === toolId);
    expect(tool.label).toMatchObject({ verdict: "skip", note: "licence unclear", editor: "ada" });
    expect(tool.accepted).toMatchObject({ editor: "ada" });
  });

  test("exports follow the edits: md, html and json carry the edited quote", async () => {
    const { review } = await skepticReview();
    const quote = "Exported after an edit, with <angle> brackets.";
    expect((await send("PATCH", `/api/runs/${fixture.runId}/reviews/${review.id}`, { headers: bearer, body: { quote, reason: "for the export" } })).status).toBe(200);
    const html = await send("GET", `/api/runs/${fixture.runId}/export?format=html`, { headers: bearer });
    expect(html.status).toBe(200);
    expect(html.headers["content-type"]).toMatch(/^text\/html/);
    expect(html.headers["content-disposition"]).toBe(`attachment; filename="panelist-${fixture.runId}.html"`);
    expect(html.text).toContain("Exported after an edit, with &lt;angle&gt; brackets.");
    expect(html.text).toContain('<span class="edited-tag">Edited</span>');
    const markdown = await send("GET", `/api/runs/${fixture.runId}/export?format=md`, { headers: bearer });
    expect(markdown.text).toContain("Exported after an edit");
    const json = await send("GET", `/api/runs/${fixture.runId}/export?format=json`, { headers: bearer });
    expect(JSON.parse(json.text).tools[0].reviews.find((entry: any) => entry.id === review.id).quote).toBe(quote);
    for (const answer of [html, markdown, json]) expect(answer.text).not.toContain(FAKE_KEY);
  });

  test("POST /api/runs reviews an inline tool in the background; the job ends with a stored run", async () => {
    const started = await send("POST", "/api/runs", { headers: bearer, body: { tools: [{ name: "Pasted Tool", tagline: "From the page", description: "A tool pasted into the workbench." }], personas: ["skeptic"], models: [MODEL] } });
    expect(started.status).toBe(202);
    expect(started.json).toMatchObject({ kind: "review", status: "running" });
    const job = await waitForJob(started.json.id);
    expect(job, JSON.stringify(job)).toMatchObject({ status: "finished", result: { reviewed: 1, failed: 0 } });
    const run = (await send("GET", `/api/runs/${job.runId}`, { headers: bearer })).json;
    expect(run.tools.map((tool: any) => tool.name)).toEqual(["Pasted Tool"]);
    expect(run.tools[0].reviews.map((review: any) => review.persona)).toEqual(["skeptic"]);
  });

  test("compare two stored tools: a new run of tools already in the store", async () => {
    const tools = (await report()).tools;
    const started = await send("POST", "/api/runs", {
      headers: bearer,
      body: { command: "compare", tools: tools.slice(0, 2).map((tool: any) => ({ runId: fixture.runId, toolId: tool.id })), personas: ["skeptic"] },
    });
    expect(started.status).toBe(202);
    const job = await waitForJob(started.json.id);
    expect(job.status).toBe("finished");
    const run = (await send("GET", `/api/runs/${job.runId}`, { headers: bearer })).json;
    expect(run.run.command).toBe("compare");
    expect(run.tools.map((tool: any) => tool.name)).toEqual(["Claw Code", "SmolVLM2 Turbo"]);
    expect(run.pick).toBeDefined();
  });

  test("the job's events stream ends with an end event", async () => {
    const started = await send("POST", "/api/runs", { headers: bearer, body: { tools: [{ name: "Streamed Tool", description: "Watched over SSE." }], personas: ["skeptic"] } });
    const events = await send("GET", `/api/jobs/${started.json.id}/events`, { headers: bearer });
    expect(events.headers["content-type"]).toMatch(/^text\/event-stream/);
    expect(events.text).toMatch(/event: end\ndata: \{.*"status":"finished"/);
  });
});

describe("pages", () => {
  test("the runs list, the run page, history, new review and compare render with escaping and no inline script or style", async () => {
    const { review } = await skepticReview();
    const pages = [
      await send("GET", "/", { headers: cookie }),
      await send("GET", "/?tool=claw", { headers: cookie }),
      await send("GET", `/runs/${fixture.runId}`, { headers: cookie }),
      await send("GET", `/runs/${fixture.runId}/reviews/${review.id}/history`, { headers: cookie }),
      await send("GET", "/new", { headers: cookie }),
      await send("GET", "/compare?q=claw", { headers: cookie }),
    ];
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(page.headers["content-type"]).toMatch(/^text\/html/);
      expect(page.text).not.toMatch(/<script(?![^>]*src="\/assets\/workbench\.js")/);
      expect(page.text).not.toMatch(/ style=|<style/);
      expect(page.text).not.toContain(FAKE_KEY);
      expect(page.text).toContain(`<meta name="csrf-token" content="${CSRF}">`);
    }
    const run = pages[2]!.text;
    expect(run).toContain("&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;");
    expect(run).not.toContain("<img src=x");
    expect(run).toContain(`action="/runs/${fixture.runId}/reviews/${review.id}/edit"`);
    expect(run).toMatch(/class="w\d+"/);
    expect(pages[5]!.text).toContain("Claw Code");
  });

  test("assets are served by the workbench itself", async () => {
    for (const [path, type] of [["/assets/workbench.js", /^text\/javascript/], ["/assets/workbench.css", /^text\/css/], ["/assets/report.css", /^text\/css/]] as const) {
      const answer = await send("GET", path, { headers: cookie });
      expect(answer.status).toBe(200);
      expect(answer.headers["content-type"]).toMatch(type);
    }
    expect((await send("GET", "/assets/nope.js", { headers: cookie })).status).toBe(404);
  });
});
