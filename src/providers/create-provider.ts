import { ConfigError } from "../errors/config-error.js";
import { ProviderError } from "../errors/provider-error.js";
import type { ModelSpec } from "./model-spec.js";
import { ANTHROPIC_DEFAULTS, KNOWN_PROVIDERS, OPENAI_COMPATIBLE_PRESETS } from "./presets.js";
import type { ModelDownloadEvent } from "./local-model-source.js";
import type { Provider } from "./provider.js";

/** What a provider needs from the run's configuration. */
export interface ProviderSettings {
  /** Environment-style values (API keys, base URLs), already merged from .env and the environment. */
  env: Readonly<Record<string, string | undefined>>;
  /** `--base-url`: overrides the base URL of every provider in the run. */
  baseUrl?: string;
  /** Per-call timeout in milliseconds. */
  timeoutMs: number;
  /** What `local:` models need; see {@link LocalSettings}. */
  local?: LocalSettings;
}

/** Settings of `local:` models. */
export interface LocalSettings {
  /** Where downloaded models are kept (`PANELIST_MODELS_DIR`, else `~/.cache/panelist/models`). */
  modelsDir?: string;
  /** CPU threads (`--threads`); half the logical cores when unset. */
  threads?: number;
  /** False for a dry run: nothing is downloaded or loaded, and the provider answers no call. */
  load?: boolean;
  /** Download progress of a model fetched on first use. */
  onDownload?: (event: ModelDownloadEvent) => void;
}

/** Sent to servers that take no key: the SDK refuses to start without one. */
const NO_KEY_PLACEHOLDER = "no-key";

/**
 * Builds the provider for a model spec, or throws a ConfigError naming what is missing. Each SDK is
 * loaded only when a model needs it: a run on one provider does not pay for the other's SDK.
 */
export async function createProvider(spec: ModelSpec, settings: ProviderSettings): Promise<Provider> {
  const value = (name: string | undefined): string | undefined => {
    const found = name === undefined ? undefined : settings.env[name]?.trim();
    return found === "" ? undefined : found;
  };
  if (spec.provider === "local") return createLocal(spec.model, settings.local ?? {}, value);
  if (spec.provider === "anthropic") {
    const apiKey = value(ANTHROPIC_DEFAULTS.apiKeyVariable);
    const baseURL = settings.baseUrl ?? value(ANTHROPIC_DEFAULTS.baseUrlVariable) ?? ANTHROPIC_DEFAULTS.baseURL;
    if (!apiKey) throw new ConfigError(ANTHROPIC_DEFAULTS.apiKeyVariable, `is not set; anthropic:${spec.model} needs it (environment or .env)`);
    const { createAnthropicProvider } = await import("./anthropic-provider.js");
    return createAnthropicProvider({ model: spec.model, apiKey, baseURL, timeoutMs: settings.timeoutMs });
  }
  const preset = OPENAI_COMPATIBLE_PRESETS[spec.provider];
  if (!preset) {
    throw new ConfigError("--model", `unknown provider "${spec.provider}"; known: ${KNOWN_PROVIDERS.join(", ")}`);
  }
  const baseURL = settings.baseUrl ?? value(preset.baseUrlVariable) ?? preset.baseURL;
  if (!baseURL) {
    throw new ConfigError("--base-url", `${spec.provider}:${spec.model} needs a server address: pass --base-url or set ${preset.baseUrlVariable}`);
  }
  const apiKey = value(preset.apiKeyVariable);
  // A custom base URL usually means a self-hosted OpenAI-compatible server, which takes no key.
  const keyOptional = preset.keyOptional || baseURL !== preset.baseURL;
  if (!apiKey && !keyOptional) {
    throw new ConfigError(preset.apiKeyVariable ?? "--model", `is not set; ${spec.provider}:${spec.model} needs it (environment or .env)`);
  }
  const { createOpenAIProvider } = await import("./openai-provider.js");
  return createOpenAIProvider({
    id: spec.provider,
    model: spec.model,
    apiKey: apiKey ?? NO_KEY_PLACEHOLDER,
    baseURL,
    timeoutMs: settings.timeoutMs,
    // OpenAI's own API wants max_completion_tokens; servers that mimic it mostly know only max_tokens.
    maxTokensParameter: baseURL === preset.baseURL ? preset.maxTokensParameter : "max_tokens",
  });
}

/**
 * A `local:` model: node-llama-cpp (an optional dependency) and the model file are loaded here,
 * once, so that a missing package, an unreachable download or a bad file stops the run before
 * any call, and every call of the run shares the loaded model.
 */
async function createLocal(model: string, local: LocalSettings, value: (name: string) => string | undefined): Promise<Provider> {
  if (local.load === false) {
    return {
      id: "local",
      model,
      maxConcurrency: 1,
      generate: async () => ({ ok: false, error: new ProviderError("not loaded: a dry run calls nothing", { provider: "local", model, kind: "local", retryable: false }), latencyMs: 0 }),
    };
  }
  const [{ loadLocalRuntime }, { resolveLocalModel }, { createLocalProvider, defaultLocalThreads }] = await Promise.all([
    import("./local-runtime.js"),
    import("./local-model-source.js"),
    import("./local-provider.js"),
  ]);
  const runtime = await loadLocalRuntime();
  const endpoint = value("HF_ENDPOINT");
  const token = value("HF_TOKEN");
  const modelPath = await resolveLocalModel(model, runtime, {
    ...(local.modelsDir ? { modelsDir: local.modelsDir } : {}),
    ...(endpoint ? { huggingFaceEndpoint: endpoint } : {}),
    ...(token ? { huggingFaceToken: token } : {}),
    ...(local.onDownload ? { onDownload: local.onDownload } : {}),
  });
  return createLocalProvider({ model, modelPath, threads: local.threads ?? defaultLocalThreads(), runtime });
}
