import { createHash } from "node:crypto";
import type { Tool } from "./tool.js";

/**
 * Who a tool is across runs: its URL (without tracking parameters or a trailing slash) when it
 * has one, else its name lower-cased with punctuation and spacing folded.
 */
export function toolIdentity(tool: Tool): string {
  if (tool.url && /^https?:\/\//i.test(tool.url)) {
    try {
      const url = new URL(tool.url);
      for (const key of [...url.searchParams.keys()]) if (/^(utm_|ref$|source$)/i.test(key)) url.searchParams.delete(key);
      url.hash = "";
      return `url:${url.toString().replace(/\/$/, "").toLowerCase()}`;
    } catch {
      // Not a parseable URL: fall back to the name.
    }
  }
  return `name:${normalizeName(tool.name)}`;
}

/** What a tool says about itself, hashed: a changed description means a new review. */
export function toolContentHash(tool: Tool): string {
  const content = [tool.name, tool.tagline ?? "", tool.category ?? "", tool.pricing ?? "", tool.url ?? "", tool.description];
  return createHash("sha256").update(JSON.stringify(content)).digest("hex").slice(0, 32);
}

/** A file-name-safe slug: the name in kebab-case plus a short hash of the identity, so names that slug alike stay apart. */
export function toolSlug(tool: Tool, identity: string): string {
  const base = normalizeName(tool.name).replace(/ /g, "-").slice(0, 60).replace(/-+$/, "") || "tool";
  return `${base}-${createHash("sha256").update(identity).digest("hex").slice(0, 6)}`;
}

function normalizeName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}
