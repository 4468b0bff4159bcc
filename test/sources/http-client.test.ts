import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { createHttpClient, type CachedHttp, type HttpCache, type HttpClientOptions } from "../../src/sources/http-client.js";
import { SourceFetchError } from "../../src/sources/source-fetch-error.js";

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A real HTTP server on 127.0.0.1; returns its base URL, its host:port and the requests it saw. */
async function serve(handler: Handler): Promise<{ base: string; host: string; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  server = createServer((request, response) => {
    requests.push(request);
    handler(request, response);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base: `http://${host}`, host, requests };
}

/** A client that may reach only the test server: every other host goes through the guard. */
function client(host: string, options: Partial<HttpClientOptions> = {}) {
  return createHttpClient({ userAgent: "panelist-test/1.0 (+https://example.com/panelist)", allowPrivateHosts: false, allowHosts: [host], ...options });
}

async function failure(promise: Promise<unknown>): Promise<SourceFetchError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SourceFetchError) return error;
    throw error;
  }
  throw new Error("expected a SourceFetchError");
}

function memoryCache(): HttpCache & { entries: Map<string, CachedHttp> } {
  const entries = new Map<string, CachedHttp>();
  return { entries, get: (url) => entries.get(url), put: (url, entry) => void entries.set(url, entry) };
}

