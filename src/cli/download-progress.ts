import cliProgress from "cli-progress";
import type { ModelDownloadEvent } from "../providers/local-model-source.js";

/** Shows a model download: a bar on a terminal, a line per tenth of the file otherwise. */
export function createDownloadDisplay(stream: (NodeJS.WritableStream & { isTTY?: boolean }) | undefined, print: (text: string) => void): (event: ModelDownloadEvent) => void {
  let bar: cliProgress.SingleBar | undefined;
  let lastTenth = -1;
  return (event) => {
    switch (event.phase) {
      case "start": {
        const size = event.totalBytes === undefined ? "" : ` (${formatBytes(event.totalBytes)})`;
        print(`Downloading local:${event.model}${size} into ${event.directory}; this happens once, later runs load it from there.\n`);
        if (stream?.isTTY) {
          bar = new cliProgress.SingleBar(
            { stream, format: "{bar} {percentage}% · {done} of {size} · ETA {eta_formatted}", hideCursor: true, clearOnComplete: true },
            cliProgress.Presets.shades_classic,
          );
        }
        return;
      }
      case "progress": {
        const payload = { done: formatBytes(event.downloadedBytes), size: formatBytes(event.totalBytes) };
        if (bar) {
          if (lastTenth < 0) bar.start(event.totalBytes, event.downloadedBytes, payload);
          else bar.update(event.downloadedBytes, payload);
          lastTenth = 0;
          return;
        }
        const tenth = event.totalBytes > 0 ? Math.floor((event.downloadedBytes / event.totalBytes) * 10) : 0;
        if (tenth > lastTenth) {
          lastTenth = tenth;
          print(`download: ${tenth * 10}% (${payload.done} of ${payload.size})\n`);
        }
        return;
      }
      case "done":
        bar?.stop();
        print(`Downloaded local:${event.model} to ${event.path}\n`);
    }
  };
}

/** Bytes as a person reads them: `512 kB`, `1.1 GB` (decimal units, as download sites give sizes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
