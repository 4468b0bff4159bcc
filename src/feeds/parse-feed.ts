import { XMLParser } from "fast-xml-parser";
import { InputError } from "../errors/input-error.js";
import { cleanText } from "../tools/clean-text.js";
import type { Tool } from "../tools/tool.js";
import { htmlToText } from "./html-to-text.js";

/** Which kind of feed a text is. */
export type FeedKind = "rss" | "atom" | "json-feed";

/** Tools read from a feed, and the items that could not be used. */
export interface ParsedFeed {
  kind: FeedKind;
  /** The feed's own title. */
  title: string | undefined;
  tools: Tool[];
  /** One line per item left out, e.g. an item with neither title nor link. */
  warnings: string[];
}

type Node = Record<string, unknown>;

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  textNodeName: "#text",
  processEntities: true,
  htmlEntities: false,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ["item", "entry", "link", "category"].includes(name),
});

/**
 * Reads an RSS 2.0, Atom or JSON Feed document into tools: item title → name (a "Name - tagline"
 * title is split), summary or content → description with HTML stripped, link → url, categories →
 * category. `source` names the file or URL in errors.
 */
export function parseFeed(source: string, text: string): ParsedFeed {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{")) return parseJsonFeed(source, trimmed);
  // Entity declarations are how XML bombs work; no feed needs them.
  if (/<!DOCTYPE[^>]*\[/i.test(trimmed) || /<!ENTITY/i.test(trimmed)) {
    throw new InputError({ file: source }, "feed declares XML entities; refused");
  }
  let document: Node;
  try {
    document = xml.parse(trimmed, true) as Node;
  } catch (error) {
    const line = /line (\d+)/i.exec(String((error as Error).message))?.[1];
    throw new InputError({ file: source, ...(line ? { line: Number(line) } : {}) }, `invalid XML: ${firstLine((error as Error).message)}`);
  }
  const rss = document.rss as Node | undefined;
  if (rss && typeof rss === "object") return parseRss(source, (rss.channel as Node | undefined) ?? {});
  const atom = document.feed as Node | undefined;
  if (atom && typeof atom === "object") return parseAtom(source, atom);
  throw new InputError({ file: source }, "not a feed: expected RSS 2.0 (<rss>), Atom (<feed>) or JSON Feed");
}

function parseRss(source: string, channel: Node): ParsedFeed {
  const base = textOf(first(channel.link));
  const items = asArray(channel.item);
  return collect(source, "rss", textOf(channel.title), items, (item) => ({
    title: textOf(item.title),
    html: textOf(item["content:encoded"]) ?? textOf(item.description),
    link: resolveUrl(textOf(first(item.link)) ?? textOf(item.guid), base),
    categories: asArray(item.category).map(textOf),
  }));
}

function parseAtom(source: string, feed: Node): ParsedFeed {
  const base = atomLink(feed.link) ?? (feed["@xml:base"] as string | undefined);
  return collect(source, "atom", textOf(feed.title), asArray(feed.entry), (entry) => ({
    title: textOf(entry.title),
    html: textOf(entry.summary) ?? textOf(entry.content),
    link: resolveUrl(atomLink(entry.link), base),
    categories: asArray(entry.category).map((category) => (isNode(category) ? ((category["@label"] ?? category["@term"]) as string | undefined) : textOf(category))),
  }));
}

function parseJsonFeed(source: string, text: string): ParsedFeed {
  let document: Node;
  try {
    document = JSON.parse(text) as Node;
  } catch (error) {
    throw new InputError({ file: source }, `invalid JSON Feed: ${(error as Error).message}`);
  }
  if (!String(document.version ?? "").includes("jsonfeed.org")) throw new InputError({ file: source, field: "version" }, "not a JSON Feed (version should name jsonfeed.org)");
  return collect(source, "json-feed", typeof document.title === "string" ? document.title : undefined, asArray(document.items), (item) => ({
    title: typeof item.title === "string" ? item.title : undefined,
    html: [item.content_html, item.summary, item.content_text].find((value): value is string => typeof value === "string"),
    link: typeof item.url === "string" ? item.url : typeof item.external_url === "string" ? item.external_url : undefined,
    categories: asArray(item.tags).map((tag) => (typeof tag === "string" ? tag : undefined)),
  }));
}

interface FeedItem {
  title: string | undefined;
  html: string | undefined;
  link: string | undefined;
  categories: (string | undefined)[];
}

function collect(source: string, kind: FeedKind, title: string | undefined, items: Node[], read: (item: Node) => FeedItem): ParsedFeed {
  const tools: Tool[] = [];
  const warnings: string[] = [];
  items.forEach((raw, index) => {
    const item = read(raw);
    const heading = cleanText(item.title ?? "").replace(/\s+/g, " ").trim();
    if (heading === "" && !item.link) {
      warnings.push(`${source}: item ${index + 1}: no title and no link, skipped`);
      return;
    }
    const { name, tagline } = splitTitle(heading || item.link!);
    const text = cleanText(htmlToText(item.html ?? ""));
    const categories = item.categories.filter((category): category is string => Boolean(category?.trim()));
    tools.push({
      name,
      ...(tagline ? { tagline } : {}),
      ...(categories.length > 0 ? { category: categories.join(", ") } : {}),
      ...(item.link ? { url: item.link } : {}),
      community: null,
      // An item with no text still names something worth a look; its title is all we have.
      description: text || heading,
      source: { file: source, line: index + 1 },
    });
  });
  return { kind, title, tools, warnings };
}

/** Launch feeds title items "Name - tagline"; a short part before the dash is the name. */
function splitTitle(title: string): { name: string; tagline?: string } {
  const match = /^(.{1,40}?)\s+[-–—]\s+(.+)$/.exec(title);
  return match ? { name: match[1]!, tagline: match[2]! } : { name: title };
}

function atomLink(links: unknown): string | undefined {
  const all = asArray(links);
  const alternate = all.find((link) => isNode(link) && (link["@rel"] === undefined || link["@rel"] === "alternate")) ?? all[0];
  return isNode(alternate) ? (alternate["@href"] as string | undefined) : textOf(alternate);
}

function resolveUrl(link: string | undefined, base: string | undefined): string | undefined {
  if (!link) return undefined;
  try {
    return new URL(link, base).toString();
  } catch {
    return link;
  }
}

function textOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (isNode(value) && typeof value["#text"] === "string") return value["#text"];
  return undefined;
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

function asArray(value: unknown): Node[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as Node[];
}

function isNode(value: unknown): value is Node {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.trim();
}
