import { ConfigError } from "../errors/config-error.js";

/**
 * The part of node-llama-cpp Panelist uses, typed here rather than imported: node-llama-cpp is an
 * optional dependency, and an install without it (`npm install --omit=optional`) must still
 * compile and run every other provider.
 */
export interface LocalRuntime {
  getLlama(options: {
    build: "never";
    skipDownload: true;
    gpu: "auto" | false;
    maxThreads?: number;
    logLevel: unknown;
    progressLogs: false;
  }): Promise<LocalLlama>;
  resolveModelFile(uriOrPath: string, options: LocalResolveOptions): Promise<string>;
  LlamaChat: new (options: { contextSequence: LocalSequence; chatWrapper: LocalChatWrapper }) => LocalChat;
  resolveChatWrapper(model: LocalModel): LocalChatWrapper;
  LlamaLogLevel: { warn: unknown; error: unknown };
}

/** Options of node-llama-cpp's `resolveModelFile` that Panelist sets. */
export interface LocalResolveOptions {
  directory: string;
  download: "auto" | false;
  cli: false;
  fileName?: string;
  endpoints?: { huggingFace?: string };
  tokens?: { huggingFace?: string };
  onProgress?: (status: { totalSize: number; downloadedSize: number }) => void;
  signal?: AbortSignal;
  /** Removes the partial file when the download is cancelled. */
  deleteTempFileOnCancel?: boolean;
}

/** A loaded llama.cpp backend. */
export interface LocalLlama {
  loadModel(options: { modelPath: string }): Promise<LocalModel>;
  createGrammarForJsonSchema(schema: unknown): Promise<LocalGrammar>;
  getGrammarFor(type: "json"): Promise<LocalGrammar>;
  dispose(): Promise<void>;
}

/** A loaded model file. */
export interface LocalModel {
  readonly trainContextSize: number;
  readonly tokenizer: unknown;
  createContext(options: { contextSize: number; threads?: number; sequences: 1 }): Promise<LocalContext>;
  dispose(): Promise<void>;
}

/** A context: the model's working memory for one sequence. */
export interface LocalContext {
  readonly contextSize: number;
  getSequence(): LocalSequence;
  dispose(): Promise<void>;
}

/** The one sequence a context runs; it keeps the tokens of the last call for the next to reuse. */
export interface LocalSequence {
  readonly tokenMeter: { getState(): unknown; diff(state: unknown): { usedInputTokens: number; usedOutputTokens: number } };
  compareContextTokens(tokens: unknown[]): { firstDifferentIndex: number };
}

/** A compiled grammar (an opaque handle). */
export type LocalGrammar = object;

/** One turn of a chat, as node-llama-cpp's chat wrappers take it. */
export type LocalChatItem = { type: "system"; text: string } | { type: "user"; text: string } | { type: "model"; response: string[] };

/** Renders chat turns through a model's own chat template (resolved from the GGUF's metadata). */
export interface LocalChatWrapper {
  readonly wrapperName: string;
  generateContextState(options: { chatHistory: LocalChatItem[] }): { contextText: { tokenize(tokenizer: unknown): unknown[] } };
}

/** node-llama-cpp's chat over one sequence. */
export interface LocalChat {
  generateResponse(
    history: LocalChatItem[],
    options: {
      grammar?: LocalGrammar;
      maxTokens: number;
      temperature?: number;
      seed?: number;
      signal?: AbortSignal;
    },
  ): Promise<{ response: string; metadata: { stopReason: string } }>;
  dispose(): void;
}

/** The version Panelist is tested with; newer ones may need a compiler to install. */
export const LOCAL_RUNTIME_VERSION = "3.21.1";

/** The package that runs `local:` models. */
export const LOCAL_RUNTIME_PACKAGE = "node-llama-cpp";

/**
 * Loads node-llama-cpp, or throws a one-line ConfigError saying how to install it. `specifier`
 * exists so the missing-package path can be exercised without uninstalling anything.
 */
export async function loadLocalRuntime(specifier: string = LOCAL_RUNTIME_PACKAGE): Promise<LocalRuntime> {
  try {
    return (await import(specifier)) as LocalRuntime;
  } catch (error) {
    throw localRuntimeError(error, specifier) ?? error;
  }
}

/**
 * The ConfigError for a failed import of the local runtime: not installed (an install with
 * `--omit=optional`), or installed without a prebuilt binary for this platform. Undefined for
 * anything else, which is a bug to report as such.
 */
export function localRuntimeError(error: unknown, specifier: string = LOCAL_RUNTIME_PACKAGE): ConfigError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const install = `npm install ${LOCAL_RUNTIME_PACKAGE}@${LOCAL_RUNTIME_VERSION}`;
  if ((code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && message.includes(`'${specifier}'`)) {
    return new ConfigError("--model", `local: models need ${LOCAL_RUNTIME_PACKAGE}, an optional dependency that is not installed; install it with: ${install}`);
  }
  if ((error as { constructor?: { name?: unknown } } | null)?.constructor?.name === "NoBinaryFoundError") {
    return new ConfigError("--model", `local: ${LOCAL_RUNTIME_PACKAGE} has no prebuilt binary for ${process.platform}-${process.arch} (${message.split("\n")[0]}); reinstall it with: ${install}`);
  }
  return undefined;
}
