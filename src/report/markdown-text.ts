import { MISSING } from "./format-values.js";

/**
 * Characters that make structure wherever they stand: emphasis, code, links and images, raw HTML
 * and autolinks, GFM tables and strikethrough, and `$` (math on GitHub). CommonMark lets any ASCII
 * punctuation be escaped with a backslash, and such an escape always shows the character itself.
 */
const ANYWHERE = /[\\`*_[\]<>|~$]/g;

/**
 * Escapes text from tool files and models so Markdown shows it as written: no emphasis, links,
 * tables, raw HTML or headings (a tool named `<img onerror=…>` must not become a tag wherever the
 * Markdown is published). For text inside one line; see {@link escapeMarkdownBlock} for text that
 * keeps its lines.
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(ANYWHERE, "\\$&")
      // `&copy;` would show as ©; a bare `&` stays as it is.
      .replace(/&(?=#?[a-z0-9]+;)/gi, "\\&")
      // `#` opens a heading at a line's start and closes one after a space.
      .replace(/(^|\s)#/g, "$1\\#")
  );
}

/** Text for one line (a table cell, a heading, a list item): line breaks become spaces. */
export function markdownInline(text: string | null | undefined): string {
  if (text === null || text === undefined || text.trim() === "") return MISSING;
  return escapeMarkdown(text.replace(/\s+/g, " ").trim());
}

/**
 * Multi-paragraph text as Markdown paragraphs: blank lines separate paragraphs, single line breaks
 * stay soft. Besides the inline escapes, no line may start a block: leading spaces (indented
 * code) go, and a list marker (`-`, `+`, `1.`, `1)`), a setext underline (`===`, `---`) or a
 * thematic break loses its meaning. Trailing spaces go too (two would be a hard break).
 */
export function escapeMarkdownBlock(text: string): string {
  return text
    .split(/\r?\n|\r/)
    .map((line) => lineStart(escapeMarkdown(line.trim())))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function lineStart(line: string): string {
  return line.replace(/^([-+=])/, "\\$1").replace(/^(\d{1,9})([.)])(?=\s|$)/, "$1\\$2");
}

/**
 * A web URL as a Markdown autolink, so it shows as written and only http(s) links are made. Spaces,
 * control characters and angle brackets are percent-encoded: an autolink cannot hold them.
 */
export function markdownUrl(url: string): string {
  return `<${url.replace(/[\u0000-\u0020<>\u007f]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`)}>`;
}
