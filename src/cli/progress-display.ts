import cliProgress from "cli-progress";
import type { BatchProgress } from "../batch/run-batch.js";

/** Shows batch progress: a bar on a terminal, a plain line every few seconds otherwise. */
export interface ProgressDisplay {
  update(progress: BatchProgress): void;
  /** Prints text through `write` without breaking the bar: above it on a terminal, as is otherwise. */
  print(text: string, write: (text: string) => void): void;
  stop(): void;
}

/** Seconds between plain progress lines when stderr is not a terminal. */
const PLAIN_INTERVAL_MS = 5000;

/** Creates the display for a stream; `isTTY` decides bar or lines. */
export function createProgressDisplay(stream: NodeJS.WritableStream & { isTTY?: boolean }, now: () => number = Date.now): ProgressDisplay {
  const started = now();
  let latest: BatchProgress | undefined;
  const rate = (progress: BatchProgress): number => {
    const seconds = Math.max(0.001, (now() - started) / 1000);
    return (progress.done + progress.failed) / seconds;
  };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: "{bar} {value}/{total} reviews · {failed} failed · {cached} cached · {rate}/s · {tokens} tokens · ${cost} · ETA {eta_formatted}",
        hideCursor: true,
        clearOnComplete: false,
        // Redraw even when the text is unchanged: a line printed above the bar has just cleared it.
        forceRedraw: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let startedBar = false;
    let stopped = false;
    return {
      print(text, write) {
        if (!startedBar || stopped) return write(text);
        // Clear the bar's line, write the text from its start (text that begins on a fresh line
        // needs no blank line above it), then draw the bar again below.
        stream.write("\r\u001b[2K");
        write(text.replace(/^\n/, ""));
        bar.render();
      },
      update(progress) {
        const payload = { failed: progress.failed, cached: progress.cached, rate: rate(progress).toFixed(1), tokens: progress.inputTokens + progress.outputTokens, cost: progress.costUsd.toFixed(4) };
        if (!startedBar) {
          bar.start(progress.total, progress.done + progress.failed, payload);
          startedBar = true;
        } else bar.update(progress.done + progress.failed, payload);
      },
      stop: () => {
        stopped = true;
        bar.stop();
      },
    };
  }
  const line = (progress: BatchProgress): string => {
    const finished = progress.done + progress.failed;
    const perSecond = rate(progress);
    const eta = perSecond > 0 ? Math.round((progress.total - finished) / perSecond) : undefined;
    return `progress: ${finished}/${progress.total} reviews, ${progress.failed} failed, ${progress.cached} cached, ${perSecond.toFixed(1)}/s, ${progress.inputTokens + progress.outputTokens} tokens, $${progress.costUsd.toFixed(4)}${eta === undefined ? "" : `, ETA ${eta} s`}\n`;
  };
  const timer = setInterval(() => {
    if (latest) stream.write(line(latest));
  }, PLAIN_INTERVAL_MS);
  timer.unref();
  return {
    update: (progress) => void (latest = progress),
    print: (text, write) => write(text),
    stop: () => clearInterval(timer),
  };
}
