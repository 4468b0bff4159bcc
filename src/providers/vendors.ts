import { DEFAULT_LOCAL_MODEL } from "./local-models.js";
import type { StructuredMode } from "./provider.js";

/** How Panelist talks to a vendor: the OpenAI Chat Completions shape, Anthropic Messages, or a model in this process. */
export type VendorProtocol = "openai-compatible" | "anthropic" | "local";

/** The batch endpoint a vendor offers, by the API shape it follows. */
export type BatchApiKind = "openai" | "anthropic";

/**
 * Structured-output modes per protocol, strongest first. Anthropic has no JSON mode: a forced tool
 * call or plain instructions. `local:` builds a grammar from the schema, so it takes the
 * OpenAI-compatible modes.
 */
export const STRUCTURED_LADDERS: Readonly<Record<VendorProtocol, readonly StructuredMode[]>> = {
  anthropic: ["tool", "prompt"],
  "openai-compatible": ["json_schema", "json_object", "prompt"],
  local: ["json_schema", "json_object", "prompt"],
};

/** What every vendor definition says, whatever its protocol. */
interface VendorFacts {
  /** What a model spec starts with: `openai` in `openai:gpt-4.1-mini`. */
  id: string;
  /** The vendor's name, for people. */
  displayName: string;
  /** Environment variable holding the API key; undefined for vendors that take none. */
  apiKeyVariable?: string;
  /** Environment variable that overrides the base URL. */
  baseUrlVariable?: string;
  /** Base URL; undefined when the user must give one (a self-hosted server) or there is none (`local:`). */
  baseURL?: string;
  /** Whether a call without a key is allowed (local servers). */
  keyOptional: boolean;
  /** Structured-output modes the endpoint may accept, strongest first; `auto` walks down them. */
  structuredModes: readonly StructuredMode[];
  /** The vendor's batch API (`--via batch-api`), when Panelist can use one. */
  batchApi?: BatchApiKind;
  /**
   * The model a run uses without `--model` when this vendor's key is set; vendors earlier in
   * {@link VENDORS} win. On `local`, the model used when no vendor's key is set.
   */
  defaultModel?: string;
  /** Whether the base-URL variable alone also picks {@link defaultModel} (an OpenAI-compatible server on this machine). */
  baseUrlPicksDefault?: boolean;
}

/**
 * One vendor: everything Panelist knows about it, in one place. Provider construction, batch
 * APIs, structured-output fallbacks, the default model, help text and the list of known provider
 * ids are all derived from {@link VENDORS}.
 */
export type Vendor =
  | (VendorFacts & {
      protocol: "openai-compatible";
      /**
       * The output-limit parameter the vendor's own endpoint wants (see
       * OpenAIProviderOptions.maxTokensParameter); any other base URL gets `max_tokens`.
       */
      maxTokensParameter: "max_tokens" | "max_completion_tokens";
    })
  | (VendorFacts & { protocol: "anthropic" })
  | (VendorFacts & { protocol: "local" });

/**
 * Every vendor Panelist knows by name. The order is the default-model priority (the first vendor
 * whose key is set gives the model; `local` last, for a run with no key at all), and the order
 * lists and help show them in.
 */
