import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { FakeBatchService, type BatchLineAnswer, type FakeBatch, type FakeBatchOptions } from "./fake-batch-service.js";
import { anthropicStreamEvents, openaiStreamEvents } from "./fake-llm-stream.js";

/** One request the fake server received. */
export interface FakeCall {
  protocol: "openai" | "anthropic";
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON request body. */
  body: any;
  /** All prompt text in order (system, then each message's text), joined with newlines. */
  text: string;
  model: string;
  /** 0-based order of arrival. */
  index: number;
  /** 1-based: how many requests with the same model and `text` have arrived so far. */
  attempt: number;
  /** Set for a request that came in a provider batch: the batch id. */
  batchId?: string;
  /** How the prompt was billed, set when the call was answered (see {@link PromptCacheUsage}). */
  promptCache?: PromptCacheUsage;
  /** `performance.now()` when the request arrived, and when its answer was made (after the latency). */
  arrivedAt: number;
  answeredAt?: number;
}

/**
 * The prompt tokens of one answered call, split as the services bill them: Anthropic bills cache
 * writes at 125% and reads at 10% of the input price; OpenAI bills cached tokens at a model's
 * cached-input price and writes nothing extra.
 */
export interface PromptCacheUsage {
  /** All prompt tokens, cached ones included. */
  promptTokens: number;
  /** Tokens read from the prompt cache. */
  cacheReadTokens: number;
  /** Tokens written to the prompt cache (Anthropic only). */
  cacheWriteTokens: number;
}

/** How the fake server answers one call. */
export type FakeReply =
  /** The model answers with this JSON (Anthropic: as tool input when a tool is forced). */
  | { kind: "json"; value: unknown; finishReason?: "stop" | "length"; delayMs?: number }
  /** The model answers with this raw text (prose-wrapped, malformed, truncated…). */
  | { kind: "text"; text: string; finishReason?: "stop" | "length"; delayMs?: number }
  /** An HTTP error with the protocol's error body. */
  | { kind: "error"; status: number; message?: string; errorType?: string; headers?: Record<string, string>; delayMs?: number }
  /** The model refuses. */
  | { kind: "refusal"; text: string; delayMs?: number }
  /** The model answers with nothing. */
  | { kind: "empty"; delayMs?: number }
  /** Accept the request and never answer. */
  | { kind: "hang" }
  /** Close the connection without answering. */
  | { kind: "reset" }
  /** A 200 whose JSON body is cut in the middle. */
  | { kind: "truncated-body"; delayMs?: number };

/** Decides the reply to each call. */
export type FakeHandler = (call: FakeCall) => FakeReply | Promise<FakeReply>;

/** Options of {@link startFakeLlmServer}. */
export interface FakeLlmServerOptions extends FakeBatchOptions {
  handler?: FakeHandler;
  /** When set, a request without this key (Bearer or x-api-key) gets a 401. */
  requireKey?: string;
  /**
   * Added before every answer, in milliseconds. A streamed answer (`stream: true`) gets its
   * headers at once, as the services send them when they accept a request, and its events after
   * this wait.
   */
  latencyMs?: number;
  /** OpenAI-style caching counts a shared prefix only from this many tokens. Default 1024, as the service does. */
  cacheMinTokens?: number;
  /** `false` turns the prompt cache off for both protocols (a baseline to compare against). Default true. */
  promptCache?: boolean;
  /**
   * Requests allowed a second, stated per minute as the services do: every answer carries the
   * limit (× 60), remaining and reset of a minute's bucket that refills continuously (OpenAI's
   * x-ratelimit-*, reset as a duration; Anthropic's anthropic-ratelimit-*, reset as a time); more
   * than this many in any second get a 429 with retry-after-ms.
   */
  requestsPerSecond?: number;
}

