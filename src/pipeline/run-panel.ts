import pLimit from "p-limit";
import type { Persona } from "../personas/persona.js";
import { buildReviewPrompt } from "../prompts/build-review-prompt.js";
import type { Provider } from "../providers/provider.js";
import type { Review, ReviewFailure } from "../report/report-schema.js";
import type { Tool } from "../tools/tool.js";
import { runReviewJob, type JobContext, type ReviewJob, type ReviewOutcome } from "./run-review-job.js";

/** What a panel run needs. */
export interface PanelRunOptions extends JobContext {
  tools: readonly Tool[];
  personas: readonly Persona[];
  providers: readonly Provider[];
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

/** Every (tool × persona × model) job, tool by tool, then persona, then model. */
export function planJobs(options: Pick<PanelRunOptions, "tools" | "personas" | "providers" | "templates">): ReviewJob[] {
  return options.tools.flatMap((tool) =>
    options.personas.flatMap((persona) =>
      options.providers.map((provider): ReviewJob => ({ tool, persona, provider, prompt: buildReviewPrompt(options.templates, tool, persona) })),
    ),
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
  // Jobs were laid out tool by tool, so each tool's outcomes are one contiguous run, already in
  // persona-then-model order whatever order the calls finished in.
  const perTool = options.personas.length * options.providers.length;
  return options.tools.map((tool, index) => {
    const slice = outcomes.slice(index * perTool, (index + 1) * perTool);
    return {
      tool,
      reviews: slice.flatMap((outcome) => (outcome.ok ? [outcome.review] : [])),
      failures: slice.flatMap((outcome) => (outcome.ok ? [] : [outcome.failure])),
    };
  });
}
