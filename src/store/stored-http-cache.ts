import type { CachedHttp, HttpCache } from "../sources/http-client.js";
import type { StatementSource } from "./statement-source.js";

interface HttpCacheRow {
  status: number;
  headers_json: string;
  body: string;
  etag: string | null;
  last_modified: string | null;
  fetched_at: string;
}

/** The sources' HTTP cache in the store: what a GitHub, npm or Hub read got, for conditional requests. */
export class StoredHttpCache implements HttpCache {
  constructor(private readonly statement: StatementSource) {}

  /** The stored copy of a source's HTTP response for this URL, if one was kept. */
  get(url: string): CachedHttp | undefined {
    const row = this.statement("SELECT * FROM http_cache WHERE url = ?").get(url) as HttpCacheRow | undefined;
    if (!row) return undefined;
    return {
      status: row.status,
      headers: JSON.parse(row.headers_json),
      text: row.body,
      ...(row.etag === null ? {} : { etag: row.etag }),
      ...(row.last_modified === null ? {} : { lastModified: row.last_modified }),
      fetchedAt: row.fetched_at,
    };
  }

  /** Stores (or replaces) the copy of a response for this URL, at once: a fetch is not a review to batch. */
  put(url: string, entry: CachedHttp): void {
    this.statement("INSERT OR REPLACE INTO http_cache (url, status, headers_json, body, etag, last_modified, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(url, entry.status, JSON.stringify(entry.headers), entry.text, entry.etag ?? null, entry.lastModified ?? null, entry.fetchedAt);
  }
}
