import pLimit from "p-limit";
import type { Persona } from "../personas/persona.js";
import { buildReviewPrompt } from "../prompts/build-review-prompt.js";
import type { Provider } from "../providers/provider.js";
import type { PromptTemplates } from "../prompts/prompt-templates.js";
import type { SpotlightMode } from "../prompts/spotlight.js";
import type { Review, ReviewFailure } from "../report/report-schema.js";
import type { Tool } from "../tools/tool.js";
import { runReviewJob, type JobContext, type ReviewJob, type ReviewOutcome } from "./run-review-job.js";

/** What a panel run needs. */
export interface PanelRunOptions extends JobContext, PlanOptions {
  /** How many calls may be in flight at once. */
  concurrency: number;
  /** Called as each review finishes, in completion order. */
  onOutcome?: (job: ReviewJob, outcome: ReviewOutcome) => void;
}

/** The reviews and failures of one tool, in persona order then model order. */
export interface ToolResult {
  tool: Tool;
  reviews: Review[];
  failures: ReviewFailure[];
}

/** What planning a run's jobs needs. */
export interface PlanOptions {
  tools: readonly Tool[];
  personas: readonly Persona[];
  templates: PromptTemplates;
  /** The models each persona reviews with. */
  panelFor(persona: Persona): readonly Provider[];
  /** Repeats of each (tool, persona, model). Default 1. */
  samples?: number;
  spotlight?: SpotlightMode;
}

/** Every (tool × persona × model × sample) job, tool by tool, then persona, model and sample. */
export function planJobs(options: PlanOptions): ReviewJob[] {
  const samples = options.samples ?? 1;
  return options.tools.flatMap((tool) =>
    options.personas.flatMap((persona) => {
      // One prompt per (tool, persona): every model and sample gets the same bytes.
      const prompt = buildReviewPrompt(options.templates, tool, persona, options.personas, options.spotlight);
      return options.panelFor(persona).flatMap((provider) =>
        Array.from({ length: samples }, (_, sample): ReviewJob => ({ tool, persona, provider, prompt, ...(samples > 1 ? { sample } : {}) })),
      );
    }),
  );
}

/**
 * Runs every (tool × persona × model) review concurrently, at most `concurrency` at a time. A
 * failed review is recorded, never thrown, so one bad answer costs one review and not the run.
 */
export async function runPanel(options: PanelRunOptions): Promise<ToolResult[]> {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new TypeError(`Expected \`concurrency\` to be a whole number from 1 and up, got ${options.concurrency}`);
  }
  const limit = pLimit(options.concurrency);
  const jobs = planJobs(options);
  const outcomes = await Promise.all(
    jobs.map((job) =>
      limit(async () => {
        const outcome = await runReviewJob(job, options);
        options.onOutcome?.(job, outcome);
        return outcome;
      }),
    ),
  );
  // Outcomes are in job order (tool, persona, model, sample) whatever order the calls finished in.
  return options.tools.map((tool) => {
    const slice = outcomes.filter((_, index) => jobs[index]!.tool === tool);
    return {
      tool,
      reviews: slice.flatMap((outcome) => (outcome.ok ? [outcome.review] : [])),
      failures: slice.flatMap((outcome) => (outcome.ok ? [] : [outcome.failure])),
    };
  });
}
