import { createHash } from "node:crypto";
import { ConfigError } from "../errors/config-error.js";
import { personaHash, type RunParts } from "../pipeline/run-parts.js";
import { providerLabel } from "../providers/provider.js";
import type { SkippedTool } from "../report/report-schema.js";
import type { RunRecord, StoredTool } from "../store/review-store.js";
import { loadBatchInputs } from "./load-batch-inputs.js";
import type { BatchOptions } from "./run-batch.js";
import { toolContentHash, toolIdentity } from "./tool-identity.js";

/** The run a batch works on, and what was left out before it started. */
export interface OpenedBatchRun {
  run: RunRecord;
  /** The run's tools in order (for a resumed run, the tools it started with). */
  tools: StoredTool[];
  /** True when an interrupted run is being finished. */
  resumed: boolean;
  skippedBadInput: SkippedTool[];
  skippedSinceLast: number;
}

/**
 * Resumes the run named by --resume, or the interrupted run of the same job (same inputs, models,
 * personas and prompts), unless --new-run; otherwise reads the inputs, drops tools that
 * --since-last finds reviewed, and registers a new run with its tools.
 */
export async function openBatchRun(options: BatchOptions, parts: RunParts): Promise<OpenedBatchRun> {
  const { store, config } = options;
  const personas = parts.personas.map((persona) => ({ id: persona.id, hash: personaHash(persona) }));
  const models = parts.providers.map(providerLabel);
  const signature = createHash("sha256")
    .update(JSON.stringify({ inputs: options.inputs, models, personas, prompts: parts.templates.hashes, sinceLast: options.sinceLast }))
    .digest("hex")
    .slice(0, 32);

  const interrupted = options.resume ? store.getRun(options.resume) : options.newRun ? undefined : store.findUnfinishedRun(signature);
  if (options.resume && !interrupted) throw new ConfigError("--resume", `no run "${options.resume}" in this store`);
  if (interrupted) {
    store.setRunStatus(interrupted.id, "running");
    return { run: interrupted, tools: store.runTools(interrupted.id), resumed: true, skippedBadInput: [], skippedSinceLast: 0 };
  }

  const loaded = await loadBatchInputs(options.inputs, {
    maxDescriptionChars: config.maxDescriptionChars,
    ...(options.onWarning ? { onWarning: options.onWarning } : {}),
  });
  if (loaded.tools.length === 0) {
    if (loaded.errors[0]) throw loaded.errors[0];
    throw new ConfigError("batch", "no tools in the inputs");
  }
  for (const skipped of loaded.skipped) options.onWarning?.(`skipped: ${skipped.error}`);
  const identified = dedupe(loaded.tools.map((tool) => ({ tool, identity: toolIdentity(tool), contentHash: toolContentHash(tool) })));
  const personaIds = personas.map((persona) => persona.id);
  const fresh = options.sinceLast ? identified.filter((entry) => !store.reviewedBefore(entry.identity, entry.contentHash, personaIds, models)) : identified;
  const run = store.createRun({
    signature,
    command: "batch",
    config: { ...config, sinceLast: options.sinceLast },
    models,
    personas,
    promptHashes: parts.templates.hashes,
    inputs: [...options.inputs],
  });
  return { run, tools: store.registerTools(run.id, fresh), resumed: false, skippedBadInput: loaded.skipped, skippedSinceLast: identified.length - fresh.length };
}

/** The same tool twice in one batch (by identity and content) is reviewed once. */
function dedupe<T extends { identity: string; contentHash: string }>(entries: T[]): T[] {
  const seen = new Set<string>();
  return entries.filter((entry) => {
    const key = `${entry.identity}\u0000${entry.contentHash}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
