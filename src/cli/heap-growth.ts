import { PerformanceObserver } from "node:perf_hooks";
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";

const HEAP_FLAGS = /--(max-old-space-size|max-semi-space-size|heap-growing-percent|max-heap-size|semi-space-growth-factor|min-semi-space-size)\b/;

/**
 * The young generation's size (both semi-spaces) past which it stops growing: 4 MB semi-spaces,
 * where V8's default on a 64-bit machine lets them grow to 16 MB (33.6 MB in all).
 */
export const YOUNG_GENERATION_CAP_BYTES = 8 * 1024 * 1024;

/**
 * Sizes the heap for a long batch, unless the user chose heap settings of their own:
 * - the old generation grows by half of what is live between collections. By default V8 sizes its
 *   limits from the machine's memory and, while a batch allocates fast, lets the heap grow to about
 *   four times what is live before it collects;
 * - the young generation stops growing at {@link YOUNG_GENERATION_CAP_BYTES}. A batch's answers die
 *   young, and 16 MB semi-spaces held 34 MB of them for nothing: a 10,000-tool batch with under
 *   40 MB live peaked at 200–210 MB of RSS.
 *
 * Both are V8 flags read while the process runs (a collection reads them), so they take effect when
 * set here. The semi-space's maximum is fixed when the heap is made, so the cap works through the
 * growth factor instead: the young generation grows as usual (doubling from 1 MB while objects
 * survive), and once it has reached the cap it grows no more. Starting it at the cap's size would
 * not do: left at 1 MB (a growth factor of 1 from the start), in-flight answers outlived it and were
 * promoted, and the batch took twice as long (docs/performance.md has the figures).
 */
export function limitHeapGrowth(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  if (execArgv.some((arg) => HEAP_FLAGS.test(arg)) || HEAP_FLAGS.test(nodeOptions ?? "")) return false;
  setFlagsFromString("--heap-growing-percent=50");
  capYoungGeneration(YOUNG_GENERATION_CAP_BYTES);
  return true;
}

/**
 * Stops the young generation's growth once it is `capBytes` or more, checking after each
 * collection. Node reports collections to observers as the event loop turns, so a long stretch of
 * synchronous work can grow it one step past the cap before the check; a batch's loop turns with
 * every answer.
 */
function capYoungGeneration(capBytes: number): void {
  const observer = new PerformanceObserver(() => {
    const young = getHeapSpaceStatistics().find((space) => space.space_name === "new_space");
    if (young === undefined || young.space_size < capBytes) return;
    setFlagsFromString("--semi-space-growth-factor=1");
    observer.disconnect();
  });
  observer.observe({ entryTypes: ["gc"] });
}
