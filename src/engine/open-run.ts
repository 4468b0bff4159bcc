import { createHash } from "node:crypto";
import type { RunConfig } from "../config/run-config.js";
import { ConfigError } from "../errors/config-error.js";
import { loadInputs } from "../inputs/load-inputs.js";
import { toolContentHash, toolIdentity } from "../tools/tool-identity.js";
import { personaHash, promptSetHash, type RunParts } from "../pipeline/run-parts.js";
import { providerLabel } from "../providers/provider.js";
import type { SkippedTool } from "../report/report-schema.js";
import type { Tool } from "../tools/tool.js";
import type { SourceContext } from "../sources/tool-source.js";
import type { ReviewStore, RunPlan, RunRecord, StoredTool } from "../store/review-store.js";

/** The commands that run reviews; each stores its runs the same way. */
export type RunCommand = "review" | "compare" | "batch";

/** What opening a run needs. */
export interface OpenRunInput {
  command: RunCommand;
  /** Tool files, folders, feed files or feed URLs. */
  inputs: readonly string[];
  config: RunConfig;
  store: ReviewStore;
  parts: RunParts;
  /** Leave out tools already reviewed, unchanged, by the same panel (same persona files, prompts, models). */
  sinceLast?: boolean;
  /** Resume this run id. */
  resume?: string;
  /** Start a new run even when an unfinished run of the same job exists. */
  newRun?: boolean;
  onWarning?: (line: string) => void;
  /** Reading tools from where they live; see loadInputs. */
  sources?: SourceContext;
  enrich?: boolean;
}

/** The run a command works on, and what was left out before it started. */
export interface OpenedRun {
  run: RunRecord;
  /** The run's tools in order (for a resumed run, the tools it started with). */
  tools: StoredTool[];
  /** True when an unfinished run is being finished. */
  resumed: boolean;
  skippedBadInput: SkippedTool[];
  skippedSinceLast: number;
}

/** What a run plans, from its parts and configuration. */
export function runPlan(command: RunCommand, config: RunConfig, parts: RunParts): RunPlan {
  return {
    panel: Object.fromEntries(parts.personas.map((persona) => [persona.id, parts.panelFor(persona).map(providerLabel)])),
    samples: config.samples,
    swap: command === "compare" && config.swap,
    compare: command === "compare",
    promptHash: promptSetHash(parts.templates.hashes, config.spotlight),
  };
}

/**
 * Resumes the run named by `resume`, or the unfinished run of the same job (same command, inputs,
 * panel, personas, prompts and samples) unless `newRun`; otherwise reads the inputs, drops tools
 * that `sinceLast` finds reviewed, and registers a new run with its tools. Bad input is left out
 * and listed, unless too few tools remain for the command.
 */
export async function openRun(input: OpenRunInput): Promise<OpenedRun> {
  const { store, config, parts, command } = input;
  const personas = parts.personas.map((persona) => ({ id: persona.id, hash: personaHash(persona), name: persona.name }));
  const plan = runPlan(command, config, parts);
  const signature = createHash("sha256")
    .update(JSON.stringify({ command, inputs: input.inputs, plan, personas, sinceLast: input.sinceLast ?? false }))
    .digest("hex")
    .slice(0, 32);

  const unfinished = input.resume ? store.getRun(input.resume) : input.newRun ? undefined : store.findUnfinishedRun(signature);
  if (input.resume && !unfinished) throw new ConfigError("--resume", `no run "${input.resume}" in this store`);
  if (unfinished) {
    store.setRunStatus(unfinished.id, "running");
    return { run: unfinished, tools: store.tools.forRun(unfinished.id), resumed: true, skippedBadInput: [], skippedSinceLast: 0 };
  }

  const loaded = await loadInputs(input.inputs, {
    maxDescriptionChars: config.maxDescriptionChars,
    ...(input.onWarning ? { onWarning: input.onWarning } : {}),
    ...(input.sources ? { sources: input.sources } : {}),
    ...(input.enrich ? { enrich: true } : {}),
  });
  const models = parts.providers.map(providerLabel);
  const { identified, fresh } = selectTools(loaded.tools, { store, sinceLast: input.sinceLast ?? false, personas, models, promptHash: plan.promptHash });
  // A scheduled batch over a feed with nothing new that day is a quiet run, not an error; a
  // review or comparison of nothing is.
  const needed = command === "compare" ? 2 : command === "batch" && loaded.errors.length === 0 ? 0 : 1;
  if (identified.length < needed) {
    // Too few good tools to do what was asked: the first problem is the answer.
    if (loaded.errors[0]) throw loaded.errors[0];
    if (command === "compare") throw new ConfigError("compare", `needs at least two different tools, got ${identified.length}`);
    throw new ConfigError(command, command === "batch" ? "no tools in the inputs" : "give at least one tool file");
  }
  for (const skipped of loaded.skipped) input.onWarning?.(`skipped: ${skipped.error}`);
  const run = store.createRun({
    signature,
    command,
    config: { ...config, sinceLast: input.sinceLast ?? false },
    models,
    personas,
    promptHashes: parts.templates.hashes,
    inputs: [...input.inputs],
    plan,
    skipped: loaded.skipped,
  });
  return { run, tools: store.tools.register(run.id, fresh), resumed: false, skippedBadInput: loaded.skipped, skippedSinceLast: identified.length - fresh.length };
}

/** A tool with who it is across runs and a hash of what it says. */
export interface IdentifiedTool {
  tool: Tool;
  identity: string;
  contentHash: string;
}

/**
 * The tools of a run's inputs, each identified, the same tool twice (by identity and content)
 * kept once; `fresh` leaves out, with `sinceLast`, those the store has seen reviewed by the same
 * panel (persona files, models, prompts). Without a store, `fresh` is every tool.
 */
export function selectTools(
  tools: readonly Tool[],
  options: { store?: ReviewStore | undefined; sinceLast: boolean; personas: readonly { id: string; hash: string }[]; models: readonly string[]; promptHash: string },
): { identified: IdentifiedTool[]; fresh: IdentifiedTool[] } {
  const seen = new Set<string>();
  const identified = tools
    .map((tool) => ({ tool, identity: toolIdentity(tool), contentHash: toolContentHash(tool) }))
    .filter((entry) => {
      const key = `${entry.identity}\u0000${entry.contentHash}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  const { store } = options;
  const fresh = options.sinceLast && store
    ? identified.filter((entry) => !store.tools.reviewedBefore(entry.identity, entry.contentHash, options.personas, options.models, options.promptHash))
    : identified;
  return { identified, fresh };
}
