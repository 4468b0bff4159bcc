import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** How the fake server answers one request of a batch, decided by the same handler as direct calls. */
export type BatchLineAnswer = { status: number; body: unknown } | { expired: true };

/** Options of the fake batch endpoints. */
export interface FakeBatchOptions {
  /** Milliseconds after creation until a batch ends. Default 0: ended at the first status check. */
  batchDelayMs?: number;
  /**
   * When set, a batch ends at the first status check at which this returns true, whatever its
   * age: a test that needs a batch still running says so, instead of racing a delay.
   */
  endWhen?: (batch: FakeBatch) => boolean;
  /** Vendor limits the fake enforces, to check that Panelist splits. Defaults: the real ones. */
  batchLimits?: { maxRequests: number; maxBytes: number };
}

/** A batch the fake server holds. */
export interface FakeBatch {
  id: string;
  protocol: "openai" | "anthropic";
  /** Models named by the batch's requests. */
  models: string[];
  customIds: string[];
  createdAt: number;
  /** Set for a batch rejected at validation (OpenAI) — Anthropic rejects at create with a 400. */
  failed?: string;
  /** Result lines once the batch ended, in the (shuffled) order served. */
  results?: { customId: string; answer: BatchLineAnswer }[];
  /** OpenAI: the input file, the output and error files (null when empty). */
  inputFileId?: string;
  outputFileId?: string | null;
  errorFileId?: string | null;
}

type Send = (response: ServerResponse, status: number, body: unknown) => void;
type Answer = (protocol: "openai" | "anthropic", path: string, body: any, batchId: string) => Promise<BatchLineAnswer>;

const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * OpenAI's Files + Batch API and Anthropic's Message Batches as the official SDKs use them. Each
 * request of a batch is answered by the server's handler when the batch ends; results are served in
 * a shuffled order; OpenAI puts failures in a separate error file and leaves a file id null when it
 * has no lines.
 */
export class FakeBatchService {
  readonly batches: FakeBatch[] = [];
  private readonly files = new Map<string, string>();
  /** The requests of each batch, answered when it ends. */
  private readonly pendingLines = new Map<string, { customId: string; path: string; body: unknown }[]>();

  constructor(
    private readonly options: FakeBatchOptions,
    private readonly answer: Answer,
    private readonly send: Send,
  ) {}

  /** Whether this request is for a batch or file endpoint. */
  handles(path: string): boolean {
    return path === "/v1/files" || path.startsWith("/v1/files/") || path === "/v1/batches" || path.startsWith("/v1/batches/") || path.startsWith("/v1/messages/batches");
  }

  async handle(request: IncomingMessage, response: ServerResponse, path: string, raw: Buffer, baseUrl: string): Promise<void> {
    const method = request.method ?? "GET";
    const anthropic = path.startsWith("/v1/messages/batches");
    const notFound = (): void =>
      this.send(response, 404, anthropic ? { type: "error", error: { type: "not_found_error", message: `no ${path}` } } : { error: { message: `no ${path}`, type: "invalid_request_error", code: null, param: null } });
    if (method === "POST" && path === "/v1/files") return this.uploadFile(request, response, raw);
    const fileContent = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
    if (method === "GET" && fileContent) {
      const text = this.files.get(fileContent[1]!);
      if (text === undefined) return notFound();
      response.writeHead(200, { "content-type": "application/octet-stream" });
      response.end(text);
      return;
    }
    if (method === "POST" && path === "/v1/batches") return this.createOpenAIBatch(response, JSON.parse(raw.toString("utf8")));
    const openaiBatch = /^\/v1\/batches\/([^/]+)$/.exec(path);
    if (method === "GET" && openaiBatch) {
      const batch = this.find(openaiBatch[1]!, "openai");
      return batch ? this.send(response, 200, await this.openaiView(batch)) : notFound();
    }
    if (method === "POST" && path === "/v1/messages/batches") return this.createAnthropicBatch(response, JSON.parse(raw.toString("utf8")), baseUrl);
    const anthropicBatch = /^\/v1\/messages\/batches\/([^/]+)(\/results)?$/.exec(path);
    if (method === "GET" && anthropicBatch) {
      const batch = this.find(anthropicBatch[1]!, "anthropic");
      if (!batch) return notFound();
      if (!anthropicBatch[2]) return this.send(response, 200, await this.anthropicView(batch, baseUrl));
      if (!(await this.settle(batch))) return this.send(response, 400, { type: "error", error: { type: "invalid_request_error", message: "batch has not ended" } });
      response.writeHead(200, { "content-type": "application/binary" });
      response.end(batch.results!.map((line) => JSON.stringify(anthropicResult(line))).join("\n") + "\n");
      return;
    }
    return notFound();
  }

