/**
 * An OpenAI-compatible host: the OpenAI provider plus a base URL, where its key comes from and
 * the quirks that differ. Adding a host is adding an entry here.
 */
export interface OpenAICompatiblePreset {
  /** Base URL; undefined when the user must give one (a self-hosted server). */
  baseURL?: string;
  /** Environment variable holding the API key; undefined for servers that take none. */
  apiKeyVariable?: string;
  /** Environment variable that overrides the base URL. */
  baseUrlVariable?: string;
  /** Whether a call without a key is allowed (local servers). */
  keyOptional: boolean;
  /** See OpenAIProviderOptions.maxTokensParameter. */
  maxTokensParameter: "max_tokens" | "max_completion_tokens";
}

/** The OpenAI-compatible hosts Panelist knows by name. */
export const OPENAI_COMPATIBLE_PRESETS: Readonly<Record<string, OpenAICompatiblePreset>> = {
  openai: {
    baseURL: "https://api.openai.com/v1",
    apiKeyVariable: "OPENAI_API_KEY",
    baseUrlVariable: "OPENAI_BASE_URL",
    keyOptional: false,
    maxTokensParameter: "max_completion_tokens",
  },
  ollama: {
    baseURL: "http://localhost:11434/v1",
    baseUrlVariable: "OLLAMA_BASE_URL",
    keyOptional: true,
    maxTokensParameter: "max_tokens",
  },
  vllm: {
    apiKeyVariable: "VLLM_API_KEY",
    baseUrlVariable: "VLLM_BASE_URL",
    keyOptional: true,
    maxTokensParameter: "max_tokens",
  },
  openrouter: {
    baseURL: "https://openrouter.ai/api/v1",
    apiKeyVariable: "OPENROUTER_API_KEY",
    baseUrlVariable: "OPENROUTER_BASE_URL",
    keyOptional: false,
    maxTokensParameter: "max_tokens",
  },
  groq: {
    baseURL: "https://api.groq.com/openai/v1",
    apiKeyVariable: "GROQ_API_KEY",
    baseUrlVariable: "GROQ_BASE_URL",
    keyOptional: false,
    maxTokensParameter: "max_tokens",
  },
  together: {
    baseURL: "https://api.together.xyz/v1",
    apiKeyVariable: "TOGETHER_API_KEY",
    baseUrlVariable: "TOGETHER_BASE_URL",
    keyOptional: false,
    maxTokensParameter: "max_tokens",
  },
  deepseek: {
    baseURL: "https://api.deepseek.com/v1",
    apiKeyVariable: "DEEPSEEK_API_KEY",
    baseUrlVariable: "DEEPSEEK_BASE_URL",
    keyOptional: false,
    maxTokensParameter: "max_tokens",
  },
};

/** Anthropic's endpoint defaults. */
export const ANTHROPIC_DEFAULTS = {
  baseURL: "https://api.anthropic.com",
  apiKeyVariable: "ANTHROPIC_API_KEY",
  baseUrlVariable: "ANTHROPIC_BASE_URL",
} as const;

/** Every provider id a model spec may start with. */
export const KNOWN_PROVIDERS: readonly string[] = ["anthropic", ...Object.keys(OPENAI_COMPATIBLE_PRESETS), "local"];
