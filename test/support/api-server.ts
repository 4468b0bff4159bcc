import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import { InputError } from "../../src/errors/input-error.js";
import type { SourceContext, SourceSettings } from "../../src/sources/tool-source.js";
import { plainHttpClient } from "./plain-http-client.js";

/** One scripted answer. */
export interface ApiAnswer {
  status?: number;
  /** A value is sent as JSON; a string as it is. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** One request the server received. */
export interface ApiRequest {
  /** The path with its query, as sent (percent-encoding kept). */
  path: string;
  headers: IncomingHttpHeaders;
}

/** A local server answering API paths from a table; any other path is a 404 with a JSON error, as the real APIs send. */
export interface ApiServer {
  url: string;
  requests: ApiRequest[];
  close(): Promise<void>;
}

export async function startApiServer(routes: Readonly<Record<string, ApiAnswer>>): Promise<ApiServer> {
  const requests: ApiRequest[] = [];
  const server = createServer((request, response) => {
    const path = request.url ?? "/";
    requests.push({ path, headers: request.headers });
    const answer = routes[path] ?? { status: 404, body: { message: "Not Found" } };
    const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body ?? {});
    const type = typeof answer.body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8";
    response.writeHead(answer.status ?? 200, { "content-type": type, ...answer.headers });
    response.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Kept-alive connections from fetch would hold the close open until they time out.
        server.closeAllConnections();
      }),
  };
}

/** A fixture from `fixtures/sources/`, parsed as JSON. */
export function sourceFixture(name: string): any {
  return JSON.parse(readFileSync(`fixtures/sources/${name}`, "utf8"));
}

/** A fixture from `fixtures/sources/`, as text. */
export function sourceFixtureText(name: string): string {
  return readFileSync(`fixtures/sources/${name}`, "utf8");
}

/** A source context with every API at `url`, facts stamped at a fixed time. */
export function sourceContext(url: string, overrides: { settings?: Partial<SourceSettings>; maxDescriptionChars?: number } = {}): SourceContext {
  return {
    http: plainHttpClient,
    settings: { githubApiUrl: url, npmRegistry: url, npmDownloadsUrl: url, pypiUrl: url, huggingFaceUrl: url, ...overrides.settings },
    maxDescriptionChars: overrides.maxDescriptionChars ?? 20_000,
    now: () => FETCHED_AT,
  };
}

/** The time the test contexts stamp facts with. */
export const FETCHED_AT = new Date("2026-05-02T10:00:00.000Z");

/** The InputError a promise rejects with (the test fails when it resolves or rejects with anything else). */
export async function inputFailure(promise: Promise<unknown>): Promise<InputError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}