  private find(id: string, protocol: FakeBatch["protocol"]): FakeBatch | undefined {
    return this.batches.find((batch) => batch.id === id && batch.protocol === protocol);
  }

  private limits(): { maxRequests: number; maxBytes: number } {
    return this.options.batchLimits ?? { maxRequests: 50_000, maxBytes: 200 * 1024 * 1024 };
  }

  private async uploadFile(request: IncomingMessage, response: ServerResponse, raw: Buffer): Promise<void> {
    // The SDK uploads multipart/form-data; the platform's own parser reads it.
    const form = await new Request("http://fake/upload", { method: "POST", headers: { "content-type": String(request.headers["content-type"]) }, body: new Uint8Array(raw) }).formData();
    const file = form.get("file");
    if (form.get("purpose") !== "batch" || !(file instanceof Blob)) {
      return this.send(response, 400, { error: { message: "expected purpose=batch and a file", type: "invalid_request_error", code: null, param: null } });
    }
    const id = `file-${randomUUID().replace(/-/g, "").slice(0, 24)}`;
    const text = await file.text();
    this.files.set(id, text);
    this.send(response, 200, { id, object: "file", bytes: Buffer.byteLength(text), created_at: now(), filename: (file as File).name ?? "upload.jsonl", purpose: "batch", status: "processed" });
  }

