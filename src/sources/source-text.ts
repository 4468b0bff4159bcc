import { cleanText } from "../tools/clean-text.js";

/**
 * A description as a reviewer should read it: hidden characters removed, line endings
 * normalised, trimmed, and cut to `maxChars` (at a line or word break when one is near, never
 * inside a surrogate pair).
 * @internal
 */
export function cutDescription(text: string, maxChars: number): string {
  const clean = cleanText(text).trim();
  if (clean.length <= maxChars) return clean;
  let cut = clean.slice(0, maxChars);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const lastBreak = Math.max(cut.lastIndexOf("\n"), cut.lastIndexOf(" "));
  // A break in the last fifth keeps the text whole-worded; further back it would drop too much.
  if (lastBreak > maxChars * 0.8) cut = cut.slice(0, lastBreak);
  return cut.trimEnd();
}

/** A Markdown file without its YAML front matter (a model card's metadata block). @internal */
export function stripFrontMatter(text: string): string {
  return text.replace(/^\uFEFF?---[ \t]*\r?\n[\s\S]*?\r?\n---[ \t]*(?:\r?\n|$)/, "");
}

/** The calendar day (UTC) of an ISO time, or undefined when it is not one: "2026-04-10". @internal */
export function dayOf(time: string | null | undefined): string | undefined {
  if (!time) return undefined;
  const parsed = Date.parse(time);
  return Number.isFinite(parsed) ? new Date(parsed).toISOString().slice(0, 10) : undefined;
}

/** A one-line text, or undefined when it is empty once cleaned. @internal */
export function oneLine(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const line = cleanText(text).replace(/\s+/g, " ").trim();
  return line === "" ? undefined : line;
}
