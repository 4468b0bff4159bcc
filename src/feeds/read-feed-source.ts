import { readFile } from "node:fs/promises";
import { InputError } from "../errors/input-error.js";
import { decodeText, invalidUtf8Warning } from "../tools/decode-text.js";

/** Feeds larger than this are refused: no launch feed is, and it bounds memory. */
const MAX_FEED_BYTES = 20 * 1024 * 1024;

/** Whether an input names a URL rather than a file. */
export function isUrl(input: string): boolean {
  return /^https?:\/\//i.test(input);
}

/** The text of a feed, and what was odd about its bytes. */
export interface FeedSource {
  text: string;
  /** One line each, e.g. `feed.rss:3: not valid UTF-8 (byte 0xE9), read as Latin-1 (Windows-1252)`. */
  warnings: string[];
}

/**
 * Reads a feed from a file or an http(s) URL as text, honouring a byte order mark, then the XML
 * declaration's encoding (old RSS feeds are often ISO-8859-1), then the HTTP charset. Bytes that
 * claim to be UTF-8 and are not are read as Latin-1 (Windows-1252), with a warning.
 */
export async function readFeedSource(input: string, timeoutMs = 30_000): Promise<FeedSource> {
  let bytes: Uint8Array;
  let charset: string | undefined;
  if (isUrl(input)) {
    let response: Response;
    try {
      response = await fetch(input, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/atom+xml, application/rss+xml, application/feed+json, application/xml, */*" } });
    } catch (error) {
      throw new InputError({ file: input }, `cannot fetch feed: ${fetchFailure(error, timeoutMs)}`);
    }
    if (!response.ok) throw new InputError({ file: input }, `cannot fetch feed: HTTP ${response.status}`);
    charset = /charset=["']?([\w.:-]+)/i.exec(response.headers.get("content-type") ?? "")?.[1];
    bytes = new Uint8Array(await response.arrayBuffer());
  } else {
    try {
      bytes = await readFile(input);
    } catch (error) {
      throw new InputError({ file: input }, `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
  if (bytes.byteLength > MAX_FEED_BYTES) throw new InputError({ file: input }, `feed is larger than ${MAX_FEED_BYTES} bytes`);
  const head = new TextDecoder("windows-1252").decode(bytes.subarray(0, 200));
  const declared = /<\?xml[^>]*encoding=["']([\w.:-]+)["']/i.exec(head)?.[1];
  const decoded = decodeText(bytes, declared ?? charset);
  const warning = invalidUtf8Warning(input, decoded);
  return { text: decoded.text, warnings: warning === undefined ? [] : [warning] };
}

/** Why fetch failed, in words: undici says only "fetch failed" and keeps the reason in `cause`. */
function fetchFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return `no answer within ${timeoutMs / 1000} s`;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}

