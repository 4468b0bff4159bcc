/** A model known by a short name, so `local:<name>` needs no URI. */
export interface KnownLocalModel {
  /** Where node-llama-cpp downloads it from. */
  uri: string;
  /** Size of the file in bytes, for the first-run message. */
  sizeBytes: number;
  /** Licence of the weights. */
  licence: string;
}

/**
 * Models `local:` knows by name. The default is Qwen2.5-1.5B-Instruct at Q4_K_M from Qwen's own
 * GGUF repository: a 1.5B instruct model that follows a JSON answer format and a persona's voice
 * better than others of its size, small enough (1.1 GB, about 2 GB of RAM in use) to run on a
 * laptop CPU, under Apache-2.0.
 */
export const KNOWN_LOCAL_MODELS: Readonly<Record<string, KnownLocalModel>> = {
  "qwen2.5-1.5b-instruct": {
    uri: "hf:Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf",
    sizeBytes: 1_117_320_736,
    licence: "Apache-2.0",
  },
};

/** The model used when no provider is configured: `local:qwen2.5-1.5b-instruct`. */
export const DEFAULT_LOCAL_MODEL = "qwen2.5-1.5b-instruct";
