import { InputError } from "../errors/input-error.js";
import { toolFromPage } from "../sources/page-source.js";
import { findSource } from "../sources/sources.js";
import type { SourceContext } from "../sources/tool-source.js";
import type { Tool } from "../tools/tool.js";

/** Feeds larger than this are cut (and then refused as broken): it bounds memory. */
const MAX_FEED_BYTES = 20 * 1024 * 1024;

/** File endings of a URL that name a feed. */
const FEED_PATH = /\.(xml|rss|atom|feed)$|\.feed\.json$/i;

/** What reading one spec gave: tools (one for a source, several for a feed) and warnings. */
export interface SpecTools {
  tools: Tool[];
  warnings: string[];
}

/**
 * Reads a spec that names where a tool lives: `npm:`, `pypi:`, `hf:`, `github:`, a URL on one of
 * those services (their APIs), or any other http(s) URL, which is fetched once and read as a feed
 * when it is one (RSS, Atom, JSON Feed), else as a product page. A spec that cannot be read throws
 * an InputError naming it, so a run leaves that input out with one line.
 */
export async function readSourceSpec(spec: string, context: SourceContext): Promise<SpecTools> {
  // A URL that names a feed file is a feed wherever it lives (github.com/…/releases.atom too).
  const feedPath = /^https?:\/\//i.test(spec) && FEED_PATH.test(new URL(spec).pathname);
  const source = feedPath ? undefined : findSource(spec);
  if (source && source.id !== "page") return { tools: [await source.fetchTool(spec, context)], warnings: [] };
  if (!/^https?:\/\//i.test(spec)) throw new InputError({ file: spec }, "not a tool file, folder, feed or source (npm:, pypi:, hf:, github: or an http(s) URL)");
  const response = await context.http.get(spec, {
    accept: "text/html, application/xhtml+xml, application/atom+xml, application/rss+xml, application/feed+json;q=0.9, */*;q=0.5",
    // Feeds may be large; no launch feed is larger than this.
    ...(feedPath ? { maxBytes: MAX_FEED_BYTES } : {}),
  });
  if (response.status < 200 || response.status > 299) throw new InputError({ file: spec }, `the page answered ${response.status}`);
  if (FEED_PATH.test(new URL(response.url).pathname) || looksLikeFeed(response.headers["content-type"] ?? "", response.text)) {
    const { parseFeed } = await import("../feeds/parse-feed.js");
    const feed = parseFeed(spec, response.text);
    return { tools: feed.tools, warnings: feed.warnings };
  }
  const type = (response.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "" && !/html/.test(type)) throw new InputError({ file: spec }, `not an HTML page or a feed (${type})`);
  const fetchedAt = (context.now?.() ?? new Date()).toISOString();
  const page = toolFromPage(response.url, response.text, fetchedAt, context.maxDescriptionChars);
  if (page === undefined) throw new InputError({ file: spec }, "has no readable text");
  return { tools: [{ ...page, source: { file: spec } }], warnings: response.truncated ? [`${spec}: the page is larger than the size cap and was cut`] : [] };
}

/** Whether a response is a feed by its type or its first bytes. */
function looksLikeFeed(contentType: string, text: string): boolean {
  if (/(rss|atom|feed\+json|application\/xml|text\/xml)/i.test(contentType)) return true;
  const start = text.trimStart().slice(0, 200);
  return /^<\?xml[^>]*>\s*(<!--[\s\S]*?-->\s*)*<(rss|feed|rdf:RDF)\b/i.test(start) || /^<(rss|feed)\b/i.test(start) || /"version"\s*:\s*"https:\/\/jsonfeed\.org/i.test(text.slice(0, 500));
}
