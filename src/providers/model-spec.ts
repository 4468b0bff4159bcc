import { ConfigError } from "../errors/config-error.js";

/** A parsed `provider:model` spec. */
export interface ModelSpec {
  /** Provider id, e.g. `openai`. */
  provider: string;
  /** Model id; may itself contain colons (`ollama:qwen3:8b` has model `qwen3:8b`). */
  model: string;
}

/** Parses `provider:model`; the split is at the first colon. */
export function parseModelSpec(spec: string, setting = "--model"): ModelSpec {
  const trimmed = spec.trim();
  const colon = trimmed.indexOf(":");
  if (colon <= 0 || colon === trimmed.length - 1) {
    throw new ConfigError(setting, `"${spec}" is not provider:model (e.g. openai:gpt-4.1-mini, anthropic:claude-sonnet-5)`);
  }
  return { provider: trimmed.slice(0, colon).toLowerCase(), model: trimmed.slice(colon + 1) };
}