/** A running fake server. */
export interface FakeLlmServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** What the openai SDK's baseURL wants: `${url}/v1`. */
  openaiBaseUrl: string;
  /** What the Anthropic SDK's baseURL wants: `${url}`. */
  anthropicBaseUrl: string;
  /** Every request received, in order; requests of a batch are added when the batch runs. */
  calls: FakeCall[];
  /** Batches created through the OpenAI Batch API or Anthropic Message Batches. */
  batches: FakeBatch[];
  setHandler(handler: FakeHandler): void;
  /** Closes the server, ending hanging requests and open sockets. */
  close(): Promise<void>;
}

/** The token estimate the fake server bills with: about four characters a token. */
export function countTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** A valid verdict, the answer when no handler is given. */
export const DEFAULT_VERDICT = {
  verdict: "ship",
  confidence: 0.8,
  quote: "Solid tool; I would ship it.",
  rationale: "The default fake answer.",
  strengths: ["works"],
  risks: ["none noted"],
  pricingRead: null,
};

/**
 * Starts a fake LLM server on 127.0.0.1 that speaks OpenAI Chat Completions
 * (`POST /v1/chat/completions`) and Anthropic Messages (`POST /v1/messages`) as the official SDKs
 * expect them, answering each call as the handler scripts; plus OpenAI's Files and Batch API and
 * Anthropic's Message Batches, whose requests the same handler answers when a batch ends.
 */
export async function startFakeLlmServer(options: FakeLlmServerOptions = {}): Promise<FakeLlmServer> {
  let handler: FakeHandler = options.handler ?? (() => ({ kind: "json", value: DEFAULT_VERDICT }));
  const calls: FakeCall[] = [];
  const seen = new Map<string, number>();
  const cache = new PromptCache(options.promptCache ?? true, options.cacheMinTokens ?? 1024);
  const requestLimit = new RequestLimit(options.requestsPerSecond);
  const sockets = new Set<Socket>();
  const pending = new Set<ServerResponse>();
  let url = "";
  const batchService = new FakeBatchService(options, answerBatchLine, (response, status, body) => sendJson(response, status, body));

  /** Answers one request of a batch with the same handler, usage and cache as a direct call. */
  async function answerBatchLine(protocol: FakeCall["protocol"], path: string, body: any, batchId: string): Promise<BatchLineAnswer> {
    const text = promptText(protocol, body);
    const model = String(body?.model ?? "");
    const key = attemptKey(model, text);
    const attempt = (seen.get(key) ?? 0) + 1;
    seen.set(key, attempt);
    const call: FakeCall = { protocol, path, headers: {}, body, text, model, index: calls.length, attempt, batchId, arrivedAt: performance.now() };
    calls.push(call);
    const lookup = cache.lookup(protocol, body);
    const reply = await handler(call);
    switch (reply.kind) {
      case "hang":
      case "reset":
      case "truncated-body":
        return { expired: true };
      case "error":
        return { status: reply.status, body: errorBody(protocol, reply) };
      default:
        return { status: 200, body: success(protocol, body, reply, lookup, call) };
    }
  }

  const server = createServer((request, response) => {
    pending.add(response);
    response.on("close", () => pending.delete(response));
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: { message: String(error), type: "server_error" } });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? "/").split("?")[0]!;
    const protocol = path === "/v1/chat/completions" ? "openai" : path === "/v1/messages" ? "anthropic" : undefined;
    const bytes = await readBody(request);
    if (batchService.handles(path)) {
      if (options.requireKey !== undefined && keyOf(request) !== options.requireKey) {
        return sendError(response, path.startsWith("/v1/messages") ? "anthropic" : "openai", { kind: "error", status: 401, message: "invalid key" });
      }
      return batchService.handle(request, response, path, bytes, url);
    }
    const raw = bytes.toString("utf8");
    if (request.method !== "POST" || protocol === undefined) {
      const anthropicStyle = "anthropic-version" in request.headers;
      return sendError(response, anthropicStyle ? "anthropic" : "openai", { kind: "error", status: 404, message: `no route ${request.method} ${path}` });
    }
    if (options.requireKey !== undefined && keyOf(request) !== options.requireKey) {
      return sendError(response, protocol, { kind: "error", status: 401, message: "invalid x-api-key", errorType: protocol === "anthropic" ? "authentication_error" : "invalid_api_key" });
    }
    let body: any;
    try {
      body = JSON.parse(raw);
    } catch {
      return sendError(response, protocol, { kind: "error", status: 400, message: "request body is not JSON" });
    }
    const text = promptText(protocol, body);
    const model = String(body.model ?? "");
    const key = attemptKey(model, text);
    const attempt = (seen.get(key) ?? 0) + 1;
    seen.set(key, attempt);
    const call: FakeCall = { protocol, path, headers: request.headers, body, text, model, index: calls.length, attempt, arrivedAt: performance.now() };
    calls.push(call);
    const limit = requestLimit.take(protocol);
    if (limit && !limit.allowed) {
      return sendError(response, protocol, { kind: "error", status: 429, message: "rate limit reached for requests", headers: { ...limit.headers, "retry-after-ms": String(limit.retryAfterMs) } });
    }
    const limitHeaders = limit?.headers ?? {};
    // The cache is looked up as the request arrives and written only when it is answered: a request
    // sent while an identical prefix is still being processed finds nothing, as with the services.
    const lookup = cache.lookup(protocol, body);
    const reply = await handler(call);
    const delay = (options.latencyMs ?? 0) + ("delayMs" in reply ? (reply.delayMs ?? 0) : 0);
    if (body.stream === true && (ANSWER_KINDS.has(reply.kind) || reply.kind === "truncated-body")) {
      return streamAnswer(request, response, protocol, body, reply as AnswerReply | { kind: "truncated-body" }, delay, limitHeaders, lookup, call);
    }
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (response.destroyed) return;
    switch (reply.kind) {
      case "hang":
        return; // Left open until the client gives up or the server closes.
      case "reset":
        request.socket.destroy();
        return;
      case "error":
        return sendError(response, protocol, reply);
      case "truncated-body": {
        const full = JSON.stringify(success(protocol, body, { kind: "json", value: DEFAULT_VERDICT }, lookup, call));
        response.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(full)) });
        response.write(full.slice(0, Math.floor(full.length / 2)));
        // Give the half body time to leave before the connection drops mid-message.
        setTimeout(() => request.socket.destroy(), 5);
        return;
      }
      default:
        return sendJson(response, 200, success(protocol, body, reply, lookup, call), limitHeaders);
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;
  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    calls,
    batches: batchService.batches,
    setHandler: (next) => void (handler = next),
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of pending) response.destroy();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * The key that counts repeats of one request: a digest rather than the prompt itself, so that a
 * long benchmark does not keep every prompt twice (calls[] has it) and the server's heap, which
 * shares the machine with the client under test, stays small.
 */
