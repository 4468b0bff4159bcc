import { ConfigError } from "../errors/config-error.js";
import type { BatchApi, BatchLimits } from "./batch-api.js";
import type { Credentials } from "./credentials.js";
import { parseModelSpec, type ModelSpec } from "./model-spec.js";
import { missingKey, vendorEndpoint } from "./vendor-endpoint.js";
import { findVendor, VENDORS } from "./vendors.js";

/** Providers with a batch API Panelist can use, from each vendor's `batchApi`. */
export const BATCH_API_PROVIDERS: readonly string[] = VENDORS.flatMap((vendor) => (vendor.batchApi ? [vendor.id] : []));

/** What a batch endpoint needs from the run's configuration. */
export interface BatchApiSettings {
  /** API keys and base URLs, resolved once from .env and the environment (see resolveCredentials). */
  credentials: Credentials;
  /** `--base-url`: overrides the base URL of every provider in the run. */
  baseUrl?: string;
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
  /** Size limits of one provider batch; the vendor's own when unset. */
  limits?: BatchLimits;
}

/**
 * Refuses `--via batch-api` for a run with a model whose provider has no batch API, from the
 * specs alone: nothing is built, downloaded or loaded first.
 */
export function assertBatchApiModels(specs: readonly string[]): void {
  for (const spec of specs) {
    const parsed = parseModelSpec(spec);
    if (!findVendor(parsed.provider)?.batchApi) throw batchApiRefusal(parsed);
  }
}

function batchApiRefusal(spec: ModelSpec): ConfigError {
  const why = spec.provider === "local" ? " (a local model runs on this machine; run the batch directly)" : "";
  return new ConfigError("--via", `batch-api works with ${BATCH_API_PROVIDERS.map((id) => `${id}:`).join(" and ")} models, not ${spec.provider}:${spec.model}${why}`);
}

/**
 * Builds the batch endpoint for a model spec (`--via batch-api`), or throws a ConfigError for a
 * provider without one or a missing key. Like {@link createProvider}, each SDK loads only when needed.
 */
export async function createBatchApi(spec: ModelSpec, settings: BatchApiSettings): Promise<BatchApi> {
  const vendor = findVendor(spec.provider);
  if (!vendor?.batchApi) throw batchApiRefusal(spec);
  const endpoint = vendorEndpoint(vendor, spec, settings);
  const limits = settings.limits ? { limits: settings.limits } : {};
  if (vendor.batchApi === "anthropic") {
    if (!endpoint.apiKey) throw missingKey(vendor, `${spec.provider}:${spec.model}`);
    const { createAnthropicBatchApi } = await import("./anthropic-batch-api.js");
    return createAnthropicBatchApi({ model: spec.model, apiKey: endpoint.apiKey, baseURL: endpoint.baseURL, timeoutMs: settings.timeoutMs, ...limits });
  }
  // Unlike a direct call, a batch needs a key even at another base URL: batch APIs are hosted
  // services, not the self-hosted servers that take no key.
  if (!endpoint.apiKey) throw missingKey(vendor, `the batch API of ${spec.provider}:${spec.model}`);
  const { createOpenAIBatchApi } = await import("./openai-batch-api.js");
  return createOpenAIBatchApi({
    id: spec.provider,
    model: spec.model,
    apiKey: endpoint.apiKey,
    baseURL: endpoint.baseURL,
    timeoutMs: settings.timeoutMs,
    // As for direct calls: OpenAI's own API wants max_completion_tokens, look-alike servers max_tokens.
    maxTokensParameter: endpoint.atVendor && vendor.protocol === "openai-compatible" ? vendor.maxTokensParameter : "max_tokens",
    ...limits,
  });
}