describe("createHttpClient", () => {
  test("a GET sends the User-Agent, Accept and extra headers, and returns status, lower-cased headers and text", async () => {
    const { base, host, requests } = await serve((_request, response) => {
      response.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "X-Thing": "1" });
      response.end("héllo");
    });
    const response = await client(host).get(`${base}/a`, { accept: "application/json", headers: { Authorization: "Bearer t" } });
    expect(response).toEqual({ url: `${base}/a`, status: 200, headers: expect.objectContaining({ "content-type": "text/plain; charset=utf-8", "x-thing": "1" }), text: "héllo", truncated: false, fromCache: false });
    expect(requests[0]!.headers["user-agent"]).toBe("panelist-test/1.0 (+https://example.com/panelist)");
    expect(requests[0]!.headers.accept).toBe("application/json");
    expect(requests[0]!.headers.authorization).toBe("Bearer t");
  });

  test("a status other than 2xx is a response, not an error", async () => {
    const { base, host } = await serve((_request, response) => {
      response.writeHead(404, { "content-type": "application/json" });
      response.end('{"message":"Not Found"}');
    });
    expect(await client(host).get(`${base}/missing`)).toMatchObject({ status: 404, text: '{"message":"Not Found"}', fromCache: false });
  });

  test("a chain of 3 redirects is followed to the URL that answers; 6 are refused", async () => {
    const { base, host, requests } = await serve((request, response) => {
      const hop = Number(new URL(request.url!, "http://x").searchParams.get("hop"));
      const last = Number(new URL(request.url!, "http://x").searchParams.get("last"));
      if (hop < last) {
        response.writeHead(hop % 2 === 0 ? 302 : 301, { location: `/r?hop=${hop + 1}&last=${last}` });
        return void response.end();
      }
      response.end(`arrived after ${hop}`);
    });
    const response = await client(host).get(`${base}/r?hop=0&last=3`);
    expect(response).toMatchObject({ url: `${base}/r?hop=3&last=3`, status: 200, text: "arrived after 3" });
    expect(requests).toHaveLength(4);
    expect((await client(host).get(`${base}/r?hop=0&last=5`)).text).toBe("arrived after 5");
    const error = await failure(client(host).get(`${base}/r?hop=0&last=6`));
    expect(error).toMatchObject({ kind: "too-many-redirects", url: `${base}/r?hop=0&last=6`, message: `${base}/r?hop=0&last=6: more than 5 redirects` });
  });

  test("127.0.0.1 is refused before any request reaches it unless its host:port is allowed", async () => {
    const { base, requests } = await serve((_request, response) => response.end("secret"));
    const error = await failure(createHttpClient({ userAgent: "t", allowPrivateHosts: false }).get(`${base}/admin`));
    expect(error).toMatchObject({ kind: "refused", message: `${base}/admin: refused: 127.0.0.1 is a loopback address (pass --allow-private-hosts to allow it)` });
    // Another port of the same address is another host.
    await failure(client("127.0.0.1:1").get(`${base}/admin`));
    expect(requests).toHaveLength(0);
    expect((await createHttpClient({ userAgent: "t", allowPrivateHosts: true }).get(`${base}/admin`)).text).toBe("secret");
  });

  test("a redirect to the metadata address or a private host is refused at that hop, even with --allow-private-hosts for the metadata", async () => {
    const { base, host, requests } = await serve((request, response) => {
      response.writeHead(302, { location: request.url === "/meta" ? "http://169.254.169.254/latest/meta-data/" : "http://10.0.0.1/internal" });
      response.end();
    });
    expect(await failure(client(host).get(`${base}/meta`))).toMatchObject({ kind: "refused", url: "http://169.254.169.254/latest/meta-data/" });
    expect(await failure(client(host).get(`${base}/private`))).toMatchObject({
      kind: "refused", message: "http://10.0.0.1/internal: refused: 10.0.0.1 is a private address (pass --allow-private-hosts to allow it)",
    });
    expect(await failure(client(host, { allowPrivateHosts: true }).get(`${base}/meta`))).toMatchObject({
      kind: "refused", message: "http://169.254.169.254/latest/meta-data/: refused: 169.254.169.254 is a link-local address; never fetched",
    });
    expect(requests).toHaveLength(3);
  });

  test("a trusted URL skips the guard for its own origin only", async () => {
    const { base, requests } = await serve((request, response) => {
      if (request.url === "/hop") {
        response.writeHead(302, { location: "/final" });
        return void response.end();
      }
      if (request.url === "/away") {
        response.writeHead(302, { location: "http://10.0.0.1/" });
        return void response.end();
      }
      response.end("registry");
    });
    const strict = createHttpClient({ userAgent: "t", allowPrivateHosts: false });
    expect(await strict.get(`${base}/hop`, { trusted: true })).toMatchObject({ url: `${base}/final`, text: "registry" });
    expect(await failure(strict.get(`${base}/away`, { trusted: true }))).toMatchObject({ kind: "refused", url: "http://10.0.0.1/" });
    expect(requests.map((request) => request.url)).toEqual(["/hop", "/final", "/away"]);
  });

  test("a 3 MB body is cut at 2 MB and says so; a request's own cap wins", async () => {
    const { base, host } = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "text/plain" });
      const chunk = "a".repeat(64 * 1024);
      for (let sent = 0; sent < 3 * 1024 * 1024; sent += chunk.length) response.write(chunk);
      response.end();
    });
    const response = await client(host).get(`${base}/big`);
    expect(response.truncated).toBe(true);
    expect(response.text.length).toBe(2 * 1024 * 1024);
    expect(await client(host).get(`${base}/big`, { maxBytes: 10 })).toMatchObject({ text: "aaaaaaaaaa", truncated: true });
    expect(await client(host).get(`${base}/big`, { maxBytes: 4 * 1024 * 1024 })).toMatchObject({ truncated: false });
  });

  test("a cut through a multi-byte character drops the half character", async () => {
    const { base, host } = await serve((_request, response) => response.end("ééé"));
    expect(await client(host).get(base, { maxBytes: 3 })).toMatchObject({ text: "é", truncated: true });
  });

  test("a server that sends its headers too late is a timeout", async () => {
    const { base, host } = await serve((_request, response) => {
      const timer = setTimeout(() => response.end("late"), 2000);
      response.on("close", () => clearTimeout(timer));
    });
    const started = Date.now();
    const error = await failure(client(host, { totalTimeoutMs: 300 }).get(`${base}/slow`));
    expect(error).toMatchObject({ kind: "timeout", message: `${base}/slow: no answer within 0.3 s` });
    expect(Date.now() - started).toBeLessThan(1500);
    expect((await failure(client(host, { connectTimeoutMs: 200 }).get(`${base}/slow`))).message).toBe(`${base}/slow: no answer within 0.2 s`);
  });

  test("a body that stalls is a timeout of the total", async () => {
    const { base, host } = await serve((_request, response) => {
      response.writeHead(200);
      response.write("start");
    });
    expect(await failure(client(host, { totalTimeoutMs: 300 }).get(base))).toMatchObject({ kind: "timeout" });
  });

  test("a kept 200 makes the next GET conditional; a 304 hands back the kept body without reading one", async () => {
    let version = 0;
    const { base, host, requests } = await serve((request, response) => {
      if (request.headers["if-none-match"] === '"v1"' && request.headers["if-modified-since"] === "Tue, 01 Dec 2026 10:00:00 GMT") {
        response.writeHead(304, { etag: '"v1"' });
        return void response.end();
      }
      version += 1;
      response.writeHead(200, { etag: `"v${version}"`, "last-modified": "Tue, 01 Dec 2026 10:00:00 GMT", "content-type": "application/json" });
      response.end(`{"version":${version}}`);
    });
    const cache = memoryCache();
    let clock = new Date("2026-12-01T10:00:00Z");
    const http = client(host, { cache, now: () => clock });
    const first = await http.get(`${base}/pkg`);
    expect(first).toMatchObject({ status: 200, text: '{"version":1}', fromCache: false });
    expect(cache.entries.get(`${base}/pkg`)).toMatchObject({ status: 200, etag: '"v1"', lastModified: "Tue, 01 Dec 2026 10:00:00 GMT", text: '{"version":1}', fetchedAt: "2026-12-01T10:00:00.000Z" });
    expect(requests[0]!.headers["if-none-match"]).toBeUndefined();

    clock = new Date("2026-12-02T10:00:00Z");
    const second = await http.get(`${base}/pkg`);
    expect(requests[1]!.headers["if-none-match"]).toBe('"v1"');
    expect(second).toEqual({ url: `${base}/pkg`, status: 200, headers: first.headers, text: '{"version":1}', truncated: false, fromCache: true });
    expect(cache.entries.get(`${base}/pkg`)?.fetchedAt).toBe("2026-12-02T10:00:00.000Z");

    // A 200 with new validators replaces the copy.
    cache.entries.set(`${base}/pkg`, { ...cache.entries.get(`${base}/pkg`)!, etag: '"stale"' });
    expect(await http.get(`${base}/pkg`)).toMatchObject({ text: '{"version":2}', fromCache: false });
    expect(cache.entries.get(`${base}/pkg`)).toMatchObject({ etag: '"v2"', text: '{"version":2}' });
  });

  test("a response without validators, or cut at the cap, is not kept", async () => {
    const { base, host } = await serve((request, response) => {
      response.writeHead(200, request.url === "/etag" ? { etag: '"x"' } : {});
      response.end("0123456789");
    });
    const cache = memoryCache();
    await client(host, { cache }).get(`${base}/plain`);
    await client(host, { cache }).get(`${base}/etag`, { maxBytes: 4 });
    expect(cache.entries.size).toBe(0);
  });

  test("the request's headers stay behind when a redirect leaves the origin", async () => {
    const { base, host, requests } = await serve((request, response) => {
      if (request.url === "/start") {
        response.writeHead(302, { location: `http://localhost:${host.split(":")[1]}/next` });
        return void response.end();
      }
      response.end("ok");
    });
    const localhost = `localhost:${host.split(":")[1]}`;
    await client(host, { allowHosts: [host, localhost] }).get(`${base}/start`, { headers: { authorization: "Bearer secret" } });
    expect(requests.map((request) => [request.url, request.headers.authorization])).toEqual([["/start", "Bearer secret"], ["/next", undefined]]);
  });

  test("only http and https are fetched, on the first URL and on every redirect", async () => {
    const { base, host } = await serve((_request, response) => {
      response.writeHead(301, { location: "file:///etc/passwd" });
      response.end();
    });
    expect(await failure(client(host).get("ftp://example.com/pub/tool.tar.gz"))).toMatchObject({
      kind: "not-http", message: "ftp://example.com/pub/tool.tar.gz: only http and https addresses are fetched",
    });
    expect(await failure(client(host).get(base))).toMatchObject({ kind: "not-http", url: "file:///etc/passwd" });
    expect(await failure(client(host).get("not a url"))).toMatchObject({ kind: "not-http", message: "not a url: not a web address" });
  });

  test("a port where nothing listens is a connection error", async () => {
    const { host } = await serve(() => undefined);
    server?.close();
    expect(await failure(client(host).get(`http://${host}/`))).toMatchObject({ kind: "connection", message: `http://${host}/: the connection was refused` });
  });
});
