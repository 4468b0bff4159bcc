import { stringify } from "yaml";
import type { Tool } from "./tool.js";

/**
 * A tool as a Markdown tool file an editor can correct: YAML front matter (name, tagline,
 * category, pricing, url, community, facts) and the description as the body. Reading it back with
 * loadToolFile gives the same tool. No YAML aliases are written (tool files refuse them).
 */
export function toolFileText(tool: Tool): string {
  const front = {
    name: tool.name,
    ...(tool.tagline === undefined ? {} : { tagline: tool.tagline }),
    ...(tool.category === undefined ? {} : { category: tool.category }),
    ...(tool.pricing === undefined ? {} : { pricing: tool.pricing }),
    ...(tool.url === undefined ? {} : { url: tool.url }),
    community: tool.community,
    ...(tool.facts && tool.facts.length > 0 ? { facts: tool.facts.map((fact) => ({ label: fact.label, value: fact.value, source: fact.source, fetchedAt: fact.fetchedAt })) } : {}),
  };
  const yaml = stringify(front, { aliasDuplicateObjects: false, lineWidth: 0 });
  return `---\n${yaml}---\n${tool.description.trim()}\n`;
}
