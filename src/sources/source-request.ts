import { z } from "zod";
import { InputError } from "../errors/input-error.js";
import { zodIssueText } from "../errors/zod-issue-text.js";
import type { HttpRequestOptions, HttpResponse, SourceContext } from "./tool-source.js";

/**
 * One GET for a spec. The client returns every status; what it throws (a refused address, a
 * timeout, a connection failure) becomes an InputError naming the spec, so the run skips that
 * tool with one line instead of stopping.
 * @internal
 */
export async function requestFor(spec: string, context: SourceContext, url: string, options: HttpRequestOptions): Promise<HttpResponse> {
  try {
    return await context.http.get(url, options);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError({ file: spec }, `could not read ${url}: ${reason}`);
  }
}

/**
 * The JSON body of a 2xx answer, checked against the shape the service documents. A cut or
 * malformed body is the service's fault, not the user's, but it still means this tool cannot be read.
 * @internal
 */
export function parseAnswer<Schema extends z.ZodType>(spec: string, service: string, response: HttpResponse, schema: Schema): z.infer<Schema> {
  if (response.truncated) throw new InputError({ file: spec }, `${service}'s answer from ${response.url} is larger than the size cap`);
  let value: unknown;
  try {
    value = JSON.parse(response.text);
  } catch {
    throw new InputError({ file: spec }, `${service}'s answer from ${response.url} is not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")} ` : "";
    throw new InputError({ file: spec }, `${service}'s answer from ${response.url} is not in the documented shape: ${where}${issue ? zodIssueText(issue) : "invalid"}`);
  }
  return parsed.data;
}

/** Whether an answer carries the document: a 2xx, or a 304 for which the client gave the store's copy. @internal */
export function isSuccess(response: HttpResponse): boolean {
  return (response.status >= 200 && response.status < 300) || (response.status === 304 && response.fromCache);
}

/** The error for a status a source has no better words for. @internal */
export function unexpectedStatus(spec: string, service: string, response: HttpResponse): InputError {
  return new InputError({ file: spec }, `${service} answered ${String(response.status)} for ${response.url}`);
}

/** A base URL from the settings, without the trailing slash users often give it. @internal */
export function baseUrl(url: string): string {
  return url.replace(/\/+$/, "");
}
