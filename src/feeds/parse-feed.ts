import { decodeHTMLAttribute, decodeHTMLStrict } from "entities";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { InputError, type InputLocation } from "../errors/input-error.js";
import { cleanText } from "../tools/clean-text.js";
import { jsonProblem } from "../tools/json-problem.js";
import type { Tool } from "../tools/tool.js";
import { htmlToText } from "./html-to-text.js";
import { describeXmlParserFailure, describeXmlProblem, findRootElement, lineAt } from "./xml-problem.js";

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

/** What a document that is no feed at all is called. */
const NOT_A_FEED = "not an RSS, Atom or JSON Feed document";

/**
 * Reads an RSS 2.0, Atom or JSON Feed document into tools: item title → name (a "Name - tagline"
 * title is split), summary or content → description with HTML stripped, link → url, categories →
 * category. Character references (`&#8220;`, `&eacute;`) are decoded in every field, also where a
 * feed escaped them twice. `source` names the file or URL in errors.
 *
 * A document that cannot be read throws one {@link InputError} in plain words; a feed with no
 * items is not an error (a quiet day on a launch feed is normal) but a warning and no tools.
 */
export function parseFeed(source: string, text: string): ParsedFeed {
  const withoutBom = text.replace(/^\uFEFF/, "");
  const trimmed = withoutBom.trimStart();
  if (trimmed.trimEnd() === "") throw new InputError({ file: source }, "the feed is empty");
  // Lines are counted in `trimmed` (an XML declaration must come first); blank lines before it still count.
  const skipped = lineAt(withoutBom, withoutBom.length - trimmed.length) - 1;
  const at = (line: number | undefined) => (line === undefined ? { file: source } : { file: source, line: line + skipped });
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) return parseJsonFeed(source, trimmed, at);
  // Entity declarations are how XML bombs work; no feed needs them.
  if (/<!DOCTYPE[^>]*\[/i.test(trimmed) || /<!ENTITY/i.test(trimmed)) {
    throw new InputError({ file: source }, "feed declares XML entities; refused");
  }
  const root = findRootElement(trimmed);
  if (root.name?.toLowerCase() === "html") throw new InputError(at(root.line), `${NOT_A_FEED} (it is an HTML page)`);
  if (root.name === "rdf:RDF") throw new InputError(at(root.line), "RSS 1.0 (RDF) feeds are not supported: use the site's RSS 2.0, Atom or JSON Feed");
  if (root.name !== "rss" && root.name !== "feed") {
    throw new InputError(at(root.line), root.name === undefined ? NOT_A_FEED : `${NOT_A_FEED} (its top element is <${root.name}>)`);
  }
  const invalid = XMLValidator.validate(trimmed);
  if (invalid !== true) {
    const problem = describeXmlProblem(trimmed, invalid.err);
    throw new InputError(at(problem.line), problem.message);
  }
  let document: Node;
  try {
    document = xml.parse(trimmed) as Node;
  } catch (error) {
    throw new InputError({ file: source }, describeXmlParserFailure(error));
  }
  const top = document[root.name];
  if (root.name === "rss") {
    const channel = first(isNode(top) ? top.channel : undefined);
    if (channel === undefined) throw new InputError(at(root.line), "the <rss> element has no <channel>");
    return parseRss(source, isNode(channel) ? channel : {});
  }
  return parseAtom(source, isNode(top) ? top : {});
}

function parseRss(source: string, channel: Node): ParsedFeed {
  const base = url(textOf(first(channel.link)));
  const items = asArray(channel.item);
  return collect(source, "rss", plain(textOf(channel.title)), items, (item) => ({
    title: plain(textOf(item.title)),
    html: textOf(item["content:encoded"]) ?? textOf(item.description),
    link: resolveUrl(url(textOf(first(item.link)) ?? textOf(item.guid)), base),
    categories: asArray(item.category).map((category) => plain(textOf(category))),
  }));
}

function parseAtom(source: string, feed: Node): ParsedFeed {
  const base = url(atomLink(feed.link) ?? textOf(feed["@xml:base"]));
  return collect(source, "atom", atomText(feed.title), asArray(feed.entry), (entry) => ({
    title: atomText(entry.title),
    html: textOf(entry.summary) ?? textOf(entry.content),
    link: resolveUrl(url(atomLink(entry.link)), base),
    categories: asArray(entry.category).map((category) => plain(isNode(category) ? textOf(category["@label"] ?? category["@term"]) : textOf(category))),
  }));
}

function parseJsonFeed(source: string, text: string, at: (line: number | undefined) => InputLocation): ParsedFeed {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const problem = jsonProblem(text, error);
    throw new InputError(at(problem.line), `invalid JSON: ${problem.message}`);
  }
  if (!isNode(document) || typeof document.version !== "string" || !document.version.includes("jsonfeed.org")) {
    throw new InputError(at(1), `${NOT_A_FEED} (JSON without "version": "https://jsonfeed.org/version/1.1")`);
  }
  if (document.items !== undefined && !Array.isArray(document.items)) throw new InputError({ file: source, field: "items" }, "expected a list of items");
  const string = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
  return collect(source, "json-feed", plain(string(document.title)), asArray(document.items), (item) => ({
    title: plain(string(item.title)),
    html: [item.content_html, item.summary, item.content_text].find((value): value is string => typeof value === "string"),
    link: url(string(item.url) ?? string(item.external_url)),
    categories: asArray(item.tags).map((tag) => plain(string(tag))),
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
  if (items.length === 0) warnings.push(`${source}: the feed has no items`);
  items.forEach((raw, index) => {
    if (!isNode(raw)) {
      warnings.push(`${source}: item ${index + 1}: empty or not an item, skipped`);
      return;
    }
    const item = read(raw);
    const heading = cleanText(item.title ?? "").replace(/\s+/g, " ").trim();
    if (heading === "" && !item.link) {
      warnings.push(`${source}: item ${index + 1}: no title and no link, skipped`);
      return;
    }
    const { name, tagline } = splitTitle(heading || item.link!);
    // A reference still there after the HTML is read was escaped once too often by the feed.
    const text = cleanText(decodeHTMLStrict(htmlToText(item.html ?? "")));
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

/** A plain-text field: character references decoded, as many feeds escape titles twice. */
function plain(value: string | undefined): string | undefined {
  return value === undefined ? undefined : decodeHTMLStrict(value);
}

/** A URL: decoded as an HTML attribute is, so `?a=1&copy=2` keeps its `&copy`. */
function url(value: string | undefined): string | undefined {
  return value === undefined ? undefined : decodeHTMLAttribute(value.trim());
}

/** An Atom text construct: `type="html"` titles hold markup, the others plain text. */
function atomText(value: unknown): string | undefined {
  const text = textOf(value);
  if (text === undefined) return undefined;
  return isNode(value) && (value["@type"] === "html" || value["@type"] === "xhtml") ? htmlToText(text) : plain(text);
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

