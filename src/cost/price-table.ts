import { z } from "zod";
import type { TokenUsage } from "../providers/provider.js";

/** Prices of one model in USD per million tokens. */
export const modelPriceSchema = z.object({
  /** Uncached input tokens. */
  input: z.number().min(0),
  /** Input tokens served from the prompt cache. */
  cachedInput: z.number().min(0),
  /** Output tokens. */
  output: z.number().min(0),
  /** Input tokens written to the prompt cache; priced as plain input when absent. */
  cacheWrite: z.number().min(0).optional(),
});

/** Prices of one model in USD per million tokens. */
export type ModelPrice = z.infer<typeof modelPriceSchema>;

/**
 * Prices keyed by `provider:model-prefix`, or `provider:` for every model of a provider; the
 * longest matching key wins.
 */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * List prices of common models (USD per million tokens), as published by the vendors. Dated
 * model ids (`gpt-4.1-mini-2025-04-14`, `claude-sonnet-4-5-20250929`) match by prefix. Anthropic
 * bills 5-minute cache writes at 1.25× input and reads at 0.1×; OpenAI's and Gemini's implicit
 * cache writes cost nothing extra.
 */
export const DEFAULT_PRICES: PriceTable = {
  "openai:gpt-5": { input: 1.25, cachedInput: 0.125, output: 10 },
  "openai:gpt-5-mini": { input: 0.25, cachedInput: 0.025, output: 2 },
  "openai:gpt-5-nano": { input: 0.05, cachedInput: 0.005, output: 0.4 },
  "openai:gpt-4.1": { input: 2, cachedInput: 0.5, output: 8 },
  "openai:gpt-4.1-mini": { input: 0.4, cachedInput: 0.1, output: 1.6 },
  "openai:gpt-4.1-nano": { input: 0.1, cachedInput: 0.025, output: 0.4 },
  "openai:gpt-4o": { input: 2.5, cachedInput: 1.25, output: 10 },
  "openai:gpt-4o-mini": { input: 0.15, cachedInput: 0.075, output: 0.6 },
  "openai:o3": { input: 2, cachedInput: 0.5, output: 8 },
  "openai:o4-mini": { input: 1.1, cachedInput: 0.275, output: 4.4 },
  "anthropic:claude-sonnet-5": { input: 2, cachedInput: 0.2, output: 10, cacheWrite: 2.5 },
  "anthropic:claude-sonnet-4-6": { input: 3, cachedInput: 0.3, output: 15, cacheWrite: 3.75 },
  "anthropic:claude-opus-4-5": { input: 5, cachedInput: 0.5, output: 25, cacheWrite: 6.25 },
  "anthropic:claude-opus-4-1": { input: 15, cachedInput: 1.5, output: 75, cacheWrite: 18.75 },
  "anthropic:claude-opus-4": { input: 15, cachedInput: 1.5, output: 75, cacheWrite: 18.75 },
  "anthropic:claude-sonnet-4-5": { input: 3, cachedInput: 0.3, output: 15, cacheWrite: 3.75 },
  "anthropic:claude-sonnet-4": { input: 3, cachedInput: 0.3, output: 15, cacheWrite: 3.75 },
  "anthropic:claude-haiku-4-5": { input: 1, cachedInput: 0.1, output: 5, cacheWrite: 1.25 },
  "anthropic:claude-3-5-haiku": { input: 0.8, cachedInput: 0.08, output: 4, cacheWrite: 1 },
  // Gemini API list prices, standard tier, prompts up to 200k tokens (Pro bills more above), text
  // input; cached input is the context-caching read price. From ai.google.dev/gemini-api/docs/pricing
  // as quoted by third-party price trackers 2026-03 to 2026-07 (the page itself was not reachable
  // here). "gemini-3-flash" and "gemini-3-pro" price the -preview ids by prefix.
  "gemini:gemini-2.5-flash": { input: 0.3, cachedInput: 0.03, output: 2.5 },
  "gemini:gemini-2.5-flash-lite": { input: 0.1, cachedInput: 0.01, output: 0.4 },
  "gemini:gemini-2.5-pro": { input: 1.25, cachedInput: 0.125, output: 10 },
  "gemini:gemini-3-flash": { input: 0.5, cachedInput: 0.05, output: 3 },
  "gemini:gemini-3-pro": { input: 2, cachedInput: 0.2, output: 12 },
  "gemini:gemini-3.1-pro": { input: 2, cachedInput: 0.2, output: 12 },
  // A model run on this machine bills nothing, so --max-cost works with it.
  "local:": { input: 0, cachedInput: 0, output: 0 },
};

/**
 * What a provider batch costs against list price: OpenAI's Batch API and Anthropic's Message
 * Batches both bill half of the direct price, prompt-cache discounts included.
 */
export const BATCH_PRICE_FACTOR = 0.5;

/** The price of `provider:model`, by the longest matching key; undefined for an unknown model. */
export function findPrice(label: string, table: PriceTable = DEFAULT_PRICES): ModelPrice | undefined {
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    const matches = label === key || label.startsWith(`${key}-`) || (key.endsWith(":") && label.startsWith(key));
    if (matches && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : table[best];
}

/** Cost in USD of one call's usage at `price`. */
export function costOf(usage: TokenUsage, price: ModelPrice): number {
  const written = usage.cacheWriteInputTokens ?? 0;
  const plain = Math.max(0, usage.inputTokens - usage.cachedInputTokens - written);
  return (plain * price.input + usage.cachedInputTokens * price.cachedInput + written * (price.cacheWrite ?? price.input) + usage.outputTokens * price.output) / 1_000_000;
}

/**
 * The most a call with this many input tokens and this output limit can cost: every input token
 * at the dearer of plain input and a cache write (the call may be the one that writes the cache),
 * and the whole output limit. Budgets reserve this before a call starts.
 */
export function maxCostOf(inputTokens: number, maxOutputTokens: number, price: ModelPrice): number {
  return (inputTokens * Math.max(price.input, price.cacheWrite ?? price.input) + maxOutputTokens * price.output) / 1_000_000;
}