  private createOpenAIBatch(response: ServerResponse, body: any): void {
    const input = this.files.get(String(body.input_file_id));
    if (input === undefined) return this.send(response, 400, { error: { message: "input_file_id not found", type: "invalid_request_error", code: null, param: "input_file_id" } });
    const lines = input.split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line));
    const batch: FakeBatch = {
      id: `batch_${randomUUID().replace(/-/g, "").slice(0, 24)}`,
      protocol: "openai",
      models: [...new Set(lines.map((line: any) => String(line.body?.model)))],
      customIds: lines.map((line: any) => String(line.custom_id)),
      createdAt: Date.now(),
      inputFileId: String(body.input_file_id),
    };
    // Validation as the real service does it: the whole batch fails, nothing runs.
    const { maxRequests, maxBytes } = this.limits();
    if (lines.length > maxRequests) batch.failed = `the batch has ${lines.length} requests; the limit is ${maxRequests}`;
    else if (Buffer.byteLength(input) > maxBytes) batch.failed = `the input file is larger than ${maxBytes} bytes`;
    else if (batch.models.length > 1) batch.failed = `the input file holds requests for more than one model: ${batch.models.join(", ")}`;
    else if (new Set(batch.customIds).size !== batch.customIds.length) batch.failed = "duplicate custom_id in the input file";
    else if (lines.some((line: any) => line.url !== body.endpoint || line.method !== "POST")) batch.failed = "a request's url does not match the batch endpoint";
    this.batches.push(batch);
    this.pendingLines.set(batch.id, lines.map((line: any) => ({ customId: String(line.custom_id), path: String(line.url), body: line.body })));
    void this.openaiView(batch).then((view) => this.send(response, 200, { ...view, metadata: body.metadata ?? null }));
  }

  private createAnthropicBatch(response: ServerResponse, body: any, baseUrl: string): void {
    const requests: any[] = Array.isArray(body.requests) ? body.requests : [];
    const bad = requests.find((entry) => !CUSTOM_ID.test(String(entry.custom_id)));
    const reject = (message: string): void => this.send(response, 400, { type: "error", error: { type: "invalid_request_error", message } });
    if (bad) return reject(`requests.custom_id: "${String(bad.custom_id)}" does not match ^[a-zA-Z0-9_-]{1,64}$`);
    const { maxRequests, maxBytes } = this.limits();
    if (requests.length > maxRequests) return reject(`a batch holds at most ${maxRequests} requests`);
    if (Buffer.byteLength(JSON.stringify(body)) > maxBytes) return this.send(response, 413, { type: "error", error: { type: "request_too_large", message: "batch too large" } });
    const customIds = requests.map((entry) => String(entry.custom_id));
    if (new Set(customIds).size !== customIds.length) return reject("duplicate custom_id");
    const batch: FakeBatch = {
      id: `msgbatch_${randomUUID().replace(/-/g, "").slice(0, 24)}`,
      protocol: "anthropic",
      models: [...new Set(requests.map((entry) => String(entry.params?.model)))],
      customIds,
      createdAt: Date.now(),
    };
    this.batches.push(batch);
    this.pendingLines.set(batch.id, requests.map((entry) => ({ customId: String(entry.custom_id), path: "/v1/messages", body: entry.params })));
    void this.anthropicView(batch, baseUrl).then((view) => this.send(response, 200, view));
  }

  /** Runs a batch's requests once its time has come; true when it has ended. */
  private async settle(batch: FakeBatch): Promise<boolean> {
    if (batch.failed) return true;
    if (batch.results) return true;
    if (this.options.endWhen ? !this.options.endWhen(batch) : Date.now() - batch.createdAt < (this.options.batchDelayMs ?? 0)) return false;
    const lines = this.pendingLines.get(batch.id) ?? [];
    const results: NonNullable<FakeBatch["results"]> = [];
    for (const line of lines) results.push({ customId: line.customId, answer: await this.answer(batch.protocol, line.path, line.body, batch.id) });
    // Results come back in any order: serve them reversed, so nothing can lean on input order.
    batch.results = results.reverse();
    if (batch.protocol === "openai") {
      const ok = batch.results.filter((line) => "status" in line.answer && line.answer.status === 200);
      const bad = batch.results.filter((line) => !("status" in line.answer && line.answer.status === 200));
      batch.outputFileId = ok.length > 0 ? this.storeFile(ok.map(openaiLine)) : null;
      batch.errorFileId = bad.length > 0 ? this.storeFile(bad.map(openaiLine)) : null;
    }
    return true;
  }

  private storeFile(lines: string[]): string {
    const id = `file-${randomUUID().replace(/-/g, "").slice(0, 24)}`;
    this.files.set(id, `${lines.join("\n")}\n`);
    return id;
  }

  private async openaiView(batch: FakeBatch): Promise<Record<string, unknown>> {
    const ended = await this.settle(batch);
    const ok = batch.results?.filter((line) => "status" in line.answer && line.answer.status === 200).length ?? 0;
    const status = batch.failed ? "failed" : ended ? "completed" : "in_progress";
    return {
      id: batch.id,
      object: "batch",
      endpoint: "/v1/chat/completions",
      errors: batch.failed ? { object: "list", data: [{ code: "invalid_request", message: batch.failed, line: null, param: null }] } : null,
      input_file_id: batch.inputFileId,
      completion_window: "24h",
      status,
      output_file_id: batch.outputFileId ?? null,
      error_file_id: batch.errorFileId ?? null,
      created_at: Math.floor(batch.createdAt / 1000),
      in_progress_at: batch.failed ? null : Math.floor(batch.createdAt / 1000),
      expires_at: Math.floor(batch.createdAt / 1000) + 86_400,
      completed_at: ended && !batch.failed ? now() : null,
      failed_at: batch.failed ? now() : null,
      request_counts: { total: batch.customIds.length, completed: ended ? ok : 0, failed: ended && batch.results ? batch.results.length - ok : 0 },
      metadata: null,
    };
  }

  private async anthropicView(batch: FakeBatch, baseUrl: string): Promise<unknown> {
    const ended = await this.settle(batch);
    const count = (type: string): number => batch.results?.filter((line) => anthropicResult(line).result.type === type).length ?? 0;
    return {
      id: batch.id,
      type: "message_batch",
      processing_status: ended ? "ended" : "in_progress",
      request_counts: { processing: ended ? 0 : batch.customIds.length, succeeded: count("succeeded"), errored: count("errored"), canceled: 0, expired: count("expired") },
      ended_at: ended ? new Date().toISOString() : null,
      created_at: new Date(batch.createdAt).toISOString(),
      expires_at: new Date(batch.createdAt + 86_400_000).toISOString(),
      archived_at: null,
      cancel_initiated_at: null,
      results_url: ended ? `${baseUrl}/v1/messages/batches/${batch.id}/results` : null,
    };
  }
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** One line of an OpenAI output or error file. */
function openaiLine(line: { customId: string; answer: BatchLineAnswer }): string {
  const id = `batch_req_${randomUUID().replace(/-/g, "").slice(0, 24)}`;
  if ("expired" in line.answer) {
    return JSON.stringify({ id, custom_id: line.customId, response: null, error: { code: "batch_expired", message: "This request could not be executed before the completion window expired." } });
  }
  return JSON.stringify({ id, custom_id: line.customId, response: { status_code: line.answer.status, request_id: `req_${randomUUID()}`, body: line.answer.body }, error: null });
}

/** One line of Anthropic's results stream. */
function anthropicResult(line: { customId: string; answer: BatchLineAnswer }): { custom_id: string; result: { type: string; [key: string]: unknown } } {
  if ("expired" in line.answer) return { custom_id: line.customId, result: { type: "expired" } };
  if (line.answer.status === 200) return { custom_id: line.customId, result: { type: "succeeded", message: line.answer.body } };
  return { custom_id: line.customId, result: { type: "errored", error: line.answer.body } };
}
