import { assertPublicHost, type HostLookup } from "./address-guard.js";
import { decodeText } from "../tools/decode-text.js";
import { SourceFetchError } from "./source-fetch-error.js";
import type { HttpClient, HttpRequestOptions, HttpResponse } from "./tool-source.js";

/** A stored response, kept for revalidation: a 200 with an ETag and/or a Last-Modified. */
export interface CachedHttp {
  status: number;
  /** Response headers, names lower-cased. */
  headers: Record<string, string>;
  text: string;
  etag?: string;
  lastModified?: string;
  /** ISO time the copy was fetched, or last confirmed by a 304. */
  fetchedAt: string;
}

/** Where revalidated responses are kept, by the URL asked for (the store implements it). */
export interface HttpCache {
  get(url: string): CachedHttp | undefined;
  put(url: string, entry: CachedHttp): void;
}

/** Options of {@link createHttpClient}. */
export interface HttpClientOptions {
  /** The User-Agent header of every request, e.g. `panelist/0.4 (+https://…)`. */
  userAgent: string;
  /** `--allow-private-hosts`: loopback, private and carrier-grade NAT addresses may be fetched. */
  allowPrivateHosts: boolean;
  /**
   * Hosts fetched without the address guard, as {@link hostKey} spells them (`127.0.0.1:8080`,
   * `registry.internal:443`): exact host and port, the port always written out. For tests, and for
   * base URLs the user set.
   */
  allowHosts?: readonly string[];
  /** Where 200s with validators are kept and revalidated; none by default. */
  cache?: HttpCache;
  /** Milliseconds one hop may take to connect and send its response headers; default 10 000. */
  connectTimeoutMs?: number;
  /** Milliseconds a whole GET may take, redirects and body included; default 30 000. */
  totalTimeoutMs?: number;
  /** Default size cap of a body in bytes (a request's `maxBytes` overrides it); default 2 MB. */
  maxBytes?: number;
  /** The clock of a cache entry's `fetchedAt`. */
  now?: () => Date;
  /** The resolver the address guard uses; default `dns.promises.lookup`. */
  lookup?: HostLookup;
}

const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const DEFAULT_PORTS: Readonly<Record<string, string>> = { "http:": "80", "https:": "443" };

/** `host:port` of a URL with the port always written out: the spelling of `allowHosts`. */
export function hostKey(url: URL): string {
  return `${url.hostname.toLowerCase()}:${url.port || DEFAULT_PORTS[url.protocol] || ""}`;
}

/**
 * The {@link HttpClient} of the sources, over Node's fetch. Redirects are followed here, at most 5,
 * so that the address guard sees every hop; a `trusted` request skips the guard for its own origin
 * only, so a trusted registry cannot bounce the client to another private host. Credentials
 * (`headers`) are dropped when a redirect leaves the first origin, as fetch does.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  if (options.userAgent.trim() === "") throw new TypeError("Expected `userAgent` to be a non-empty string");
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const totalTimeoutMs = options.totalTimeoutMs ?? 30_000;
  const defaultMaxBytes = options.maxBytes ?? 2 * 1024 * 1024;
  for (const [name, value] of Object.entries({ connectTimeoutMs, totalTimeoutMs, maxBytes: defaultMaxBytes })) {
    if (!Number.isFinite(value) || value <= 0) throw new TypeError(`Expected \`${name}\` to be a positive number`);
  }
  const allowHosts = new Set((options.allowHosts ?? []).map((host) => host.toLowerCase()));
  const now = options.now ?? (() => new Date());

  return {
    async get(address: string, request: HttpRequestOptions = {}): Promise<HttpResponse> {
      const first = parseHttpUrl(address);
      const maxBytes = request.maxBytes ?? defaultMaxBytes;
      const cached = options.cache?.get(first.href);
      const revalidating = cached !== undefined && cached.status === 200 && (cached.etag !== undefined || cached.lastModified !== undefined);
      const total = new AbortController();
      const totalTimer = setTimeout(() => total.abort(), totalTimeoutMs);
      let url = first;
      // Once a redirect leaves the first origin, the request's own headers (a token) stay behind.
      let leftOrigin = false;
      try {
        for (let redirects = 0; ; redirects += 1) {
          const sameOrigin = url.origin === first.origin;
          leftOrigin ||= !sameOrigin;
          if (!(request.trusted === true && sameOrigin) && !allowHosts.has(hostKey(url))) {
            await assertPublicHost(url, { allowPrivate: options.allowPrivateHosts, ...(options.lookup ? { lookup: options.lookup } : {}) });
          }
          const headers: Record<string, string> = {
            "user-agent": options.userAgent,
            accept: request.accept ?? "*/*",
            ...(leftOrigin ? {} : lowerCased(request.headers ?? {})),
            ...(revalidating && cached.etag !== undefined ? { "if-none-match": cached.etag } : {}),
            ...(revalidating && cached.lastModified !== undefined ? { "if-modified-since": cached.lastModified } : {}),
          };
          const response = await fetchHeaders(url, headers, total.signal, connectTimeoutMs, totalTimeoutMs);
          const location = response.headers.get("location");
          if (REDIRECT_STATUSES.has(response.status) && location !== null) {
            await response.body?.cancel();
            if (redirects === MAX_REDIRECTS) throw new SourceFetchError(first.href, "too-many-redirects", `more than ${MAX_REDIRECTS} redirects`);
            url = parseHttpUrl(new URL(location, url).href);
            continue;
          }
          if (response.status === 304 && revalidating) {
            await response.body?.cancel();
            options.cache?.put(first.href, { ...cached, ...validators(response.headers, cached), fetchedAt: now().toISOString() });
            return { url: url.href, status: cached.status, headers: cached.headers, text: cached.text, truncated: false, fromCache: true };
          }
          const body = await readText(response, maxBytes, url, totalTimeoutMs);
          const responseHeaders = headerRecord(response.headers);
          const fresh = validators(response.headers);
          // A cut body is not kept: served again on a 304 it would claim to be whole.
          if (options.cache && response.status === 200 && !body.truncated && (fresh.etag !== undefined || fresh.lastModified !== undefined)) {
            options.cache.put(first.href, { status: 200, headers: responseHeaders, text: body.text, ...fresh, fetchedAt: now().toISOString() });
          }
          return { url: url.href, status: response.status, headers: responseHeaders, text: body.text, truncated: body.truncated, fromCache: false };
        }
      } finally {
        clearTimeout(totalTimer);
      }
    },
  };
}

