import { readFile } from "node:fs/promises";
import { InputError } from "../errors/input-error.js";

/** Feeds larger than this are refused: no launch feed is, and it bounds memory. */
const MAX_FEED_BYTES = 20 * 1024 * 1024;

/** Whether an input names a URL rather than a file. */
export function isUrl(input: string): boolean {
  return /^https?:\/\//i.test(input);
}

/**
 * Reads a feed from a file or an http(s) URL as text, honouring the XML declaration's encoding
 * (old RSS feeds are often ISO-8859-1).
 */
export async function readFeedSource(input: string, timeoutMs = 30_000): Promise<string> {
  let bytes: Uint8Array;
  if (isUrl(input)) {
    let response: Response;
    try {
      response = await fetch(input, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/atom+xml, application/rss+xml, application/feed+json, application/xml, */*" } });
    } catch (error) {
      throw new InputError({ file: input }, `cannot fetch feed: ${(error as Error).message}`);
    }
    if (!response.ok) throw new InputError({ file: input }, `cannot fetch feed: HTTP ${response.status}`);
    bytes = new Uint8Array(await response.arrayBuffer());
  } else {
    try {
      bytes = await readFile(input);
    } catch (error) {
      throw new InputError({ file: input }, `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
  if (bytes.byteLength > MAX_FEED_BYTES) throw new InputError({ file: input }, `feed is larger than ${MAX_FEED_BYTES} bytes`);
  return decode(bytes);
}

function decode(bytes: Uint8Array): string {
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 200));
  const declared = /<\?xml[^>]*encoding=["']([\w.-]+)["']/i.exec(head)?.[1]?.toLowerCase();
  try {
    return new TextDecoder(declared ?? "utf-8").decode(bytes);
  } catch {
    return new TextDecoder("utf-8").decode(bytes);
  }
}
