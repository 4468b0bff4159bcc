import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import { InputError } from "../errors/input-error.js";
import { cleanText } from "../tools/clean-text.js";
import type { Fact, Tool } from "../tools/tool.js";
import type { ToolSource } from "./tool-source.js";

/** Content types read as HTML. */
const HTML_TYPES = new Set(["text/html", "application/xhtml+xml"]);

/** A tagline is one line; a page's meta description can be any length. */
const MAX_TAGLINE_CHARS = 300;

/** A fact is a short value; meta content can be any length. */
const MAX_FACT_CHARS = 200;

/** Elements that end a paragraph of the readable text. */
const BLOCK_TAGS = new Set([
  "ADDRESS", "ARTICLE", "ASIDE", "BLOCKQUOTE", "DD", "DIV", "DL", "DT", "FIGCAPTION", "FIGURE", "FOOTER", "H1", "H2", "H3", "H4",
  "H5", "H6", "HEADER", "HR", "LI", "MAIN", "OL", "P", "PRE", "SECTION", "TABLE", "TD", "TH", "TR", "UL",
]);

/** Separators a `<title>` puts between the page's own name and the site's: `Pricing | Acme`. */
const TITLE_SEPARATORS = [" | ", " — ", " – ", " · "];

/**
 * Any web page, read the way a reader would: its product name, its meta description as the tagline,
 * and its main text (Readability's pick, without navigation, footers or scripts) as the description.
 * It matches every http(s) URL, so it is tried after the sources that read an API.
 */
export const pageSource: ToolSource = {
  id: "page",
  matches(spec) {
    return /^https?:\/\//i.test(spec) && URL.canParse(spec);
  },
  async fetchTool(spec, context) {
    const response = await context.http.get(spec, { accept: "text/html, application/xhtml+xml;q=0.9" });
    if (response.status < 200 || response.status > 299) throw new InputError({ file: spec }, `the page answered ${response.status}`);
    const type = (response.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (!HTML_TYPES.has(type)) throw new InputError({ file: spec }, `not an HTML page (${type || "no content type"})`);
    const fetchedAt = (context.now?.() ?? new Date()).toISOString();
    const page = toolFromPage(response.url, response.text, fetchedAt, context.maxDescriptionChars);
    if (page === undefined) throw new InputError({ file: spec }, "has no readable text");
    return { ...page, source: { file: spec } };
  },
};

/**
 * Reads a tool from a page's HTML (pure: no network), or undefined when the page has neither
 * readable text nor a description. `url` is the URL that answered; it becomes the tool's URL and
 * the source of its facts. The description is cut to `maxChars` characters.
 */
export function toolFromPage(url: string, html: string, fetchedAt: string, maxChars: number): Omit<Tool, "source"> | undefined {
  const { document } = parseHTML(cleanText(html));
  const meta = (key: string): string | undefined => {
    const content = document.querySelector(`meta[property="${key}"], meta[name="${key}"]`)?.getAttribute("content");
    const text = content?.replace(/\s+/g, " ").trim();
    return text ? text : undefined;
  };
  const title = document.querySelector("title")?.textContent?.replace(/\s+/g, " ").trim();
  const name = meta("og:site_name") ?? productName(meta("og:title")) ?? productName(title) ?? new URL(url).hostname;
  const summary = meta("description") ?? meta("og:description");
  const facts = pageFacts(meta("og:type"), meta("article:published_time"), url, fetchedAt);
  // Readability takes the document apart, so every meta tag is read before it runs.
  removePageChrome(document);
  const article = new Readability<Node>(document, { serializer: (node) => node }).parse();
  const readable = article?.content ? paragraphs(article.content).join("\n\n") : "";
  const description = readable || summary;
  if (description === undefined) return undefined;
  return {
    name: cut(name, MAX_TAGLINE_CHARS),
    ...(summary ? { tagline: cut(summary, MAX_TAGLINE_CHARS) } : {}),
    url,
    community: null,
    description: cut(description, maxChars),
    ...(facts.length > 0 ? { facts } : {}),
  };
}

/**
 * The product's part of a page title. Only a title with one clear separator is cut, keeping the
 * part before it (`Acme | Build faster` → `Acme`); a hyphen is left alone, since names hold them.
 */
function productName(title: string | undefined): string | undefined {
  if (!title) return undefined;
  for (const separator of TITLE_SEPARATORS) {
    const parts = title.split(separator);
    if (parts.length === 2 && parts[0]!.trim().length >= 2) return parts[0]!.trim();
  }
  return title;
}

/** What the page states about itself and can be cited for: its Open Graph type and publication date. */
function pageFacts(type: string | undefined, published: string | undefined, source: string, fetchedAt: string): Fact[] {
  const facts: Fact[] = [];
  if (type) facts.push({ label: "Page type", value: cut(type, MAX_FACT_CHARS), source, fetchedAt });
  if (published) {
    // A machine date reads better as a day; anything else is kept as the page wrote it.
    const time = Date.parse(published);
    const value = /^\d{4}-\d{2}-\d{2}/.test(published) && !Number.isNaN(time) ? new Date(time).toISOString().slice(0, 10) : cut(published, MAX_FACT_CHARS);
    facts.push({ label: "Published", value, source, fetchedAt });
  }
  return facts;
}

/**
 * Removes the site's navigation, banner and footer. Readability scores them low but falls back to
 * them on a page with no article, and a menu read as a description would be worse than none.
 * A header or footer inside the article or main content is the content's own and stays.
 */
function removePageChrome(document: Document): void {
  for (const element of Array.from(document.querySelectorAll('nav, [role="navigation"], [role="banner"], [role="contentinfo"], header, footer'))) {
    const tag = element.tagName.toUpperCase();
    if ((tag === "HEADER" || tag === "FOOTER") && element.parentElement?.closest("article, main")) continue;
    element.remove();
  }
}

/** The text of a DOM tree as paragraphs: one per block element, whitespace inside each collapsed. */
function paragraphs(root: Node): string[] {
  const chunks: string[] = [];
  let current = "";
  const flush = (): void => {
    const text = current.replace(/\s+/g, " ").trim();
    if (text) chunks.push(text);
    current = "";
  };
  const walk = (node: Node): void => {
    if (node.nodeType === 3) current += node.nodeValue ?? "";
    else if (node.nodeType === 1) {
      const tag = (node as Element).tagName.toUpperCase();
      if (tag === "SCRIPT" || tag === "STYLE" || tag === "NOSCRIPT" || tag === "TEMPLATE") return;
      if (tag === "BR") current += " ";
      const block = BLOCK_TAGS.has(tag);
      if (block) flush();
      for (const child of Array.from(node.childNodes)) walk(child);
      if (block) flush();
    }
  };
  walk(root);
  flush();
  return chunks;
}

/** Text cut to at most `max` characters, at a word break where one is near, with an ellipsis. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, Math.max(0, max - 1));
  const space = head.search(/\s\S*$/);
  return `${(space > max * 0.8 ? head.slice(0, space) : head).trimEnd()}…`;
}
