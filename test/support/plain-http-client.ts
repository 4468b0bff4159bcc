import type { HttpClient, HttpRequestOptions, HttpResponse } from "../../src/sources/tool-source.js";

/**
 * The HttpClient contract over the global fetch, with none of the production client's guards
 * (no size cap, no address checks, no store): for tests that talk to a local server.
 */
export const plainHttpClient: HttpClient = {
  async get(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.accept) headers["accept"] = options.accept;
    const response = await fetch(url, { headers });
    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      responseHeaders[name.toLowerCase()] = value;
    });
    return { url: response.url || url, status: response.status, headers: responseHeaders, text: await response.text(), truncated: false, fromCache: false };
  },
};
