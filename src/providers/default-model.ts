import { credentialsOf, type Credentials } from "./credentials.js";
import { VENDORS, type Vendor } from "./vendors.js";

/** The model a run uses when none is given, and the one line that says which and why. */
export interface DefaultModelChoice {
  /** A model spec, e.g. `anthropic:claude-sonnet-5`. */
  model: string;
  /** E.g. `Using anthropic:claude-sonnet-5 (ANTHROPIC_API_KEY is set; pass --model to choose).` */
  note: string;
}

/** Vendors that give the default model when their key is set, in priority order. */
export const DEFAULT_MODEL_VENDORS: readonly Vendor[] = VENDORS.filter((vendor) => vendor.defaultModel !== undefined && vendor.protocol !== "local");

/** The model of a run with no key at all: the `local` vendor's default, e.g. `local:qwen2.5-1.5b-instruct`. */
export const FALLBACK_MODEL: string = VENDORS.filter((vendor) => vendor.protocol === "local").map((vendor) => `${vendor.id}:${vendor.defaultModel}`)[0]!;

/**
 * Picks the default model of the first vendor in {@link VENDORS} whose key is set (or, for a vendor
 * whose base URL alone picks it, whose base URL is set), so a configured user need not pass
 * --model; with none, the built-in local model, so that a first run works with nothing configured.
 */
export function chooseDefaultModel(credentials: Credentials): DefaultModelChoice {
  for (const vendor of DEFAULT_MODEL_VENDORS) {
    const given = credentialsOf(credentials, vendor.id);
    const why = given.apiKey ? vendor.apiKeyVariable : given.baseUrl && vendor.baseUrlPicksDefault ? vendor.baseUrlVariable : undefined;
    if (why) {
      const model = `${vendor.id}:${vendor.defaultModel}`;
      return { model, note: `Using ${model} (${why} is set; pass --model to choose).` };
    }
  }
  return {
    model: FALLBACK_MODEL,
    note: `Using ${FALLBACK_MODEL}, run on this machine (no ${orList(DEFAULT_MODEL_VENDORS.flatMap(variablesPickingDefault))} is set; pass --model to choose).`,
  };
}

/**
 * The ways to get a working provider, for messages that end a run before it starts: set one of
 * the keys that pick a default model, or give a local GGUF file.
 */
export const PROVIDER_CHOICES = `configure a provider: ${DEFAULT_MODEL_VENDORS.map(
  (vendor) => `set ${variablesPickingDefault(vendor).join(", or ")}${vendor.baseUrlPicksDefault ? " for an OpenAI-compatible server (Ollama, llama.cpp, vLLM)" : ""}`,
).join("; ")}; or give a local GGUF file with --model local:<file.gguf>`;

/** The variables whose being set picks this vendor's default model: its key, and its base URL where that is enough. */
export function variablesPickingDefault(vendor: Vendor): string[] {
  return [vendor.apiKeyVariable, vendor.baseUrlPicksDefault ? vendor.baseUrlVariable : undefined].filter((name): name is string => name !== undefined);
}

/** `A, B or C`. */
function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}
