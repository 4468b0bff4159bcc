import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { finished, Readable, type Transform } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { WholeBodyResponse } from "./whole-body-response.js";

/**
 * A `fetch` for the official SDKs' `fetch` option, over Node's own `http`/`https` clients instead
 * of the global fetch. The wire protocol is the same HTTP/1.1; what is skipped is the WHATWG fetch
 * machinery (request objects built and checked step by step, the body piped through web streams
 * twice), which cost the SDK about a third of its CPU per call with Panelist's 10 KB requests, and
 * a request's headers and body go out in one write instead of several (bench/, figure 1). What an
 * API client relies on from fetch is kept: redirects are followed (up to 20, credentials dropped
 * across origins), gzip, deflate and brotli answers are decoded, the body is a stream read as it
 * arrives, and an abort ends the request or the body being read with an `AbortError`.
 */
export function createHttpFetch(): typeof fetch {
  return async function httpFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const url = typeof input === "string" ? new URL(input) : input instanceof URL ? input : undefined;
    // The SDKs pass a URL and an init; a Request object, or a scheme other than http(s), is left to fetch.
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) return fetch(input, init);
    const headers: Record<string, string> = {};
    // The SDKs hand over a Headers object; anything else is normalised the way fetch would.
    (init.headers instanceof Headers ? init.headers : new Headers(init.headers)).forEach((value, name) => void (headers[name] = value));
    // Fetch asks for compressed answers unless told otherwise, and so does this.
    headers["accept-encoding"] ??= "gzip, deflate, br";
    const body = await requestBody(init.body, headers);
    return send(url, (init.method ?? "GET").toUpperCase(), headers, body, init.signal ?? undefined, 0);
  };
}

/** Statuses whose responses have no body, which the Response constructor enforces. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;
/** Headers that must not follow a redirect to another origin, as fetch drops them. */
const CREDENTIAL_HEADERS = ["authorization", "cookie", "proxy-authorization", "x-api-key"];

/**
 * One keep-alive pool per scheme for every client of the process, as the global fetch has. An idle
 * connection is closed after 4 s (undici's default), sooner when the server's Keep-Alive hint says
 * so, so that a connection the server has dropped is not reused.
 */
const agents = { "http:": new HttpAgent({ keepAlive: true, timeout: 4000 }), "https:": new HttpsAgent({ keepAlive: true, timeout: 4000 }) };

type RequestBody = string | Buffer | Uint8Array | Readable | null;

function send(url: URL, method: string, headers: Record<string, string>, body: RequestBody, signal: AbortSignal | undefined, redirects: number): Promise<Response> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const request = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, { method, headers: headers as OutgoingHttpHeaders, agent: agents[url.protocol as "http:" | "https:"] });
    const onAbort = (): void => {
      const error = abortError();
      request.destroy(error);
      reject(error);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    request.on("error", (error) => {
      signal?.removeEventListener("abort", onAbort);
      reject(error);
    });
    request.on("response", (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECT_STATUSES.has(status) && location !== undefined) {
        signal?.removeEventListener("abort", onAbort);
        response.resume();
        return resolve(redirect(url, status, location, method, headers, body, signal, redirects));
      }
      resolve(toResponse(response, method, signal, onAbort));
    });
    if (body instanceof Readable) {
      // A streamed body that fails ends the request, and the call fails with the body's error.
      body.once("error", (error) => {
        reject(error);
        request.destroy(error);
      });
      body.pipe(request);
    } else request.end(body ?? undefined);
  });
}

/** Follows a redirect as fetch's default `redirect: "follow"` does. */
function redirect(from: URL, status: number, location: string, method: string, headers: Record<string, string>, body: RequestBody, signal: AbortSignal | undefined, redirects: number): Promise<Response> {
  if (redirects >= MAX_REDIRECTS) return Promise.reject(new TypeError(`fetch: more than ${MAX_REDIRECTS} redirects from ${from.origin}`));
  const target = new URL(location, from);
  const next = { ...headers };
  if (target.origin !== from.origin) for (const name of CREDENTIAL_HEADERS) delete next[name];
  // 303, and 301/302 after a POST, become a GET without the body.
  if (status === 303 || ((status === 301 || status === 302) && method === "POST")) {
    delete next["content-type"];
    delete next["content-length"];
    return send(target, method === "HEAD" ? "HEAD" : "GET", next, null, signal, redirects + 1);
  }
  if (body instanceof Readable) return Promise.reject(new TypeError(`fetch: cannot follow a ${status} redirect with a streamed request body`));
  return send(target, method, next, body, signal, redirects + 1);
}

