import type { HttpClient, HttpRequestOptions, HttpResponse } from "../../src/sources/tool-source.js";

/**
 * A tiny HttpClient over global fetch, for tests of a source against a local server: no guard, no
 * cap, no store. Redirects are followed; the body is read whole.
 */
export const plainHttpClient: HttpClient = {
  async get(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
    const response = await fetch(url, { headers: { ...(options.accept ? { accept: options.accept } : {}), ...options.headers } });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    return { url: response.url, status: response.status, headers, text: await response.text(), truncated: false, fromCache: false };
  },
};
