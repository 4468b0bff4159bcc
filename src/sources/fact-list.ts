import type { Fact } from "../tools/tool.js";
import type { SourceContext } from "./tool-source.js";

/** Collects a tool's facts, each stamped with the URL it was read from and the time of the fetch. @internal */
export class FactList {
  readonly facts: Fact[] = [];
  private readonly fetchedAt: string;

  constructor(context: SourceContext) {
    this.fetchedAt = (context.now?.() ?? new Date()).toISOString();
  }

  /** Adds a fact; an empty or missing value is left out rather than written as a blank. */
  add(label: string, value: string | undefined, source: string): void {
    const trimmed = value?.trim();
    if (trimmed) this.facts.push({ label, value: trimmed, source, fetchedAt: this.fetchedAt });
  }
}