/** The WHATWG Response the SDKs read: status, headers, and the (decoded) body as a stream. */
function toResponse(response: IncomingMessage, method: string, signal: AbortSignal | undefined, onAbort: () => void): Response {
  const headers = new Headers();
  for (let index = 0; index < response.rawHeaders.length; index += 2) headers.append(response.rawHeaders[index]!, response.rawHeaders[index + 1]!);
  const status = response.statusCode ?? 0;
  const options = { status, statusText: response.statusMessage ?? "", headers };
  if (NULL_BODY_STATUSES.has(status) || method === "HEAD") {
    signal?.removeEventListener("abort", onAbort);
    response.resume();
    return new Response(null, options);
  }
  // An abort while the body is read fails the read, as with fetch; the listener goes once the body has.
  if (signal) {
    signal.removeEventListener("abort", onAbort);
    const abortBody = (): void => void response.destroy(abortError());
    signal.addEventListener("abort", abortBody, { once: true });
    response.once("close", () => signal.removeEventListener("abort", abortBody));
  }
  const body = decoded(response, headers.get("content-encoding"));
  // A JSON answer is read whole by the SDKs; anything else (an event stream, a batch's results
  // file) is handed out as a stream, read as it arrives.
  if (isJson(headers.get("content-type"))) return new WholeBodyResponse(readWhole(body), options);
  return new Response(Readable.toWeb(body) as ReadableStream<Uint8Array>, options);
}

/** Whether a content type is JSON, as the SDKs decide before they call `json()`. */
function isJson(contentType: string | null): boolean {
  const media = contentType?.split(";")[0]?.trim().toLowerCase();
  return media !== undefined && (media === "application/json" || media.endsWith("+json"));
}

/** A stream's bytes once it has ended; its error, or a close before the end, fails it. */
function readWhole(body: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.on("data", (chunk: Buffer) => void chunks.push(chunk));
    finished(body, (error) => (error ? reject(error) : resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks))));
  });
}

function abortError(): DOMException {
  return new DOMException("This operation was aborted", "AbortError");
}

/** The init's body in a form `http.request` sends, setting the content type fetch would set. */
async function requestBody(body: RequestInit["body"], headers: Record<string, string>): Promise<RequestBody> {
  if (body === undefined || body === null) return null;
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ReadableStream) return Readable.fromWeb(body as import("node:stream/web").ReadableStream);
  if (body instanceof FormData || body instanceof Blob || body instanceof URLSearchParams) {
    // Encoded as fetch encodes them (the multipart boundary, the Blob's type), and sent whole so
    // that the upload has a content-length, as fetch gives it.
    const encoded = new Response(body);
    const type = encoded.headers.get("content-type");
    if (type !== null) headers["content-type"] ??= type;
    return Buffer.from(await encoded.arrayBuffer());
  }
  if (typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === "function") return Readable.from(body as AsyncIterable<Uint8Array>);
  throw new TypeError(`fetch: unsupported request body (${Object.prototype.toString.call(body)})`);
}

/** The response body with its content-encodings undone (the last one applied first), as fetch hands it out. */
function decoded(body: Readable, encoding: string | null): Readable {
  if (encoding === null) return body;
  const decoders = encoding.split(",").map((name) => decoderFor(name.trim().toLowerCase())).reverse();
  // An encoding fetch cannot decode either is handed out as it came.
  if (decoders.length === 0 || decoders.some((decoder) => decoder === undefined)) return body;
  let stream = body;
  for (const decoder of decoders as Transform[]) {
    // A broken connection reaches the reader as an error of the decoded stream, as with fetch.
    stream.on("error", (error) => decoder.destroy(error));
    stream = stream.pipe(decoder);
  }
  return stream;
}

function decoderFor(encoding: string): Transform | undefined {
  if (encoding === "gzip" || encoding === "x-gzip") return createGunzip();
  if (encoding === "deflate") return createInflate();
  if (encoding === "br") return createBrotliDecompress();
  return undefined;
}
