import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { FakeBatchService, type BatchLineAnswer, type FakeBatch, type FakeBatchOptions } from "./fake-batch-service.js";
import { anthropicStreamEvents, openaiStreamEvents } from "./fake-llm-stream.js";
import { countTokens, PromptCache, promptText, type CacheLookup, type PromptCacheUsage } from "./fake-prompt-cache.js";
import { RequestLimit } from "./fake-request-limit.js";

export type { PromptCacheUsage } from "./fake-prompt-cache.js";

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
