import { rm, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { ConfigError } from "../errors/config-error.js";
import { InterruptedError } from "../errors/interrupted-error.js";
import { PROVIDER_CHOICES } from "./default-model.js";
import { KNOWN_LOCAL_MODELS } from "./local-models.js";
import type { LocalResolveOptions, LocalRuntime } from "./local-runtime.js";

/** What a model download reports, first `start`, then `progress` events, then `done`. */
export type ModelDownloadEvent =
  | { phase: "start"; model: string; directory: string; totalBytes?: number }
  | { phase: "progress"; model: string; downloadedBytes: number; totalBytes: number }
  | { phase: "done"; model: string; path: string };

/** Where local models come from and go to. */
export interface LocalModelSourceOptions {
  /** Folder models are downloaded to and looked up in (`~/.cache/panelist/models` by default). */
  modelsDir?: string;
  /** Hugging Face endpoint, for a mirror (the `HF_ENDPOINT` variable). */
  huggingFaceEndpoint?: string;
  /** Hugging Face token, for gated models (the `HF_TOKEN` variable); sent to Hugging Face only. */
  huggingFaceToken?: string;
  /** Called as a download starts, advances and ends. */
  onDownload?: (event: ModelDownloadEvent) => void;
  /** Cancels a download (Ctrl-C): the partial file is removed and an InterruptedError thrown. */
  signal?: AbortSignal;
  /** How long to wait for the model's host to answer at all before calling it unreachable. Default 10 s. */
  reachTimeoutMs?: number;
}

/** Where `hf:` URIs are fetched from unless told otherwise. */
const HUGGING_FACE = "https://huggingface.co/";
const URI_PREFIXES = ["hf:", "hf://", "huggingface:", "huggingface://", "hf.co/", "huggingface.co/"];


/** Whether a `local:` model names something to download rather than a file. */
export function isModelUri(model: string): boolean {
  return /^https?:\/\//i.test(model) || URI_PREFIXES.some((prefix) => model.toLowerCase().startsWith(prefix));
}

/**
 * The GGUF file for a `local:` model: a path to a file, a name from {@link KNOWN_LOCAL_MODELS}, or
 * a URI node-llama-cpp resolves (`hf:user/repo/file.gguf`, an http(s) URL). A URI is downloaded
 * once into the models folder and found there afterwards with no network at all. A host that
 * cannot be reached fails at once, with the other ways to configure a provider, instead of
 * waiting out the downloader's minutes of retries.
 */
export async function resolveLocalModel(model: string, runtime: Pick<LocalRuntime, "resolveModelFile">, options: LocalModelSourceOptions): Promise<string> {
  const known = KNOWN_LOCAL_MODELS[model.toLowerCase()];
  const uri = known?.uri ?? model;
  if (!isModelUri(uri)) return existingFile(model);
  if (!options.modelsDir) throw new ConfigError("PANELIST_MODELS_DIR", `is not set and there is no home folder to keep local:${model} in; set it to a folder for downloaded models`);
  const isUrl = /^https?:\/\//i.test(uri);
  const base: LocalResolveOptions = {
    directory: options.modelsDir,
    download: false,
    cli: false,
    // For a plain URL node-llama-cpp asks the server for the file name even when the file is
    // already here; naming it ourselves lets a cached model load with no network.
    ...(isUrl ? { fileName: fileNameForUrl(uri) } : {}),
    endpoints: { huggingFace: options.huggingFaceEndpoint ?? HUGGING_FACE },
    ...(options.huggingFaceToken ? { tokens: { huggingFace: options.huggingFaceToken } } : {}),
  };
  try {
    return await runtime.resolveModelFile(uri, base);
  } catch {
    // Not downloaded yet: fetched below.
  }
  const host = isUrl ? new URL(uri).origin : (options.huggingFaceEndpoint ?? HUGGING_FACE);
  const unreachable = await reachFailure(host, options.reachTimeoutMs ?? 10_000);
  if (unreachable !== undefined) {
    throw new ConfigError("--model", `local:${model} is not in ${options.modelsDir} and cannot be downloaded (${host}: ${unreachable}); connect to the network once, or ${PROVIDER_CHOICES}`);
  }
  options.onDownload?.({ phase: "start", model, directory: options.modelsDir, ...(known ? { totalBytes: known.sizeBytes } : {}) });
  try {
    const path = await runtime.resolveModelFile(uri, {
      ...base,
      download: "auto",
      ...(options.signal ? { signal: options.signal, deleteTempFileOnCancel: true } : {}),
      onProgress: ({ totalSize, downloadedSize }) => options.onDownload?.({ phase: "progress", model, downloadedBytes: downloadedSize, totalBytes: totalSize }),
    });
    // A cancelled download may settle as if it had finished: what it left is partial, so it goes.
    if (options.signal?.aborted) {
      await Promise.all([path, `${path}.ipull`].map((file) => rm(file, { force: true })));
      throw new InterruptedError(interruptedMessage(model));
    }
    options.onDownload?.({ phase: "done", model, path });
    return path;
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    if (options.signal?.aborted) throw new InterruptedError(interruptedMessage(model));
    const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw new ConfigError("--model", `local:${model} could not be downloaded into ${options.modelsDir}: ${reason}; fix that, or ${PROVIDER_CHOICES}`);
  }
}

/** A file name for a model fetched from a URL: its host and path, made safe. */
export function fileNameForUrl(url: string): string {
  const parsed = new URL(url);
  const name = `${parsed.host}${parsed.pathname}`.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^_+|_+$/g, "");
  return name.toLowerCase().endsWith(".gguf") ? name : `${name}.gguf`;
}

async function existingFile(model: string): Promise<string> {
  const path = resolve(model);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) {
    throw new ConfigError("--model", `local:${model}: no such file; give a .gguf file, hf:<user>/<repo>/<file>.gguf, an https:// URL, or one of: ${Object.keys(KNOWN_LOCAL_MODELS).join(", ")}`);
  }
  return path;
}

/**
 * Why the host cannot be reached, or undefined when it answers at all (any HTTP status will do:
 * the downloader handles those). One quick request, so that an offline machine fails in
 * milliseconds (a DNS failure) or the timeout (a dropped connection), not after minutes.
 */
async function reachFailure(origin: string, timeoutMs: number): Promise<string | undefined> {
  try {
    const response = await fetch(origin, { method: "HEAD", redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return undefined;
  } catch (error) {
    if ((error as Error).name === "TimeoutError") return `no answer within ${Math.round(timeoutMs / 1000)} s`;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? (error as Error).message;
  }
}

function interruptedMessage(model: string): string {
  return `interrupted while downloading local:${model}; the partial download was removed (run again to start it over)`;
}
