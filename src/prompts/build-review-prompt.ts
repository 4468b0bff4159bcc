import type { Persona } from "../personas/persona.js";
import type { Tool } from "../tools/tool.js";
import type { PromptTemplates } from "./prompt-templates.js";
import { datamark, type SpotlightMode } from "./spotlight.js";

/** The three parts of a review prompt, in the order they are sent. */
export interface ReviewPrompt {
  /** Shared by every call of a run. */
  system: string;
  /** Shared by every persona call for one tool: the cacheable prefix. */
  dossier: string;
  /** The persona brief and the task. */
  instructions: string;
}

/**
 * A fake delimiter inside tool text could end the dossier early and let the rest pose as
 * instructions, so any `<tool_dossier` or `</tool_dossier` in it is defanged.
 */
function defangDelimiters(text: string): string {
  return text.replace(/<(\s*\/?\s*)tool_dossier/gi, "‹$1tool_dossier");
}

/** Renders the tool dossier: the same bytes for every persona, so providers can cache it. */
export function renderDossier(templates: PromptTemplates, tool: Tool, spotlight: SpotlightMode = "datamark"): string {
  const field = (value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    const safe = defangDelimiters(value);
    return spotlight === "datamark" ? datamark(safe) : safe;
  };
  return templates.render("dossier", {
    delimited: spotlight !== "off",
    name: field(tool.name),
    tagline: field(tool.tagline),
    category: field(tool.category),
    pricing: field(tool.pricing),
    url: field(tool.url),
    description: field(tool.description),
  });
}

/** Renders the persona part of a review prompt. */
export function renderInstructions(templates: PromptTemplates, persona: Persona): string {
  return templates.render("review", { persona });
}

/** Renders the whole prompt for one (tool, persona) review. */
export function buildReviewPrompt(templates: PromptTemplates, tool: Tool, persona: Persona, spotlight: SpotlightMode = "datamark"): ReviewPrompt {
  return {
    system: templates.render("system", { delimited: spotlight !== "off", datamarked: spotlight === "datamark" }),
    dossier: renderDossier(templates, tool, spotlight),
    instructions: renderInstructions(templates, persona),
  };
}