function attemptKey(model: string, text: string): string {
  return createHash("sha1").update(model).update("\u0000").update(text).digest("base64");
}

/** Reads the request body. */
function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function keyOf(request: IncomingMessage): string | undefined {
  const apiKey = request.headers["x-api-key"];
  if (typeof apiKey === "string") return apiKey;
  const authorization = request.headers.authorization;
  return typeof authorization === "string" && authorization.startsWith("Bearer ") ? authorization.slice(7) : undefined;
}

/** The text of a content field: a string, or an array of text blocks. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((block) => (block && typeof block === "object" && typeof (block as { text?: unknown }).text === "string" ? (block as { text: string }).text : ""))
      .filter(Boolean)
      .join("\n");
  }
  return "";
}

function promptText(protocol: FakeCall["protocol"], body: any): string {
  const parts: string[] = [];
  if (protocol === "anthropic" && body.system !== undefined) parts.push(contentText(body.system));
  for (const message of Array.isArray(body.messages) ? body.messages : []) parts.push(contentText(message?.content));
  return parts.filter(Boolean).join("\n");
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json", "x-request-id": `req_${randomUUID()}`, "request-id": `req_${randomUUID()}`, ...headers });
  response.end(JSON.stringify(body));
}

const ANTHROPIC_ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

/** The protocol's error body for an error reply. */
function errorBody(protocol: FakeCall["protocol"], reply: Extract<FakeReply, { kind: "error" }>): unknown {
  const message = reply.message ?? `fake error ${reply.status}`;
  return protocol === "anthropic"
    ? { type: "error", error: { type: reply.errorType ?? ANTHROPIC_ERROR_TYPES[reply.status] ?? "api_error", message } }
    : { error: { message, type: reply.errorType ?? (reply.status === 429 ? "rate_limit_exceeded" : reply.status >= 500 ? "server_error" : "invalid_request_error"), code: null, param: null } };
}