function parseHttpUrl(address: string): URL {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new SourceFetchError(address, "not-http", "not a web address");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new SourceFetchError(url.href, "not-http", "only http and https addresses are fetched");
  return url;
}

/** One hop up to its response headers, within the connect timeout and what is left of the total. */
async function fetchHeaders(url: URL, headers: Record<string, string>, totalSignal: AbortSignal, connectTimeoutMs: number, totalTimeoutMs: number): Promise<Response> {
  const connect = new AbortController();
  const connectTimer = setTimeout(() => connect.abort(), connectTimeoutMs);
  try {
    return await fetch(url, { headers, redirect: "manual", signal: AbortSignal.any([totalSignal, connect.signal]) });
  } catch (error) {
    if (totalSignal.aborted) throw timeoutError(url, totalTimeoutMs, error);
    if (connect.signal.aborted) throw timeoutError(url, connectTimeoutMs, error);
    throw connectionError(url, error);
  } finally {
    clearTimeout(connectTimer);
  }
}

/**
 * The body as text, read as a stream and cut at `maxBytes`. Decoded as the response says (its
 * charset, else an XML declaration's encoding: old RSS feeds are often ISO-8859-1), else UTF-8;
 * bytes that claim UTF-8 and are not are read as Windows-1252 rather than turned into U+FFFD.
 */
async function readText(response: Response, maxBytes: number, url: URL, totalTimeoutMs: number): Promise<{ text: string; truncated: boolean }> {
  if (response.body === null) return { text: "", truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  const decoded = (truncated: boolean): { text: string; truncated: boolean } => {
    const whole = Buffer.concat(chunks);
    // A cut can split the last UTF-8 character: leave its first bytes out, so the rest still reads as UTF-8.
    const body = truncated ? whole.subarray(0, completeUtf8Length(whole)) : whole;
    const charset = /charset=["']?([\w.:-]+)/i.exec(response.headers.get("content-type") ?? "")?.[1]
      ?? /^\s*<\?xml[^>]*encoding=["']([\w.:-]+)["']/i.exec(body.subarray(0, 200).toString("latin1"))?.[1];
    return { text: decodeText(body, charset).text, truncated };
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return decoded(false);
      const room = maxBytes - bytes;
      if (value.byteLength > room) {
        chunks.push(value.subarray(0, room));
        await reader.cancel();
        return decoded(true);
      }
      bytes += value.byteLength;
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof SourceFetchError) throw error;
    if (isAbort(error)) throw timeoutError(url, totalTimeoutMs, error);
    throw connectionError(url, error);
  }
}

function timeoutError(url: URL, ms: number, cause: unknown): SourceFetchError {
  return new SourceFetchError(url.href, "timeout", `no answer within ${ms / 1000} s`, { cause });
}

/** Node's fetch fails with `TypeError: fetch failed` and the socket's error as its cause. */
function connectionError(url: URL, error: unknown): SourceFetchError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  const words: Record<string, string> = {
    ECONNREFUSED: "the connection was refused",
    ECONNRESET: "the connection was reset",
    ENOTFOUND: `no such host (${url.hostname})`,
    EAI_AGAIN: `cannot resolve ${url.hostname} (DNS did not answer)`,
    EHOSTUNREACH: "the host cannot be reached",
    ENETUNREACH: "the network cannot be reached",
  };
  const problem = (code !== undefined ? words[code] : undefined) ?? `cannot connect (${cause?.message ?? (error instanceof Error ? error.message : String(error))})`;
  return new SourceFetchError(url.href, "connection", problem, { cause: error });
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
}

function validators(headers: Headers, fallback?: CachedHttp): { etag?: string; lastModified?: string } {
  const etag = headers.get("etag") ?? fallback?.etag;
  const lastModified = headers.get("last-modified") ?? fallback?.lastModified;
  return { ...(etag == null ? {} : { etag }), ...(lastModified == null ? {} : { lastModified }) };
}

function headerRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => void (record[name] = value));
  return record;
}

function lowerCased(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/** The length of `bytes` without a UTF-8 sequence left incomplete at its end. */
function completeUtf8Length(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(4, bytes.length); back += 1) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: keep looking for its lead
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}
