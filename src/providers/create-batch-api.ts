import { ConfigError } from "../errors/config-error.js";
import type { BatchApi, BatchLimits } from "./batch-api.js";
import type { ProviderSettings } from "./create-provider.js";
import { parseModelSpec, type ModelSpec } from "./model-spec.js";
import { ANTHROPIC_DEFAULTS, OPENAI_COMPATIBLE_PRESETS } from "./presets.js";

/** Providers with a batch API Panelist can use. */
export const BATCH_API_PROVIDERS = ["openai", "anthropic"] as const;

/**
 * Refuses `--via batch-api` for a run with a model whose provider has no batch API, from the
 * specs alone: nothing is built, downloaded or loaded first.
 */
export function assertBatchApiModels(specs: readonly string[]): void {
  for (const spec of specs) {
    const parsed = parseModelSpec(spec);
    if (!(BATCH_API_PROVIDERS as readonly string[]).includes(parsed.provider)) throw batchApiRefusal(parsed);
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
export async function createBatchApi(spec: ModelSpec, settings: ProviderSettings & { limits?: BatchLimits }): Promise<BatchApi> {
  const value = (name: string | undefined): string | undefined => {
    const found = name === undefined ? undefined : settings.env[name]?.trim();
    return found === "" ? undefined : found;
  };
  const limits = settings.limits ? { limits: settings.limits } : {};
  if (spec.provider === "anthropic") {
    const apiKey = value(ANTHROPIC_DEFAULTS.apiKeyVariable);
    if (!apiKey) throw new ConfigError(ANTHROPIC_DEFAULTS.apiKeyVariable, `is not set; anthropic:${spec.model} needs it (environment or .env)`);
    const baseURL = settings.baseUrl ?? value(ANTHROPIC_DEFAULTS.baseUrlVariable) ?? ANTHROPIC_DEFAULTS.baseURL;
    const { createAnthropicBatchApi } = await import("./anthropic-batch-api.js");
    return createAnthropicBatchApi({ model: spec.model, apiKey, baseURL, timeoutMs: settings.timeoutMs, ...limits });
  }
  if (spec.provider === "openai") {
    const preset = OPENAI_COMPATIBLE_PRESETS.openai!;
    const apiKey = value(preset.apiKeyVariable);
    const baseURL = settings.baseUrl ?? value(preset.baseUrlVariable) ?? preset.baseURL!;
    if (!apiKey) throw new ConfigError(preset.apiKeyVariable ?? "OPENAI_API_KEY", `is not set; the batch API of openai:${spec.model} needs it (environment or .env)`);
    const { createOpenAIBatchApi } = await import("./openai-batch-api.js");
    return createOpenAIBatchApi({
      id: "openai",
      model: spec.model,
      apiKey,
      baseURL,
      timeoutMs: settings.timeoutMs,
      // As for direct calls: OpenAI's own API wants max_completion_tokens, look-alike servers max_tokens.
      maxTokensParameter: baseURL === preset.baseURL ? preset.maxTokensParameter : "max_tokens",
      ...limits,
    });
  }
  throw batchApiRefusal(spec);
}
