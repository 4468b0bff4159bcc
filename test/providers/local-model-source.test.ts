import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ConfigError } from "../../src/errors/config-error.js";
import { fileNameForUrl, resolveLocalModel, type ModelDownloadEvent } from "../../src/providers/local-model-source.js";
import { DEFAULT_LOCAL_MODEL } from "../../src/providers/local-models.js";
import { loadLocalRuntime, type LocalRuntime } from "../../src/providers/local-runtime.js";
import { temporaryDirectory } from "../support/run-cli.js";
import { writeTinyGguf } from "../support/tiny-gguf.js";
import { closedPort } from "../support/closed-port.js";

/** A plain HTTP file server on 127.0.0.1 that records every request, with ranges as downloaders use them. */
async function startModelServer(files: Record<string, Buffer>): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0]!;
    requests.push(`${request.method} ${path}`);
    const body = files[path];
    if (!body) return void response.writeHead(404).end();
    const range = /bytes=(\d+)-(\d*)/.exec(request.headers.range ?? "");
    if (range) {
      const start = Number(range[1]);
      const end = range[2] ? Number(range[2]) : body.length - 1;
      response.writeHead(206, { "content-length": end - start + 1, "content-range": `bytes ${start}-${end}/${body.length}`, "accept-ranges": "bytes" });
      return void response.end(request.method === "HEAD" ? undefined : body.subarray(start, end + 1));
    }
    response.writeHead(200, { "content-length": body.length, "accept-ranges": "bytes", "content-type": "application/octet-stream" });
    response.end(request.method === "HEAD" ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let runtime: LocalRuntime;
let model: Buffer;
let server: Awaited<ReturnType<typeof startModelServer>>;

beforeAll(async () => {
  runtime = await loadLocalRuntime();
  const file = join(await temporaryDirectory("panelist-gguf-"), "tiny.gguf");
  await writeTinyGguf(file);
  model = await readFile(file);
  server = await startModelServer({ "/models/tiny.gguf": model, "/someone/tiny-model/resolve/main/tiny.gguf": model });
});
afterAll(async () => server?.close());

describe("resolveLocalModel", () => {
  test("a URL: downloaded once into the models folder with progress, then found there with no request at all", async () => {
    const modelsDir = await temporaryDirectory("panelist-models-");
    const events: ModelDownloadEvent[] = [];
    const uri = `${server.url}/models/tiny.gguf`;
    server.requests.length = 0;
    const path = await resolveLocalModel(uri, runtime, { modelsDir, onDownload: (event) => events.push(event) });
    expect(path).toBe(join(modelsDir, fileNameForUrl(uri)));
    expect((await readFile(path)).equals(model)).toBe(true);
    expect(server.requests.filter((line) => line.startsWith("GET"))).not.toHaveLength(0);
    expect(events[0]).toEqual({ phase: "start", model: uri, directory: modelsDir });
    expect(events.at(-1)).toEqual({ phase: "done", model: uri, path });
    const progress = events.filter((event) => event.phase === "progress");
    expect(progress.at(-1)).toMatchObject({ downloadedBytes: model.length, totalBytes: model.length });

    server.requests.length = 0;
    const again: ModelDownloadEvent[] = [];
    await expect(resolveLocalModel(uri, runtime, { modelsDir, onDownload: (event) => again.push(event) })).resolves.toBe(path);
    expect(server.requests).toEqual([]);
    expect(again).toEqual([]);
    expect(await readdir(modelsDir)).toEqual([fileNameForUrl(uri)]);
  });

  test("an hf: URI goes to the Hugging Face endpoint given (a mirror), then stays local", async () => {
    const modelsDir = await temporaryDirectory("panelist-models-");
    server.requests.length = 0;
    const path = await resolveLocalModel("hf:someone/tiny-model/tiny.gguf", runtime, { modelsDir, huggingFaceEndpoint: `${server.url}/` });
    expect(server.requests).toContain("GET /someone/tiny-model/resolve/main/tiny.gguf");
    expect((await readFile(path)).equals(model)).toBe(true);
    server.requests.length = 0;
    await expect(resolveLocalModel("hf:someone/tiny-model/tiny.gguf", runtime, { modelsDir, huggingFaceEndpoint: `${server.url}/` })).resolves.toBe(path);
    expect(server.requests).toEqual([]);
  });

  test("offline and not downloaded: a configuration error at once, naming the three ways to configure a provider", async () => {
    const modelsDir = await temporaryDirectory("panelist-models-");
    // "At once" is no retry loop against a closed port; that fails the test timeout, not a wall-clock limit.
    const error = await resolveLocalModel(DEFAULT_LOCAL_MODEL, runtime, { modelsDir, huggingFaceEndpoint: `http://127.0.0.1:${await closedPort()}/` }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(new RegExp(`^--model: local:${DEFAULT_LOCAL_MODEL.replaceAll(".", "\\.")} is not in .* and cannot be downloaded \\(http://127\\.0\\.0\\.1:\\d+/: ECONNREFUSED\\)`));
    expect(message).toContain("ANTHROPIC_API_KEY");
    expect(message).toContain("OPENAI_API_KEY, or OPENAI_BASE_URL");
    expect(message).toContain("--model local:<file.gguf>");
    expect(message).not.toContain("\n");
    expect(await readdir(modelsDir)).toEqual([]);
  });

  test("a file path is used as it is; a missing one is named", async () => {
    const file = join(await temporaryDirectory("panelist-gguf-"), "mine.gguf");
    await writeTinyGguf(file);
    await expect(resolveLocalModel(file, runtime, {})).resolves.toBe(file);
    await expect(resolveLocalModel("/no/such/model.gguf", runtime, {})).rejects.toThrow(/^--model: local:\/no\/such\/model\.gguf: no such file; give a \.gguf file, hf:/);
  });

  test("a URI with no models folder asks for PANELIST_MODELS_DIR", async () => {
    await expect(resolveLocalModel(`${server.url}/models/tiny.gguf`, runtime, {})).rejects.toThrow(/^PANELIST_MODELS_DIR: is not set/);
  });

  test.each([
    ["https://example.com/models/Qwen-1.5B.Q4_K_M.gguf", "example.com_models_Qwen-1.5B.Q4_K_M.gguf"],
    ["http://127.0.0.1:8080/tiny.gguf", "127.0.0.1_8080_tiny.gguf"],
    ["https://example.com/download?id=7", "example.com_download.gguf"],
  ])("file name for %s", (url, expected) => {
    expect(fileNameForUrl(url)).toBe(expected);
  });
});
