import type { Persona } from "../personas/persona.js";
import { renderDossier, renderInstructions, renderSystemPrompt } from "../prompts/build-review-prompt.js";
import type { PromptTemplates } from "../prompts/prompt-templates.js";
import type { SpotlightMode } from "../prompts/spotlight.js";
import { providerLabel, type Provider } from "../providers/provider.js";
import { reviewKey } from "../store/review-key.js";
import type { Tool } from "../tools/tool.js";
import type { ReviewJob } from "../pipeline/run-review-job.js";

/** A tool as a run knows it: the store's id and the record. */
export interface PlannedTool {
  toolId: number;
  tool: Tool;
}

/**
 * A planned job. A follower (every job of a tool after its lead call for the same model) waits
 * for its lead to end before it starts, so that the provider has the tool's dossier in its prompt
 * cache by then; the scheduler resolves {@link PlannedJob.ended} when a job's outcome is recorded.
 */
export interface PlannedJob extends ReviewJob {
  /** Set on a follower: resolves when its lead call has ended. */
  after?: Promise<void>;
  /** Set on a lead call: to be called once it has ended, however. */
  ended?: () => void;
}

/** What planning a run's jobs needs. */
export interface PlanInput {
  /** The tools in the order they are reviewed. */
  tools: readonly PlannedTool[];
  /** The whole panel, in order (its system prompt carries every persona). */
  personas: readonly Persona[];
  /** The models each persona reviews with. */
  panelFor(persona: Persona): readonly Provider[];
  templates: PromptTemplates;
  spotlight: SpotlightMode;
  /** Samples of each (tool, persona, model). */
  samples: number;
  /** The first sample number: compare --swap's second pass continues after the first's. Default 0. */
  firstSample?: number;
  /** Tools whose panels open together; see {@link leadWindow}. */
  window: number;
  /** Jobs already done (by {@link reviewKey}): left out, so a resumed run asks only for what is missing. */
  done?: ReadonlySet<string>;
}

/**
 * Every job of a run not yet done, generated as the scheduler asks for them: at 10,000 tools a
 * list of 40,000 jobs with their prompts is what would make memory grow with the batch. Within
 * each window of tools, every tool's first job per model (its lead call) comes first, then the
 * window's other jobs, tool by tool, each waiting for its lead (see {@link leadWindow}). The prompt's parts are rendered once:
 * the system prompt per run, the instructions per persona, the dossier per tool.
 */
export function* planJobs(input: PlanInput): Generator<PlannedJob> {
  const system = renderSystemPrompt(input.templates, input.personas, input.spotlight);
  const instructions = new Map(input.personas.map((persona) => [persona, renderInstructions(input.templates, persona)]));
  const first = input.firstSample ?? 0;
  const window = Math.max(1, input.window);
  for (let start = 0; start < input.tools.length; start += window) {
    const followers: PlannedJob[][] = [];
    for (const { toolId, tool } of input.tools.slice(start, start + window)) {
      let dossier: string | undefined;
      const leads = new Map<Provider, Deferred>();
      const rest: PlannedJob[] = [];
      for (const persona of input.personas) {
        for (const provider of input.panelFor(persona)) {
          for (let sample = first; sample < first + input.samples; sample += 1) {
            if (input.done?.has(reviewKey(toolId, persona.id, providerLabel(provider), sample))) continue;
            dossier ??= renderDossier(input.templates, tool, input.spotlight);
            const job: PlannedJob = { tool, toolId, persona, provider, sample, prompt: { system, dossier, instructions: instructions.get(persona)! } };
            const lead = leads.get(provider);
            // With a window of one, the jobs reach the provider in plan order anyway (it runs one
            // call at a time), and a follower waiting here would let the next tool's lead jump ahead.
            if (lead) rest.push(window > 1 ? { ...job, after: lead.ended } : job);
            else {
              const ended = deferred();
              leads.set(provider, ended);
              yield window > 1 ? { ...job, ended: ended.resolve } : job;
            }
          }
        }
      }
      followers.push(rest);
    }
    for (const rest of followers) yield* rest;
  }
}

/**
 * How many tools' panels are opened together. A provider's prompt cache holds a tool's dossier
 * only once the first call that sent it has been answered, so calls for the same tool that start
 * together all pay for it (Anthropic writes it once per call, at 1.25× input). So each window of
 * `concurrency` tools starts with one call per tool and model, and their other personas follow
 * as those answers come in; with that many tools in flight, no slot waits. A model that runs one
 * call at a time on this machine keeps the tool-by-tool order instead, which is what lets it
 * reuse the dossier it has just evaluated.
 */
export function leadWindow(concurrency: number, providers: readonly Pick<Provider, "maxConcurrency">[]): number {
  return providers.some((provider) => provider.maxConcurrency !== undefined) ? 1 : Math.max(1, concurrency);
}

interface Deferred {
  ended: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const ended = new Promise<void>((done) => (resolve = done));
  return { ended, resolve };
}
