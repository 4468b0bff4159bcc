import { ConfigError } from "../errors/config-error.js";
import { ProviderError } from "../errors/provider-error.js";
import type { Credentials } from "./credentials.js";
import type { ModelSpec } from "./model-spec.js";
import type { ModelDownloadEvent } from "./local-model-source.js";
import type { Provider } from "./provider.js";
import { missingKey, vendorEndpoint } from "./vendor-endpoint.js";
import { findVendor, KNOWN_PROVIDERS } from "./vendors.js";

/** What a provider needs from the run's configuration. */
export interface ProviderSettings {
  /** API keys, base URLs and Hugging Face settings, resolved once from .env and the environment (see resolveCredentials). */
  credentials: Credentials;
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
  /** Cancels a download in progress (Ctrl-C). */
  signal?: AbortSignal;
  /** Download progress of a model fetched on first use. */
  onDownload?: (event: ModelDownloadEvent) => void;
}

/** Sent to servers that take no key: the SDK refuses to start without one. */
const NO_KEY_PLACEHOLDER = "no-key";

/**
 * Builds the provider for a model spec from its vendor's definition, or throws a ConfigError
 * naming what is missing. Each SDK is loaded only when a model needs it: a run on one provider
 * does not pay for the other's SDK.
 */
export async function createProvider(spec: ModelSpec, settings: ProviderSettings): Promise<Provider> {
  const vendor = findVendor(spec.provider);
  if (!vendor) throw new ConfigError("--model", `unknown provider "${spec.provider}"; known: ${KNOWN_PROVIDERS.join(", ")}`);
  if (vendor.protocol === "local") return createLocal(spec.model, settings.local ?? {}, settings.credentials.huggingFace);
  const endpoint = vendorEndpoint(vendor, spec, settings);
  if (vendor.protocol === "anthropic") {
    if (!endpoint.apiKey) throw missingKey(vendor, `${spec.provider}:${spec.model}`);
    const { createAnthropicProvider } = await import("./anthropic-provider.js");
    return createAnthropicProvider({ model: spec.model, apiKey: endpoint.apiKey, baseURL: endpoint.baseURL, timeoutMs: settings.timeoutMs });
  }
  // A custom base URL usually means a self-hosted OpenAI-compatible server, which takes no key.
  if (!endpoint.apiKey && !vendor.keyOptional && endpoint.atVendor) throw missingKey(vendor, `${spec.provider}:${spec.model}`);
  const { createOpenAIProvider } = await import("./openai-provider.js");
  return createOpenAIProvider({
    id: spec.provider,
    model: spec.model,
    apiKey: endpoint.apiKey ?? NO_KEY_PLACEHOLDER,
    baseURL: endpoint.baseURL,
    timeoutMs: settings.timeoutMs,
    // OpenAI's own API wants max_completion_tokens; servers that mimic it mostly know only max_tokens.
    maxTokensParameter: endpoint.atVendor ? vendor.maxTokensParameter : "max_tokens",
  });
}

/**
 * A `local:` model: node-llama-cpp (an optional dependency) and the model file are loaded here,
 * once, so that a missing package, an unreachable download or a bad file stops the run before
 * any call, and every call of the run shares the loaded model.
 */
async function createLocal(model: string, local: LocalSettings, huggingFace: Credentials["huggingFace"]): Promise<Provider> {
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
  const modelPath = await resolveLocalModel(model, runtime, {
    ...(local.modelsDir ? { modelsDir: local.modelsDir } : {}),
    ...(huggingFace.endpoint ? { huggingFaceEndpoint: huggingFace.endpoint } : {}),
    ...(huggingFace.token ? { huggingFaceToken: huggingFace.token } : {}),
    ...(local.onDownload ? { onDownload: local.onDownload } : {}),
    ...(local.signal ? { signal: local.signal } : {}),
  });
  return createLocalProvider({ model, modelPath, threads: local.threads ?? defaultLocalThreads(), runtime });
}
