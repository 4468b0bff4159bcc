import type { Persona } from "../personas/persona.js";
import type { Fact, Tool } from "../tools/tool.js";
import type { PromptTemplates } from "./prompt-templates.js";
import { datamark, type SpotlightMode } from "./spotlight.js";

/**
 * The three parts of a review prompt, in the order they are sent. The parts are ordered from the
 * most shared to the least, so that providers can cache each prefix: the system prompt carries the
 * whole panel and is the same for every call of a run, the dossier is the same for every persona
 * call for one tool, and only the short tail differs per call.
 */
export interface ReviewPrompt {
  /** Shared by every call of a run: the rules, every persona's lens and brief, and the answer format. */
  system: string;
  /** Shared by every persona call for one tool. */
  dossier: string;
  /** Which reviewer speaks now, and the task: a few lines. */
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
    // One line per fact: a line break in a value could otherwise pose as a fact of its own.
    facts: tool.facts && tool.facts.length > 0
      ? tool.facts.map((fact) => ({ label: field(oneLine(fact.label)), value: field(oneLine(fact.value)), host: field(sourceHost(fact)), fetched: field(oneLine(fetchDay(fact))) }))
      : undefined,
    description: field(tool.description),
  });
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Where a fact was read, as a reviewer can weigh it: the host of its source (`api.github.com`). */
function sourceHost(fact: Fact): string {
  return URL.canParse(fact.source) && /^https?:/i.test(fact.source) ? new URL(fact.source).host : oneLine(fact.source);
}

/** The day a fact was fetched (`2026-12-02`), or its time as written when that is no ISO date. */
function fetchDay(fact: Fact): string {
  return /^\d{4}-\d{2}-\d{2}/.test(fact.fetchedAt) ? fact.fetchedAt.slice(0, 10) : fact.fetchedAt;
}

/**
 * Rendered system prompts by template set, panel and spotlight mode: a run renders its system prompt
 * once, and every call then sends the very same string.
 */
const systemPrompts = new WeakMap<PromptTemplates, WeakMap<readonly Persona[], Map<SpotlightMode, string>>>();

/**
 * Renders the system prompt of a run: the rules, the whole panel (each persona's id, name, lens and
 * brief, in panel order) and the answer format. It holds no tool text, so it is the same for every
 * call of a run, whatever the tool, persona or model.
 */
export function renderSystemPrompt(templates: PromptTemplates, panel: readonly Persona[], spotlight: SpotlightMode = "datamark"): string {
  const byPanel = systemPrompts.get(templates) ?? new WeakMap<readonly Persona[], Map<SpotlightMode, string>>();
  systemPrompts.set(templates, byPanel);
  const byMode = byPanel.get(panel) ?? new Map<SpotlightMode, string>();
  byPanel.set(panel, byMode);
  let system = byMode.get(spotlight);
  if (system === undefined) {
    system = templates.render("system", {
      panel: panel.map(({ id, name, lens, brief }) => ({ id, name, lens, brief: brief.trim() })),
      delimited: spotlight !== "off",
      datamarked: spotlight === "datamark",
    });
    byMode.set(spotlight, system);
  }
  return system;
}

/** Renders the per-call tail of a review prompt: which reviewer of the panel speaks now, and the task. */
export function renderInstructions(templates: PromptTemplates, persona: Persona): string {
  return templates.render("review", { persona: { id: persona.id, name: persona.name, lens: persona.lens } });
}

/**
 * Renders the whole prompt for one (tool, persona) review. `panel` is the run's whole panel, the
 * same array for every call of the run; `persona` must be one of it.
 */
export function buildReviewPrompt(templates: PromptTemplates, tool: Tool, persona: Persona, panel: readonly Persona[], spotlight: SpotlightMode = "datamark"): ReviewPrompt {
  if (!panel.some((member) => member.id === persona.id)) {
    throw new TypeError(`Expected persona "${persona.id}" to be on the panel (${panel.map((member) => member.id).join(", ")})`);
  }
  return {
    system: renderSystemPrompt(templates, panel, spotlight),
    dossier: renderDossier(templates, tool, spotlight),
    instructions: renderInstructions(templates, persona),
  };
}