function sendError(response: ServerResponse, protocol: FakeCall["protocol"], reply: Extract<FakeReply, { kind: "error" }>): void {
  sendJson(response, reply.status, errorBody(protocol, reply), reply.headers);
}

type AnswerReply = Extract<FakeReply, { kind: "json" | "text" | "refusal" | "empty" }>;
const ANSWER_KINDS = new Set<FakeReply["kind"]>(["json", "text", "refusal", "empty"]);

/**
 * A streamed answer: the headers (with any rate-limit headers) at once, the events after `delay`;
 * a truncated body stops halfway through the events and drops the connection.
 */
async function streamAnswer(
  request: IncomingMessage,
  response: ServerResponse,
  protocol: FakeCall["protocol"],
  body: any,
  reply: AnswerReply | { kind: "truncated-body" },
  delay: number,
  limitHeaders: Record<string, string>,
  lookup: CacheLookup,
  call: FakeCall,
): Promise<void> {
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "x-request-id": `req_${randomUUID()}`, "request-id": `req_${randomUUID()}`, ...limitHeaders });
  response.flushHeaders();
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  if (response.destroyed) return;
  const answer = success(protocol, body, reply.kind === "truncated-body" ? { kind: "json", value: DEFAULT_VERDICT } : reply, lookup, call);
  const events = protocol === "openai" ? openaiStreamEvents(answer, body.stream_options?.include_usage === true) : anthropicStreamEvents(answer);
  if (reply.kind !== "truncated-body") return void response.end(events.join(""));
  response.write(events.slice(0, Math.floor(events.length / 2)).join(""));
  setTimeout(() => request.socket.destroy(), 5);
}

