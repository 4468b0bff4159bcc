import { open } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { basename } from "node:path";
import { ConfigError } from "../errors/config-error.js";
import { ProviderError } from "../errors/provider-error.js";
import type { JsonSchema } from "../verdict/verdict-schema.js";
import { clampNumbers, grammarFriendlySchema } from "./grammar-friendly-schema.js";
import type { LocalChat, LocalChatItem, LocalContext, LocalGrammar, LocalRuntime, LocalSequence } from "./local-runtime.js";
import type { FinishReason, GenerateRequest, GenerateResult, Provider } from "./provider.js";

/** Settings of a model run in-process by node-llama-cpp. */
export interface LocalProviderOptions {
  /** The model as written after `local:` (a path, a known name or a URI); the id in reports. */
  model: string;
  /** The GGUF file to load. */
  modelPath: string;
  /** CPU threads for inference; see {@link defaultLocalThreads}. */
  threads: number;
  /** node-llama-cpp, loaded by the caller. */
  runtime: LocalRuntime;
}

/** Smallest context created, in tokens: enough for a review prompt and its answer. */
const MIN_CONTEXT = 2048;

/**
 * CPU threads for local inference when `--threads` is not given: half the logical cores, at
 * least one. Laptop CPUs have two logical cores per physical one and llama.cpp gains nothing from
 * the second; the other half is left to Panelist itself and the rest of the machine. On a 2-core
 * machine this is one thread, where two were measured to be erratic and node-llama-cpp's own
 * default (at least four) many times slower (see docs/performance.md).
 */
export function defaultLocalThreads(logicalCores: number = availableParallelism()): number {
  return Math.max(1, Math.floor(logicalCores / 2));
}

/**
 * Loads a GGUF model once and serves every call of a run from it. The prompt goes through the
 * model's own chat template (system turn, then one user turn of dossier and instructions, then
 * any repair turns); the answer is held to the request's JSON Schema by a grammar, so it always
 * parses. One sequence is kept between calls, so calls sharing a prefix (the system prompt, the
 * dossier of one tool) evaluate only what differs. One call runs at a time: inference is
 * CPU-bound, and the pipeline queues the rest without counting the wait against `--timeout`.
 */