export const VENDORS: readonly Vendor[] = [
  {
    id: "anthropic",
    displayName: "Anthropic",
    protocol: "anthropic",
    baseURL: "https://api.anthropic.com",
    apiKeyVariable: "ANTHROPIC_API_KEY",
    baseUrlVariable: "ANTHROPIC_BASE_URL",
    keyOptional: false,
    structuredModes: STRUCTURED_LADDERS.anthropic,
    batchApi: "anthropic",
    defaultModel: "claude-sonnet-5",
  },
  {
    id: "openai",
    displayName: "OpenAI",
    protocol: "openai-compatible",
    baseURL: "https://api.openai.com/v1",
    apiKeyVariable: "OPENAI_API_KEY",
    baseUrlVariable: "OPENAI_BASE_URL",
    keyOptional: false,
    maxTokensParameter: "max_completion_tokens",
    structuredModes: STRUCTURED_LADDERS["openai-compatible"],
    batchApi: "openai",
    defaultModel: "gpt-4.1-mini",
    baseUrlPicksDefault: true,
  },
  {
    // Gemini through its OpenAI-compatible endpoint (Chat Completions, response_format json_schema).
    // Its batch API there is not OpenAI's, so no batchApi yet. The default is the stable Flash model:
    // newer Flash models are previews, whose ids change.
    id: "gemini",
    displayName: "Google Gemini",
    protocol: "openai-compatible",
    baseURL: "https://generativelanguage.googleapis.com/v1beta/openai/",
    apiKeyVariable: "GEMINI_API_KEY",
    baseUrlVariable: "GEMINI_BASE_URL",
    keyOptional: false,
    maxTokensParameter: "max_tokens",
    structuredModes: STRUCTURED_LADDERS["openai-compatible"],
    defaultModel: "gemini-2.5-flash",
  },
  {
    id: "ollama",
    displayName: "Ollama",
    protocol: "openai-compatible",
    baseURL: "http://localhost:11434/v1",
    baseUrlVariable: "OLLAMA_BASE_URL",
    keyOptional: true,
    maxTokensParameter: "max_tokens",
    structuredModes: STRUCTURED_LADDERS["openai-compatible"],
  },
  {
    id: "vllm",
    displayName: "vLLM",
    protocol: "openai-compatible",
    apiKeyVariable: "VLLM_API_KEY",
    baseUrlVariable: "VLLM_BASE_URL",
    keyOptional: true,
    maxTokensParameter: "max_tokens",
    structuredModes: STRUCTURED_LADDERS["openai-compatible"],
  },
  {
    id: "openrouter",
    displayName: "OpenRouter",
    protocol: "openai-compatible",
    baseURL: "https://openrouter.ai/api/v1",
    apiKeyVariable: "OPENROUTER_API_KEY",
    baseUrlVariable: "OPENROUTER_BASE_URL",
    keyOptional: false,
    maxTokensParameter: "max_tokens",
    structuredModes: STRUCTURED_LADDERS["openai-compatible"],
  },
  {
    id: "groq",
    displayName: "Groq",
    protocol: "openai-compatible",
    baseURL: "https://api.groq.com/openai/v1",
    apiKeyVariable: "GROQ_API_KEY",
    baseUrlVariable: "GROQ_BASE_URL",
    keyOptional: false,
    maxTokensParameter: "max_tokens",
    structuredModes: STRUCTURED_LADDERS["openai-compatible"],
  },
  {
    id: "together",
    displayName: "Together AI",
    protocol: "openai-compatible",
    baseURL: "https://api.together.xyz/v1",
    apiKeyVariable: "TOGETHER_API_KEY",
    baseUrlVariable: "TOGETHER_BASE_URL",
    keyOptional: false,
    maxTokensParameter: "max_tokens",
    structuredModes: STRUCTURED_LADDERS["openai-compatible"],
  },
  {
    id: "deepseek",
    displayName: "DeepSeek",
    protocol: "openai-compatible",
    baseURL: "https://api.deepseek.com/v1",
    apiKeyVariable: "DEEPSEEK_API_KEY",
    baseUrlVariable: "DEEPSEEK_BASE_URL",
    keyOptional: false,
    maxTokensParameter: "max_tokens",
    structuredModes: STRUCTURED_LADDERS["openai-compatible"],
  },
  {
    id: "local",
    displayName: "this machine (llama.cpp)",
    protocol: "local",
    keyOptional: true,
    structuredModes: STRUCTURED_LADDERS.local,
    defaultModel: DEFAULT_LOCAL_MODEL,
  },
];

/** The vendor with this id, or undefined for an id Panelist does not know. */
export function findVendor(id: string): Vendor | undefined {
  return VENDORS.find((vendor) => vendor.id === id);
}

/** Every provider id a model spec may start with. */
export const KNOWN_PROVIDERS: readonly string[] = VENDORS.map((vendor) => vendor.id);

/** The structured-output modes for a provider id, strongest first; an unknown id is taken as OpenAI-compatible. */
export function structuredModesOf(id: string): readonly StructuredMode[] {
  return findVendor(id)?.structuredModes ?? STRUCTURED_LADDERS["openai-compatible"];
}

/**
 * An OpenAI-compatible vendor as it was exported before {@link VENDORS}.
 * @deprecated Use {@link Vendor} and {@link VENDORS}.
 */
export interface OpenAICompatiblePreset {
  baseURL?: string;
  apiKeyVariable?: string;
  baseUrlVariable?: string;
  keyOptional: boolean;
  maxTokensParameter: "max_tokens" | "max_completion_tokens";
}

/**
 * The OpenAI-compatible vendors by id, derived from {@link VENDORS}.
 * @deprecated Use {@link VENDORS} or {@link findVendor}.
 */
export const OPENAI_COMPATIBLE_PRESETS: Readonly<Record<string, OpenAICompatiblePreset>> = Object.fromEntries(
  VENDORS.flatMap((vendor) =>
    vendor.protocol === "openai-compatible"
      ? [[vendor.id, {
          ...(vendor.baseURL ? { baseURL: vendor.baseURL } : {}),
          ...(vendor.apiKeyVariable ? { apiKeyVariable: vendor.apiKeyVariable } : {}),
          ...(vendor.baseUrlVariable ? { baseUrlVariable: vendor.baseUrlVariable } : {}),
          keyOptional: vendor.keyOptional,
          maxTokensParameter: vendor.maxTokensParameter,
        }] as const]
      : [],
  ),
);