function success(protocol: FakeCall["protocol"], body: any, reply: AnswerReply, lookup: CacheLookup, call: FakeCall): unknown {
  const model = String(body.model ?? "fake-model");
  const answer = reply.kind === "json" ? JSON.stringify(reply.value) : reply.kind === "empty" ? "" : reply.text;
  const outputTokens = countTokens(answer);
  const finish = "finishReason" in reply ? (reply.finishReason ?? "stop") : "stop";
  lookup.commit();
  call.promptCache = lookup.usage;
  call.answeredAt = performance.now();
  const { promptTokens, cacheReadTokens, cacheWriteTokens } = lookup.usage;
  if (protocol === "openai") {
    return {
      id: `chatcmpl-${randomUUID()}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: reply.kind === "refusal" ? null : answer, refusal: reply.kind === "refusal" ? reply.text : null },
          finish_reason: finish,
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: promptTokens, completion_tokens: outputTokens, total_tokens: promptTokens + outputTokens, prompt_tokens_details: { cached_tokens: cacheReadTokens } },
    };
  }
  const forcedTool = body.tool_choice?.type === "tool" ? String(body.tool_choice.name) : undefined;
  const content =
    reply.kind === "empty"
      ? []
      : reply.kind === "json" && forcedTool
        ? [{ type: "tool_use", id: `toolu_${randomUUID().replace(/-/g, "")}`, name: forcedTool, input: reply.value }]
        : [{ type: "text", text: answer }];
  const stopReason = reply.kind === "refusal" ? "refusal" : finish === "length" ? "max_tokens" : reply.kind === "json" && forcedTool ? "tool_use" : "end_turn";
  return {
    id: `msg_${randomUUID().replace(/-/g, "")}`,
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    // Anthropic counts cache reads and writes apart from `input_tokens`.
    usage: { input_tokens: promptTokens - cacheReadTokens - cacheWriteTokens, cache_creation_input_tokens: cacheWriteTokens, cache_read_input_tokens: cacheReadTokens, output_tokens: outputTokens },
  };
}

/** What the prompt cache found for a request on arrival, and how to write its entries once it is answered. */
interface CacheLookup {
  usage: PromptCacheUsage;
  commit(): void;
}

/**
 * The minimum cacheable prompt length of an Anthropic model, as Anthropic documents it: a
 * breakpoint whose prefix is shorter is neither written nor read (the request still succeeds).
 */
export function anthropicMinCacheTokens(model: string): number {
  if (/haiku-4-5|opus-4-[56]/.test(model)) return 4096;
  // Sonnet 4.6 is documented at 1,024 but observed (and listed by gateways) at 2,048: the stricter one.
  if (/sonnet-4-6|3-5-haiku|3-haiku/.test(model)) return 2048;
  return 1024;
}

/**
 * Prompt-cache accounting that behaves like the real services closely enough to measure caching,
 * and never more generously:
 * - Anthropic writes an entry at every `cache_control` mark (tools, system, messages in that order)
 *   whose prefix reaches the model's minimum cacheable length, and reads the longest entry already
 *   written for that model (the service also looks back up to 20 blocks before a mark; this does not);
 * - OpenAI caches the longest prefix shared with an earlier prompt to the same model, in steps of
 *   128 tokens, from 1,024 tokens (the prompt text only: the response-format schema is not counted).
 * Entries become readable only when the request that wrote them is answered.
 */
class PromptCache {
  private readonly anthropicPrefixes = new Set<string>();
  private readonly openaiPrefixes = new Map<string, Set<string>>();

  constructor(
    private readonly enabled: boolean,
    private readonly openaiMinTokens: number,
  ) {}

  lookup(protocol: FakeCall["protocol"], body: any): CacheLookup {
    return protocol === "openai" ? this.openai(String(body.model ?? ""), promptText(protocol, body)) : this.anthropic(body);
  }

  private openai(model: string, prompt: string): CacheLookup {
    const promptTokens = countTokens(prompt);
    if (!this.enabled) return { usage: { promptTokens, cacheReadTokens: 0, cacheWriteTokens: 0 }, commit: () => {} };
    // The prompt is cached in blocks of 128 tokens (512 characters here); a block counts when the
    // whole prefix up to its end was seen before. One hash pass per request keeps a long benchmark linear.
    const seen = this.openaiPrefixes.get(model) ?? new Set<string>();
    this.openaiPrefixes.set(model, seen);
    const hash = createHash("sha256");
    const keys: string[] = [];
    let cachedBlocks = 0;
    let stillCached = true;
    for (let end = BLOCK_CHARS; end <= prompt.length; end += BLOCK_CHARS) {
      hash.update(prompt.slice(end - BLOCK_CHARS, end));
      const key = hash.copy().digest("base64");
      if (stillCached && seen.has(key)) cachedBlocks += 1;
      else stillCached = false;
      keys.push(key);
    }
    const tokens = cachedBlocks * 128;
    return {
      usage: { promptTokens, cacheReadTokens: tokens >= this.openaiMinTokens ? tokens : 0, cacheWriteTokens: 0 },
      commit: () => {
        // Prompts shorter than the minimum are not cached at all.
        if (keys.length * 128 >= this.openaiMinTokens) for (const key of keys) seen.add(key);
      },
    };
  }

  private anthropic(body: any): CacheLookup {
    const model = String(body.model ?? "");
    const segments: { text: string; marked: boolean }[] = [];
    for (const tool of Array.isArray(body.tools) ? body.tools : []) segments.push({ text: JSON.stringify(tool), marked: Boolean(tool.cache_control) });
    const system = typeof body.system === "string" ? [{ type: "text", text: body.system }] : Array.isArray(body.system) ? body.system : [];
    for (const block of system) segments.push({ text: String(block.text ?? ""), marked: Boolean(block.cache_control) });
    for (const message of Array.isArray(body.messages) ? body.messages : []) {
      const blocks = typeof message.content === "string" ? [{ text: message.content }] : Array.isArray(message.content) ? message.content : [];
      for (const block of blocks) segments.push({ text: String(block.text ?? JSON.stringify(block)), marked: Boolean(block.cache_control) });
    }
    const promptTokens = countTokens(segments.map((segment) => segment.text).join(""));
    // Every breakpoint long enough to cache writes an entry for the prefix up to it; a request
    // reads the longest entry already written and writes the rest up to its last such breakpoint.
    const minTokens = anthropicMinCacheTokens(model);
    const breakpoints: { key: string; tokens: number }[] = [];
    let prefix = "";
    for (const segment of segments) {
      prefix += segment.text;
      const tokens = countTokens(prefix);
      if (segment.marked && tokens >= minTokens) breakpoints.push({ key: `${model}\u0000${prefix}`, tokens });
    }
    if (!this.enabled || breakpoints.length === 0) return { usage: { promptTokens, cacheReadTokens: 0, cacheWriteTokens: 0 }, commit: () => {} };
    const hit = [...breakpoints].reverse().find((candidate) => this.anthropicPrefixes.has(candidate.key));
    const readTokens = hit?.tokens ?? 0;
    return {
      usage: { promptTokens, cacheReadTokens: readTokens, cacheWriteTokens: breakpoints.at(-1)!.tokens - readTokens },
      commit: () => {
        for (const candidate of breakpoints) this.anthropicPrefixes.add(candidate.key);
      },
    };
  }
}

/**
 * A rate limit as OpenAI and Anthropic run one: stated per minute in the headers (limit,
 * remaining, time until fully replenished), replenished continuously, and enforced over one
 * second, so a client that spends a minute's `remaining` at once gets 429s long before it is used.
 */
class RequestLimit {
  /** Requests left in the minute's bucket and in the second's, refilled at `perSecond`. */
  private minuteLevel: number;
  private secondLevel: number;
  private updatedAt = Date.now();

  constructor(private readonly perSecond: number | undefined) {
    this.minuteLevel = (perSecond ?? 0) * 60;
    this.secondLevel = perSecond ?? 0;
  }

  /** Counts one request; undefined when there is no limit. */
  take(protocol: "openai" | "anthropic"): { allowed: boolean; retryAfterMs: number; headers: Record<string, string> } | undefined {
    if (this.perSecond === undefined) return undefined;
    const now = Date.now();
    const refill = ((now - this.updatedAt) / 1000) * this.perSecond;
    this.updatedAt = now;
    this.minuteLevel = Math.min(this.perSecond * 60, this.minuteLevel + refill);
    this.secondLevel = Math.min(this.perSecond, this.secondLevel + refill);
    const allowed = this.secondLevel >= 1 && this.minuteLevel >= 1;
    if (allowed) {
      this.secondLevel -= 1;
      this.minuteLevel -= 1;
    }
    const limit = this.perSecond * 60;
    const remaining = Math.floor(this.minuteLevel);
    const resetMs = Math.max(1, Math.ceil(((limit - this.minuteLevel) / this.perSecond) * 1000));
    const retryAfterMs = Math.max(1, Math.ceil(((1 - Math.min(this.secondLevel, this.minuteLevel)) / this.perSecond) * 1000));
    const headers: Record<string, string> =
      protocol === "openai"
        ? { "x-ratelimit-limit-requests": String(limit), "x-ratelimit-remaining-requests": String(remaining), "x-ratelimit-reset-requests": resetMs < 1000 ? `${resetMs}ms` : `${resetMs / 1000}s` }
        : { "anthropic-ratelimit-requests-limit": String(limit), "anthropic-ratelimit-requests-remaining": String(remaining), "anthropic-ratelimit-requests-reset": new Date(now + resetMs).toISOString() };
    return { allowed, retryAfterMs, headers };
  }
}

/** Characters per cache block: 128 tokens at the server's four characters a token. */
const BLOCK_CHARS = 512;
