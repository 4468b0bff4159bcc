import { createHash } from "node:crypto";
import { setMaxListeners } from "node:events";
import pLimit from "p-limit";
import type { RunConfig } from "../config/run-config.js";
import { loadPrices } from "../cost/load-prices.js";
import { findPrice, type PriceTable } from "../cost/price-table.js";
import { ConfigError } from "../errors/config-error.js";
import { BUILT_IN_PERSONAS_DIR, loadPersonas } from "../personas/load-personas.js";
import type { Persona } from "../personas/persona.js";
import { loadPromptTemplates, type PromptTemplates } from "../prompts/prompt-templates.js";
import { createProvider } from "../providers/create-provider.js";
import type { Credentials } from "../providers/credentials.js";
import type { ModelDownloadEvent } from "../providers/local-model-source.js";
import { parseModelSpec } from "../providers/model-spec.js";
import { providerLabel, type Provider } from "../providers/provider.js";
import { Budget } from "../cost/budget.js";
import { verdictJsonSchema } from "../verdict/verdict-schema.js";
import type { CallEvent } from "./call-event.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry-policy.js";
import type { JobContext } from "./run-review-job.js";
import { RateLimiter } from "./rate-limiter.js";
import { StructuredModes } from "./structured-modes.js";

/** What every kind of run needs besides its tools: checked before the first call. */
export interface RunParts {
  personas: Persona[];
  /** Every provider of the run: the --model list, then any only named in --assign. */
  providers: Provider[];
  /** The models each persona reviews with: its --assign models, else the --model list. */
  panelFor(persona: Persona): Provider[];
  templates: PromptTemplates;
  prices: PriceTable;
}

/** What preparing a run reports besides its result. */
export interface PrepareRunOptions {
  /** Progress of a `local:` model downloaded on first use. */
  onModelDownload?: (event: ModelDownloadEvent) => void;
  /** Cancels a model download (the first Ctrl-C). */
  signal?: AbortSignal;
  /** Warnings about persona files (an encoding read as Latin-1). */
  onWarning?: (line: string) => void;
}

/**
 * Builds providers, loads personas, templates and prices, and checks `--max-cost` can be enforced.
 * The caller closes the providers when the run ends ({@link closeProviders}); if preparing fails,
 * those already built are closed here.
 */
export async function prepareRunParts(config: RunConfig, credentials: Credentials, options: PrepareRunOptions = {}): Promise<RunParts> {
  const byLabel = new Map<string, Provider>();
  try {
    return await prepareWith(byLabel, config, credentials, options);
  } catch (error) {
    await closeProviders([...byLabel.values()]);
    throw error;
  }
}

/** Frees what every provider of a run holds (a loaded local model). Never throws. */
export async function closeProviders(providers: readonly Provider[]): Promise<void> {
  await Promise.all(providers.map((provider) => provider.close?.().catch(() => undefined)));
}

async function prepareWith(byLabel: Map<string, Provider>, config: RunConfig, credentials: Credentials, options: PrepareRunOptions): Promise<RunParts> {
  const local = {
    ...(config.modelsDir ? { modelsDir: config.modelsDir } : {}),
    ...(config.threads ? { threads: config.threads } : {}),
    // A dry run plans calls: nothing is downloaded or loaded for it.
    load: !config.dryRun,
    ...(options.onModelDownload ? { onDownload: options.onModelDownload } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const providerFor = async (spec: string, setting: string): Promise<Provider> => {
    const parsed = parseModelSpec(spec, setting);
    const label = `${parsed.provider}:${parsed.model}`;
    let provider = byLabel.get(label);
    if (!provider) {
      provider = await createProvider(parsed, { credentials, timeoutMs: config.timeoutSeconds * 1000, local, ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}) });
      byLabel.set(label, provider);
    }
    return provider;
  };
  // One at a time, in order, so the first misconfigured model is the one reported.
  const defaults: Provider[] = [];
  for (const spec of config.models) defaults.push(await providerFor(spec, "--model"));
  const assigned = new Map<string, Provider[]>();
  for (const [personaId, specs] of parseAssignments(config.assign)) {
    const list: Provider[] = [];
    for (const spec of specs) list.push(await providerFor(spec, "--assign"));
    assigned.set(personaId, list);
  }
  const providers = [...byLabel.values()];
  const [personas, templates, prices] = await Promise.all([
    loadPersonas(config.personasDir ?? BUILT_IN_PERSONAS_DIR, config.personas, options.onWarning ? { onWarning: options.onWarning } : {}),
    loadPromptTemplates(),
    loadPrices(config.prices),
  ]);
  if (config.maxCost !== undefined) {
    const unpriced = providers.map(providerLabel).filter((label) => findPrice(label, prices) === undefined);
    if (unpriced.length > 0) {
      throw new ConfigError("--max-cost", `no price is known for ${unpriced.join(", ")}, so spending cannot be capped; add it with --prices`);
    }
  }
  const unknown = [...assigned.keys()].filter((id) => !personas.some((persona) => persona.id === id));
  if (unknown.length > 0) throw new ConfigError("--assign", `unknown persona "${unknown[0]}"; known: ${personas.map((persona) => persona.id).join(", ")}`);
  return { personas, providers, templates, prices, panelFor: (persona) => assigned.get(persona.id) ?? defaults };
}

