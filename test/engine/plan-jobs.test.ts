import { beforeAll, describe, expect, test } from "vitest";
import { leadWindow, planJobs, type PlanInput } from "../../src/engine/plan-jobs.js";
import { loadPersonas } from "../../src/personas/load-personas.js";
import type { Persona } from "../../src/personas/persona.js";
import { buildReviewPrompt } from "../../src/prompts/build-review-prompt.js";
import { loadPromptTemplates, type PromptTemplates } from "../../src/prompts/prompt-templates.js";
import type { Provider } from "../../src/providers/provider.js";
import { reviewKey } from "../../src/store/review-key.js";
import type { Tool } from "../../src/tools/tool.js";

let personas: Persona[];
let templates: PromptTemplates;
beforeAll(async () => {
  personas = await loadPersonas();
  templates = await loadPromptTemplates();
});

const provider = (model: string, maxConcurrency?: number): Provider => ({
  id: "openai",
  model,
  ...(maxConcurrency === undefined ? {} : { maxConcurrency }),
  generate: async () => {
    throw new Error("a plan calls nothing");
  },
});
const tool = (name: string): Tool => ({ name, description: `${name} does things.`, community: null, source: { file: `${name}.md` } });
const tools = ["A", "B", "C"].map((name, index) => ({ toolId: index + 1, tool: tool(name) }));
const order = (jobs: Iterable<{ tool: Tool; persona: Persona; provider: Provider; sample: number }>): string[] =>
  [...jobs].map((job) => `${job.tool.name}/${job.persona.id.slice(0, 3)}/${job.provider.model}${job.sample > 0 ? `#${job.sample}` : ""}`);

function input(overrides: Partial<PlanInput>): PlanInput {
  const m = provider("m");
  return { tools, personas: personas.slice(0, 2), panelFor: () => [m], templates, spotlight: "datamark", samples: 1, window: 2, ...overrides };
}

describe("the planner every command runs on", () => {
  test("each window of tools opens with one call per tool and model, then the rest tool by tool", () => {
    expect(order(planJobs(input({ window: 2 })))).toEqual(["A/dev/m", "B/dev/m", "A/ske/m", "B/ske/m", "C/dev/m", "C/ske/m"]);
    // A window of one is the plain tool-by-tool order.
    expect(order(planJobs(input({ window: 1 })))).toEqual(["A/dev/m", "A/ske/m", "B/dev/m", "B/ske/m", "C/dev/m", "C/ske/m"]);
  });

  test("a jury leads with one call per model; samples follow their lead; jobs already done are left out", () => {
    const [m1, m2] = [provider("m1"), provider("m2")];
    const done = new Set([reviewKey(1, personas[0]!.id, "openai:m1", 0), reviewKey(2, personas[0]!.id, "openai:m1", 1)]);
    const jobs = order(planJobs(input({ tools: tools.slice(0, 2), panelFor: () => [m1, m2], samples: 2, window: 8, done })));
    expect(jobs).toEqual([
      "A/dev/m1#1", "A/dev/m2", "B/dev/m1", "B/dev/m2",
      "A/dev/m2#1", "A/ske/m1", "A/ske/m1#1", "A/ske/m2", "A/ske/m2#1",
      "B/dev/m2#1", "B/ske/m1", "B/ske/m1#1", "B/ske/m2", "B/ske/m2#1",
    ]);
  });

  test("a persona assigned its own models reviews with those; the swapped pass continues the sample numbers", () => {
    const [m, judge] = [provider("m"), provider("judge")];
    const panelFor = (persona: Persona) => (persona.id === "skeptic" ? [judge] : [m]);
    const swapped = order(planJobs(input({ tools: [...tools.slice(0, 2)].reverse(), panelFor, firstSample: 1, window: 1 })));
    expect(swapped).toEqual(["B/dev/m#1", "B/ske/judge#1", "A/dev/m#1", "A/ske/judge#1"]);
  });

  test("each job carries the same prompt bytes buildReviewPrompt gives", () => {
    const panel = personas.slice(0, 2);
    for (const job of planJobs(input({}))) {
      expect(job.prompt).toEqual(buildReviewPrompt(templates, job.tool, job.persona, panel, "datamark"));
    }
  });

  test("the window is the concurrency, or one when a model runs one call at a time on this machine", () => {
    expect(leadWindow(16, [{}, {}])).toBe(16);
    expect(leadWindow(16, [{}, { maxConcurrency: 1 }])).toBe(1);
    expect(leadWindow(0, [{}])).toBe(1);
  });
});
