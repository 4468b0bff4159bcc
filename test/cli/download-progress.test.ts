import { PassThrough } from "node:stream";
import { expect, test } from "vitest";
import { createDownloadDisplay, formatBytes } from "../../src/cli/download-progress.js";
import type { ModelDownloadEvent } from "../../src/providers/local-model-source.js";

const GB = 1_117_320_736;
const events = (steps: number[]): ModelDownloadEvent[] => [
  { phase: "start", model: "qwen2.5-1.5b-instruct", directory: "/cache/models", totalBytes: GB },
  ...steps.map((share): ModelDownloadEvent => ({ phase: "progress", model: "qwen2.5-1.5b-instruct", downloadedBytes: Math.round(GB * share), totalBytes: GB })),
  { phase: "done", model: "qwen2.5-1.5b-instruct", path: "/cache/models/q.gguf" },
];

test("off a terminal: what is downloaded where, a line per tenth, and where it went", () => {
  let printed = "";
  const show = createDownloadDisplay(undefined, (text) => void (printed += text));
  for (const event of events([0.01, 0.05, 0.12, 0.13, 0.5, 0.99, 1])) show(event);
  expect(printed.split("\n").filter(Boolean)).toEqual([
    "Downloading local:qwen2.5-1.5b-instruct (1.1 GB) into /cache/models; this happens once, later runs load it from there.",
    "download: 0% (11.2 MB of 1.1 GB)",
    "download: 10% (134 MB of 1.1 GB)",
    "download: 50% (559 MB of 1.1 GB)",
    "download: 90% (1.1 GB of 1.1 GB)",
    "download: 100% (1.1 GB of 1.1 GB)",
    "Downloaded local:qwen2.5-1.5b-instruct to /cache/models/q.gguf",
  ]);
});

test("on a terminal: a bar instead of the lines", () => {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
  let drawn = "";
  stream.on("data", (chunk: Buffer) => void (drawn += chunk.toString()));
  let printed = "";
  const show = createDownloadDisplay(stream, (text) => void (printed += text));
  for (const event of events([0.25, 0.5])) show(event);
  expect(drawn).toMatch(/50% · 559 MB of 1\.1 GB · ETA/);
  expect(printed).not.toContain("download: ");
  expect(printed).toContain("Downloaded local:qwen2.5-1.5b-instruct");
});

test.each([
  [512, "512 B"],
  [1_500, "1.5 kB"],
  [986_000_000, "986 MB"],
  [GB, "1.1 GB"],
])("formatBytes(%i) is %s", (bytes, text) => {
  expect(formatBytes(bytes)).toBe(text);
});