/** Parses `--assign skeptic=anthropic:claude-sonnet-5,futurist=openai:gpt-4.1` (a persona may repeat). */
export function parseAssignments(assign: string | undefined): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const part of (assign ?? "").split(",").map((entry) => entry.trim()).filter(Boolean)) {
    const equals = part.indexOf("=");
    if (equals <= 0 || equals === part.length - 1) throw new ConfigError("--assign", `"${part}" is not persona=provider:model`);
    const persona = part.slice(0, equals).trim();
    result.set(persona, [...(result.get(persona) ?? []), part.slice(equals + 1).trim()]);
  }
  return result;
}

/** SHA-256 (hex, first 16 characters) of a persona's content, for run records. */
export function personaHash(persona: Persona): string {
  return createHash("sha256").update(JSON.stringify([persona.id, persona.name, persona.lens, persona.brief])).digest("hex").slice(0, 16);
}

/**
 * SHA-256 (hex, first 16 characters) of the prompt templates and the spotlight mode: what, besides
 * the persona and the tool, decides a review prompt. `--since-last` compares it.
 */
export function promptSetHash(templateHashes: Readonly<Record<string, string>>, spotlight: string): string {
  // Code-unit order, not localeCompare: the first collation loads ICU's data (5–9 ms of start-up),
  // and for these lower-case names both orders are the same, so the hashes of stored runs hold.
  const entries = Object.entries(templateHashes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash("sha256").update(JSON.stringify({ templates: entries, spotlight })).digest("hex").slice(0, 16);
}

/** What a run adds to its parts and config to make the context every review job shares. */
export interface JobContextOptions {
  /** Aborts calls in flight. */
  signal?: AbortSignal;
  /** Stops jobs waiting for budget (the first Ctrl-C). */
  stopSignal?: AbortSignal;
  /** The response store, unless --no-cache. */
  cache?: JobContext["cache"];
  /** Provider-batch results (`--via batch-api`). */
  batchResults?: JobContext["batchResults"];
  random?: () => number;
  onCall?: (event: CallEvent) => void;
  retryPolicy?: Partial<Omit<RetryPolicy, "maxRetries">>;
}

/**
 * The context shared by every review job of a run: call settings, retry policy, structured-mode
 * memory and the budget, from the validated config.
 */
export function buildJobContext(config: RunConfig, parts: RunParts, options: JobContextOptions = {}): JobContext {
  // Every call in flight listens on the abort signal; with many in flight that is expected, not
  // the listener leak Node warns about at 10.
  if (options.signal) setMaxListeners(config.concurrency * 2 + 10, options.signal);
  if (options.stopSignal) setMaxListeners(config.concurrency * 2 + 10, options.stopSignal);
  return {
    templates: parts.templates,
    schema: verdictJsonSchema(),
    maxOutputTokens: config.maxOutputTokens,
    ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
    ...(config.seed === undefined ? {} : { seed: config.seed }),
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retryPolicy, maxRetries: config.maxRetries },
    timeoutMs: config.timeoutSeconds * 1000,
    repairAttempts: config.repairAttempts,
    modes: new StructuredModes(config.structured),
    limiters: new Map(parts.providers.map((provider) => [providerLabel(provider), new RateLimiter({ ...(config.rpm ? { rpm: config.rpm } : {}), ...(config.tpm ? { tpm: config.tpm } : {}) })])),
    slots: new Map(parts.providers.flatMap((provider) => (provider.maxConcurrency === undefined ? [] : [[providerLabel(provider), pLimit(provider.maxConcurrency)] as const]))),
    budget: new Budget(config.maxCost),
    prices: parts.prices,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.stopSignal ? { stopSignal: options.stopSignal } : {}),
    ...(options.cache ? { cache: options.cache } : {}),
    ...(options.batchResults ? { batchResults: options.batchResults } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.onCall ? { onCall: options.onCall } : {}),
  };
}