export async function createLocalProvider(options: LocalProviderOptions): Promise<Provider> {
  const { runtime } = options;
  const context = { provider: "local", model: options.model };
  await assertGguf(options);
  const llama = await runtime.getLlama({
    build: "never",
    skipDownload: true,
    gpu: "auto",
    maxThreads: options.threads,
    logLevel: runtime.LlamaLogLevel.error,
    progressLogs: false,
  });
  const model = await llama.loadModel({ modelPath: options.modelPath }).catch(async (error: unknown) => {
    await llama.dispose();
    throw new ConfigError("--model", `local:${options.model}: cannot load ${options.modelPath}: ${(error as Error).message.split("\n")[0]}`);
  });
  const chatWrapper = runtime.resolveChatWrapper(model);
  const grammars = new Map<string, Promise<LocalGrammar>>();
  let session: Session | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  const grammarFor = (request: GenerateRequest): Promise<LocalGrammar> | undefined => {
    const mode = request.mode ?? "json_schema";
    if (mode === "prompt") return undefined;
    const key = mode === "json_object" ? "json" : JSON.stringify(request.schema);
    let grammar = grammars.get(key);
    if (!grammar) {
      grammar = mode === "json_object" ? llama.getGrammarFor("json") : llama.createGrammarForJsonSchema(grammarFriendlySchema(request.schema));
      grammars.set(key, grammar);
    }
    return grammar;
  };

  // A context is made to fit the first prompt and remade larger only when a later one needs it.
  const sessionFor = async (neededTokens: number): Promise<Session> => {
    if (session && session.context.contextSize >= neededTokens) return session;
    if (session) {
      session.chat.dispose();
      await session.context.dispose();
      session = undefined;
    }
    const contextSize = Math.max(MIN_CONTEXT, Math.ceil((neededTokens * 1.25) / 1024) * 1024);
    const created = await model.createContext({ contextSize, threads: options.threads, sequences: 1 });
    const sequence = created.getSequence();
    session = { context: created, sequence, chat: new runtime.LlamaChat({ contextSequence: sequence, chatWrapper }) };
    return session;
  };

  const run = async (request: GenerateRequest): Promise<GenerateResult> => {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    const timedOut = (): GenerateResult => ({
      ok: false,
      // Running the same prompt again on the same CPU takes as long: not worth a retry.
      error: new ProviderError("timed out: the local model took longer than --timeout; on a CPU a review can need more, so raise it", { ...context, kind: "timeout", retryable: false }),
      latencyMs: elapsed(),
    });
    if (request.signal?.aborted) return timedOut();
    if (closed) return { ok: false, error: new ProviderError("the model was closed", { ...context, kind: "local", retryable: false }), latencyMs: 0 };
    try {
      const history = chatHistory(request);
      const promptTokens = chatWrapper.generateContextState({ chatHistory: history }).contextText.tokenize(model.tokenizer);
      const { sequence, chat } = await sessionFor(promptTokens.length + request.maxOutputTokens + 16);
      const cachedInputTokens = Math.min(sequence.compareContextTokens(promptTokens).firstDifferentIndex, promptTokens.length);
      const meter = sequence.tokenMeter.getState();
      const grammar = await grammarFor(request);
      const response = await chat.generateResponse(history, {
        ...(grammar ? { grammar } : {}),
        maxTokens: request.maxOutputTokens,
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        ...(request.seed === undefined ? {} : { seed: request.seed }),
        ...(request.signal ? { signal: request.signal } : {}),
      });
      const used = sequence.tokenMeter.diff(meter);
      const finishReason = readStopReason(response.metadata.stopReason);
      if (finishReason.raw === "abort") return timedOut();
      const text = grammar && request.mode !== "json_object" ? clampAnswer(response.response, request.schema) : response.response;
      if (text.trim() === "") return { ok: false, error: new ProviderError("empty answer", { ...context, kind: "empty", retryable: false }), latencyMs: elapsed() };
      return {
        ok: true,
        text,
        usage: { inputTokens: promptTokens.length, cachedInputTokens, outputTokens: used.usedOutputTokens },
        finishReason,
        latencyMs: elapsed(),
        responseModel: basename(options.modelPath),
      };
    } catch (error) {
      if (request.signal?.aborted) return timedOut();
      const message = (error instanceof Error ? error.message : String(error)).split("\n")[0];
      return { ok: false, error: new ProviderError(`the local model failed: ${message}`, { ...context, kind: "local", retryable: false }), latencyMs: elapsed() };
    }
  };

  return {
    id: "local",
    model: options.model,
    maxConcurrency: 1,
    generate(request) {
      // One sequence, one call at a time, whoever calls: the pipeline queues too, but a library
      // user calling generate() in parallel must not interleave two prompts in one sequence.
      const result = queue.then(() => run(request));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      session?.chat.dispose();
      await session?.context.dispose();
      await model.dispose();
      await llama.dispose();
    },
  };
}

/** A file that is not GGUF is refused before llama.cpp is started for it. */
async function assertGguf(options: LocalProviderOptions): Promise<void> {
  const handle = await open(options.modelPath, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    if (bytesRead < 4 || buffer.toString("latin1") !== "GGUF") {
      throw new ConfigError("--model", `local:${options.model}: ${options.modelPath} is not a GGUF model file (llama.cpp reads only GGUF)`);
    }
  } finally {
    await handle.close();
  }
}

/** A context, its one sequence, and the chat over it. */
interface Session {
  context: LocalContext;
  sequence: LocalSequence;
  chat: LocalChat;
}

/** The turns of one request: system, then dossier and instructions, then any repair exchange. */
function chatHistory(request: GenerateRequest): LocalChatItem[] {
  const history: LocalChatItem[] = [
    { type: "system", text: request.system },
    { type: "user", text: `${request.dossier}\n\n${request.instructions}` },
  ];
  if (request.followUp) history.push({ type: "model", response: [request.followUp.answer] }, { type: "user", text: request.followUp.correction });
  history.push({ type: "model", response: [] });
  return history;
}

function readStopReason(raw: string): FinishReason {
  if (raw === "maxTokens") return { normalized: "length", raw };
  if (raw === "eogToken" || raw === "stopGenerationTrigger" || raw === "customStopTrigger") return { normalized: "stop", raw };
  return { normalized: "other", raw };
}

/**
 * The answer with its numbers moved into the schema's ranges (see clampNumbers). An answer that
 * is not complete JSON (cut off at the token limit) is returned as it is, for the parser and the
 * re-ask to deal with.
 */
function clampAnswer(text: string, schema: JsonSchema): string {
  try {
    return JSON.stringify(clampNumbers(JSON.parse(text), schema));
  } catch {
    return text;
  }
}
