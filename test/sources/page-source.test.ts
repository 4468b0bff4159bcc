import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { InputError } from "../../src/errors/input-error.js";
import { pageSource, toolFromPage } from "../../src/sources/page-source.js";
import type { SourceContext } from "../../src/sources/tool-source.js";
import { plainHttpClient } from "../support/plain-http-client.js";

const PRODUCT_PAGE = readFileSync("fixtures/pages/driftwood-product.html", "utf8");
const NOW = new Date("2026-12-02T10:00:00.000Z");

/** Pages by path: a content type and a body, or a redirect. */
type Route = { type: string; body: string; status?: number } | { redirect: string };

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** Starts a local server for the routes; returns its base URL and the Accept headers it saw. */
async function serve(routes: Record<string, Route>): Promise<{ base: string; accepts: string[] }> {
  const accepts: string[] = [];
  server = createServer((request, response) => {
    accepts.push(String(request.headers.accept));
    const route = routes[request.url ?? ""];
    if (!route) return void response.writeHead(404, { "content-type": "text/html" }).end("<h1>Not found</h1>");
    if ("redirect" in route) return void response.writeHead(302, { location: route.redirect }).end();
    response.writeHead(route.status ?? 200, { "content-type": route.type }).end(route.body);
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { base: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, accepts };
}

const context = (maxDescriptionChars = 20_000): SourceContext => ({
  http: plainHttpClient,
  settings: { githubApiUrl: "", npmRegistry: "", npmDownloadsUrl: "", pypiUrl: "", huggingFaceUrl: "" },
  maxDescriptionChars,
  now: () => NOW,
});

/** The error a fetch fails with. */
async function failure(spec: string): Promise<InputError> {
  const error = await pageSource.fetchTool(spec, context()).then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe("pageSource", () => {
  test("matches any http(s) URL and nothing else", () => {
    expect(pageSource.id).toBe("page");
    for (const spec of ["https://driftwood.example/", "http://127.0.0.1:8080/x?y=1", "HTTPS://EXAMPLE.COM"]) expect(pageSource.matches(spec)).toBe(true);
    for (const spec of ["npm:react", "driftwood.example", "ftp://example.com/", "javascript:alert(1)", "tools.md", "https://"]) expect(pageSource.matches(spec)).toBe(false);
  });

  test("a product page: the product's name, its meta description, the main text without nav, footer or scripts", async () => {
    const { base, accepts } = await serve({ "/go": { redirect: "/product" }, "/product": { type: "text/html; charset=utf-8", body: PRODUCT_PAGE } });
    const tool = await pageSource.fetchTool(`${base}/go`, context());
    expect(accepts[0]).toMatch(/^text\/html/);
    expect(tool.name).toBe("Driftwood");
    expect(tool.tagline).toBe("Driftwood keeps SQLite on every device in sync, offline first.");
    expect(tool.url).toBe(`${base}/product`);
    expect(tool.source).toEqual({ file: `${base}/go` });
    expect(tool.community).toBeNull();
    expect(tool.pricing).toBeUndefined();
    // The article, as paragraphs with their whitespace collapsed.
    expect(tool.description.split("\n\n")).toEqual(
      expect.arrayContaining([
        "How it works",
        "The server side is a single binary that speaks Postgres's logical replication protocol, so there is no second database to run. Client libraries exist for React Native, Swift and Kotlin.",
        "Offline writes with automatic merge",
      ]),
    );
    expect(tool.description).toContain("Writes land locally first and merge when the network comes back");
    for (const chrome of ["NAV-", "FOOTER-", "COOKIE-BANNER", "ASIDE-", "SCRIPT-SECRET", "STYLE-SECRET", "trackScroll", "__ANALYTICS__"]) {
      expect(tool.description).not.toContain(chrome);
      expect(JSON.stringify(tool)).not.toContain(chrome);
    }
    expect(tool.facts).toEqual([
      { label: "Page type", value: "website", source: `${base}/product`, fetchedAt: "2026-12-02T10:00:00.000Z" },
      { label: "Published", value: "2026-04-10", source: `${base}/product`, fetchedAt: "2026-12-02T10:00:00.000Z" },
    ]);
  });

  test("the description is cut to the context's limit", async () => {
    const { base } = await serve({ "/": { type: "text/html", body: PRODUCT_PAGE } });
    const tool = await pageSource.fetchTool(`${base}/`, context(200));
    expect(tool.description.length).toBeLessThanOrEqual(200);
    expect(tool.description.endsWith("…")).toBe(true);
  });

  test("a status other than 2xx, a page that is not HTML, and a page with nothing to read are input errors naming the URL", async () => {
    const { base } = await serve({
      "/gone": { type: "text/html", body: "<p>Gone</p>", status: 410 },
      "/api": { type: "application/json", body: '{"name":"x"}' },
      "/blank": { type: "text/html", body: "<html><head><title>Blank</title><script>var x = 'SCRIPT';</script></head><body><nav><a href='/'>Home</a></nav></body></html>" },
    });
    expect((await failure(`${base}/gone`)).message).toBe(`${base}/gone: the page answered 410`);
    expect((await failure(`${base}/missing`)).message).toBe(`${base}/missing: the page answered 404`);
    const json = await failure(`${base}/api`);
    expect(json.message).toBe(`${base}/api: not an HTML page (application/json)`);
    expect(json.file).toBe(`${base}/api`);
    expect((await failure(`${base}/blank`)).message).toBe(`${base}/blank: has no readable text`);
  });

  test("a 3 MB page is read", async () => {
    const paragraph = "<p>Driftwood merges offline writes when the network returns, one operation at a time.</p>\n";
    const big = PRODUCT_PAGE.replace("<h2>What it costs</h2>", `${paragraph.repeat(Math.ceil(3_000_000 / paragraph.length))}<h2>What it costs</h2>`);
    expect(big.length).toBeGreaterThan(3_000_000);
    const { base } = await serve({ "/": { type: "text/html", body: big } });
    const tool = await pageSource.fetchTool(`${base}/`, context(20_000));
    expect(tool.name).toBe("Driftwood");
    expect(tool.description.length).toBeLessThanOrEqual(20_000);
    expect(tool.description).toContain("Driftwood keeps a SQLite database on every phone");
    expect(tool.description).toContain("Driftwood merges offline writes");
  }, 30_000);
});

describe("toolFromPage", () => {
  test("a page the client cut mid-tag is still read", () => {
    const filler = "<p>Filler text about sync engines and conflict resolution, repeated to make the page heavy.</p>".repeat(40_000);
    const page = PRODUCT_PAGE.replace("<h2>How it works</h2>", `<h2>How it works</h2>${filler}`);
    const truncated = page.slice(0, 2 * 1024 * 1024 - 7);
    expect(truncated.endsWith("</body>")).toBe(false);
    const tool = toolFromPage("https://driftwood.example/", truncated, NOW.toISOString(), 5_000)!;
    expect(tool.name).toBe("Driftwood");
    expect(tool.description.startsWith("Driftwood keeps a SQLite database on every phone")).toBe(true);
    expect(tool.description.length).toBeLessThanOrEqual(5_000);
    expect(tool.description).not.toContain("SCRIPT-SECRET");
  });

  test.each([
    { head: "<title>Acme | Build faster</title>", name: "Acme" },
    { head: "<title>Acme — the notebook for teams</title>", name: "Acme" },
    { head: "<title>Docs - Acme - Home</title>", name: "Docs - Acme - Home" },
    { head: "<title>A | B | C</title>", name: "A | B | C" },
    { head: '<meta property="og:title" content="Acme Cloud · Pricing"><title>Other</title>', name: "Acme Cloud" },
    { head: "", name: "acme.example" },
  ])("name from $head", ({ head, name }) => {
    const tool = toolFromPage("https://acme.example/x", `<html><head>${head}<meta name="description" content="A  tool\nfor teams."></head><body></body></html>`, NOW.toISOString(), 1000)!;
    expect(tool.name).toBe(name);
    // No readable text: the description is the page's own summary.
    expect(tool.tagline).toBe("A tool for teams.");
    expect(tool.description).toBe("A tool for teams.");
    expect(tool.facts).toBeUndefined();
  });

  test("hidden characters are dropped, and a page with neither text nor description gives nothing", () => {
    const tool = toolFromPage("https://x.example/", '<meta name="description" content="Safe\u200B\u202Etext">', NOW.toISOString(), 100)!;
    expect(tool.tagline).toBe("Safetext");
    expect(toolFromPage("https://x.example/", "<title>Only a title</title><script>alert('x')</script>", NOW.toISOString(), 100)).toBeUndefined();
  });
});
