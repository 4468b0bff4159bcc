import type { Fact } from "../tools/tool.js";

/** A fact as a page shows it: its source is linked only when it is a web URL. */
export interface FactView {
  label: string;
  value: string;
  /** The source URL when it is http(s); a `javascript:` or `data:` source is never linked. */
  href: string | undefined;
}

/** The URL when it is an http(s) link, else undefined. */
export function webLink(url: string | null | undefined): string | undefined {
  return url && /^https?:\/\//i.test(url) ? url : undefined;
}

/** Facts for a page, in the order they were read. */
export function factViews(facts: readonly Fact[]): FactView[] {
  return facts.map((fact) => ({ label: fact.label, value: fact.value, href: webLink(fact.source) }));
}

/**
 * When the facts were fetched, said once: the day (`2026-12-02`), or the first and last day
 * (`2026-12-01 to 2026-12-02`) when they were read on different days.
 */
export function factsFetchedOn(facts: readonly Fact[]): string {
  const days = [...new Set(facts.map((fact) => (/^\d{4}-\d{2}-\d{2}/.test(fact.fetchedAt) ? fact.fetchedAt.slice(0, 10) : fact.fetchedAt.trim())))].sort();
  return days.length > 1 ? `${days[0]} to ${days[days.length - 1]}` : (days[0] ?? "");
}
