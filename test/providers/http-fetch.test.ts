import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { afterEach, describe, expect, test } from "vitest";
import { createHttpFetch } from "../../src/providers/http-fetch.js";

type Handler = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void;

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A real HTTP server on 127.0.0.1 answering with the handler; returns its base URL. */
async function serve(handler: Handler): Promise<string> {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => handler(request, Buffer.concat(chunks), response));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const httpFetch = createHttpFetch();

describe("createHttpFetch", () => {
  test("sends method, headers and body; hands back status, status text, headers and the JSON body", async () => {
    const base = await serve((request, body, response) => {
      response.writeHead(201, { "content-type": "application/json", "x-ratelimit-remaining-requests": "41", "set-cookie": ["a=1", "b=2"] });
      response.end(JSON.stringify({ method: request.method, auth: request.headers.authorization, type: request.headers["content-type"], body: body.toString() }));
    });
    const response = await httpFetch(`${base}/v1/chat`, { method: "post", headers: new Headers({ authorization: "Bearer k", "content-type": "application/json" }), body: '{"x":1}' });
    expect(response.status).toBe(201);
    expect(response.statusText).toBe("Created");
    expect(response.ok).toBe(true);
    expect(response.headers.get("x-ratelimit-remaining-requests")).toBe("41");
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(await response.json()).toEqual({ method: "POST", auth: "Bearer k", type: "application/json", body: '{"x":1}' });
  });

  test("error statuses come back as responses with their body, not as thrown errors", async () => {
    const base = await serve((_request, _body, response) => {
      response.writeHead(429, { "content-type": "application/json", "retry-after-ms": "1500" });
      response.end('{"error":{"message":"slow down"}}');
    });
    const response = await httpFetch(`${base}/v1/x`, { method: "POST", body: "{}" });
    expect(response.status).toBe(429);
    expect(response.ok).toBe(false);
    expect(response.headers.get("retry-after-ms")).toBe("1500");
    expect(await response.text()).toBe('{"error":{"message":"slow down"}}');
  });

  test("a 204 has a null body", async () => {
    const base = await serve((_request, _body, response) => {
      response.writeHead(204);
      response.end();
    });
    const response = await httpFetch(`${base}/v1/files/1`, { method: "DELETE" });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  test("the body is a stream: the first chunk is readable before the server ends the response", async () => {
    let finish: (() => void) | undefined;
    const base = await serve((_request, _body, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write("data: one\n\n");
      finish = () => response.end("data: two\n\n");
    });
    const response = await httpFetch(`${base}/v1/stream`);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("data: one\n\n");
    finish!();
    const second = await reader.read();
    expect(new TextDecoder().decode(second.value)).toBe("data: two\n\n");
    expect((await reader.read()).done).toBe(true);
  });

  test.each([
    ["gzip", gzipSync],
    ["br", brotliCompressSync],
  ] as const)("asks for compressed answers and decodes a %s body", async (encoding, compress) => {
    let asked: string | undefined;
    const base = await serve((request, _body, response) => {
      asked = request.headers["accept-encoding"];
      response.writeHead(200, { "content-type": "application/json", "content-encoding": encoding });
      response.end(compress(Buffer.from(JSON.stringify({ id: "batch_1", lines: "x".repeat(5000) }))));
    });
    const response = await httpFetch(`${base}/v1/batches/1`);
    expect(asked).toContain(encoding);
    expect(await response.json()).toEqual({ id: "batch_1", lines: "x".repeat(5000) });
  });

  test("a JSON answer is a Response read once, by any of its readers, with a byte-order mark dropped", async () => {
    const base = await serve((_request, _body, response) => {
      response.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      response.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"verdict":"ship","quote":"Fast — and cheap."}')]));
    });
    const first = await httpFetch(`${base}/v1/chat`);
    expect(first).toBeInstanceOf(Response);
    // Looking at the body (as the Anthropic SDK does) reads nothing.
    expect(first.body).toBeInstanceOf(ReadableStream);
    expect(first.bodyUsed).toBe(false);
    const copy = first.clone();
    expect(await first.json()).toEqual({ verdict: "ship", quote: "Fast — and cheap." });
    expect(first.bodyUsed).toBe(true);
    await expect(first.text()).rejects.toThrow(TypeError);
    // The clone reads the same bytes through the stream.
    const reader = copy.body!.getReader();
    const chunk = await reader.read();
    expect(new TextDecoder().decode(chunk.value)).toBe('{"verdict":"ship","quote":"Fast — and cheap."}');
    expect((await reader.read()).done).toBe(true);
    await expect(copy.arrayBuffer()).rejects.toThrow(TypeError);

    const again = await httpFetch(`${base}/v1/chat`);
    expect(new TextDecoder().decode(await again.arrayBuffer())).toBe('{"verdict":"ship","quote":"Fast — and cheap."}');
  });

  test("follows a redirect, dropping the authorization header on a change of origin", async () => {
    const target = await serve((request, _body, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ path: request.url, auth: request.headers.authorization ?? null }));
    });
    const first = server!;
    server = undefined;
    const origin = await serve((_request, _body, response) => {
      response.writeHead(302, { location: `${target}/results.jsonl` });
      response.end();
    });
    try {
      const response = await httpFetch(`${origin}/v1/results`, { headers: { authorization: "Bearer secret" } });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ path: "/results.jsonl", auth: null });
    } finally {
      first.closeAllConnections();
      first.close();
    }
  });

  test("a 303 after a POST is followed with a GET and no body; a 307 keeps the method and the body", async () => {
    const base = await serve((request, body, response) => {
      if (request.url === "/see-other") return void response.writeHead(303, { location: "/landing" }).end();
      if (request.url === "/temporary") return void response.writeHead(307, { location: "/landing" }).end();
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ method: request.method, body: body.toString(), type: request.headers["content-type"] ?? null }));
    });
    const seeOther = await httpFetch(`${base}/see-other`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1}' });
    expect(await seeOther.json()).toEqual({ method: "GET", body: "", type: null });
    const temporary = await httpFetch(`${base}/temporary`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"a":1}' });
    expect(await temporary.json()).toEqual({ method: "POST", body: '{"a":1}', type: "application/json" });
  });

  test("keeps the connection alive between calls", async () => {
    const sockets = new Set<unknown>();
    const base = await serve((request, _body, response) => {
      sockets.add(request.socket);
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{}");
    });
    for (let call = 0; call < 3; call += 1) await (await httpFetch(`${base}/v1/x`, { method: "POST", body: "{}" })).json();
    expect(sockets.size).toBe(1);
  });

  test("a FormData upload is sent whole, as multipart with its boundary and a content-length", async () => {
    const base = await serve((request, body, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ type: request.headers["content-type"], length: request.headers["content-length"], body: body.toString() }));
    });
    const form = new FormData();
    form.append("purpose", "batch");
    form.append("file", new File(['{"custom_id":"a"}\n'], "batch.jsonl", { type: "application/jsonl" }));
    const answer = (await (await httpFetch(`${base}/v1/files`, { method: "POST", body: form })).json()) as { type: string; length: string; body: string };
    expect(answer.type).toMatch(/^multipart\/form-data; boundary=/);
    expect(Number(answer.length)).toBe(Buffer.byteLength(answer.body));
    expect(answer.body).toContain('name="purpose"\r\n\r\nbatch');
    expect(answer.body).toContain('filename="batch.jsonl"');
    expect(answer.body).toContain('{"custom_id":"a"}\n');
  });

  test("a ReadableStream body is streamed to the server", async () => {
    const base = await serve((_request, body, response) => {
      response.writeHead(200, { "content-type": "text/plain" });
      response.end(body.toString().toUpperCase());
    });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("line one\n"));
        controller.enqueue(new TextEncoder().encode("line two\n"));
        controller.close();
      },
    });
    const response = await httpFetch(`${base}/v1/upload`, { method: "POST", body, duplex: "half" } as RequestInit);
    expect(await response.text()).toBe("LINE ONE\nLINE TWO\n");
  });

  test("a streamed request body that fails rejects the call", async () => {
    const base = await serve((_request, _body, response) => {
      response.writeHead(200, { "content-type": "text/plain" });
      response.end("should not get here");
    });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("part of the upload"));
        setTimeout(() => controller.error(new Error("source broke")), 10);
      },
    });
    await expect(httpFetch(`${base}/v1/upload`, { method: "POST", body, duplex: "half" } as RequestInit)).rejects.toThrow("source broke");
  });

  test("an abort before the answer rejects with an AbortError", async () => {
    const base = await serve(() => {
      // Never answers.
    });
    const controller = new AbortController();
    const pending = httpFetch(`${base}/v1/hang`, { method: "POST", body: "{}", signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });

  test("an abort while the body is read ends the read with an error", async () => {
    const base = await serve((_request, _body, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.write('{"partial": ');
    });
    const controller = new AbortController();
    const response = await httpFetch(`${base}/v1/slow`, { signal: controller.signal });
    const reading = response.text();
    controller.abort();
    await expect(reading).rejects.toMatchObject({ name: "AbortError" });
  });

  test("a connection closed mid-body fails the read; a refused connection fails the request", async () => {
    const base = await serve((request, _body, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      response.write('{"cut": ');
      setTimeout(() => request.socket.destroy(), 5);
    });
    const response = await httpFetch(`${base}/v1/cut`);
    await expect(response.json()).rejects.toThrow();
    const port = (server!.address() as AddressInfo).port;
    server!.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    await expect(httpFetch(`http://127.0.0.1:${port}/v1/x`)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
