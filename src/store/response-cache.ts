import type { GenerateSuccess } from "../providers/provider.js";
import type { WriteQueue } from "./write-queue.js";
import type { StatementSource } from "./statement-source.js";

/** A stored provider answer, served again for an identical request (the pipeline's lookup reads these). */
export type CachedResponse = Pick<GenerateSuccess, "text" | "usage" | "finishReason" | "responseModel">;

interface ResponseRow {
  text: string;
  usage_json: string;
  finish_reason_json: string;
  response_model: string;
}

/**
 * Providers' answers by request hash: a request already answered usably is served from here
 * instead of being paid for again (a resumed run, a re-run of an unchanged panel).
 */
export class ResponseCache {
  constructor(
    private readonly statement: StatementSource,
    private readonly writes: WriteQueue,
  ) {}

  /** The stored answer to a request with this hash, if one was stored. */
  getResponse(requestHash: string): CachedResponse | undefined {
    const row = this.statement("SELECT * FROM responses WHERE request_hash = ?").get(requestHash) as ResponseRow | undefined;
    if (!row) return undefined;
    return { text: row.text, usage: JSON.parse(row.usage_json), finishReason: JSON.parse(row.finish_reason_json), responseModel: row.response_model };
  }

  /** Stores a provider's answer under its request hash (queued: committed with the turn's other writes, see {@link WriteQueue}). */
  putResponse(requestHash: string, model: string, response: CachedResponse): void {
    const createdAt = new Date().toISOString();
    this.writes.add(() =>
      this.statement("INSERT OR REPLACE INTO responses (request_hash, model, text, usage_json, finish_reason_json, response_model, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .run(requestHash, model, response.text, JSON.stringify(response.usage), JSON.stringify(response.finishReason), response.responseModel, createdAt),
    );
  }
}
