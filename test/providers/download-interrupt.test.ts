import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readdir } from "node:fs/promises";
import { afterAll, beforeAll, expect, test } from "vitest";
import { InterruptedError } from "../../src/errors/interrupted-error.js";
import { resolveLocalModel } from "../../src/providers/local-model-source.js";
import { loadLocalRuntime, type LocalRuntime } from "../../src/providers/local-runtime.js";
import { temporaryDirectory } from "../support/run-cli.js";

let runtime: LocalRuntime;
let url = "";
const open = new Set<ServerResponse>();
const server = createServer((request, response) => {
  // A 64 MB model that trickles out: the download is still running when it is cancelled.
  const size = 64 * 1024 * 1024;
  response.writeHead(200, { "content-length": size, "accept-ranges": "none", "content-type": "application/octet-stream" });
  if (request.method === "HEAD") return void response.end();
  open.add(response);
  const timer = setInterval(() => response.write(Buffer.alloc(16 * 1024, 7)), 20);
  response.on("close", () => {
    clearInterval(timer);
    open.delete(response);
  });
});

beforeAll(async () => {
  runtime = await loadLocalRuntime();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/models/big.gguf`;
});
afterAll(async () => {
  for (const response of open) response.destroy();
  await new Promise((resolve) => server.close(resolve));
});

test("Ctrl-C during a model download: an InterruptedError, and no partial file left in the models folder", async () => {
  const modelsDir = await temporaryDirectory("panelist-models-");
  const stop = new AbortController();
  const download = resolveLocalModel(url, runtime, {
    modelsDir,
    signal: stop.signal,
    onDownload: (event) => {
      // The first bytes have arrived: the user presses Ctrl-C.
      if (event.phase === "progress" && event.downloadedBytes > 0) stop.abort();
    },
  });
  await expect(download).rejects.toThrow(InterruptedError);
  await expect(download).rejects.toThrow(/^interrupted while downloading local:http:\/\/127\.0\.0\.1:\d+\/models\/big\.gguf; the partial download was removed \(run again to start it over\)$/);
  // ipull may finish removing its temporary file just after the cancel settles.
  for (let tries = 0; tries < 50 && (await readdir(modelsDir)).length > 0; tries += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(await readdir(modelsDir)).toEqual([]);
}, 20_000);
