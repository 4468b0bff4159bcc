import { execFileSync } from "node:child_process";
import { expect, test } from "vitest";
import { limitHeapGrowth, YOUNG_GENERATION_CAP_BYTES } from "../../src/cli/heap-growth.js";

test("the bin limits heap growth only when the user chose no heap settings", () => {
  expect(limitHeapGrowth(["--max-old-space-size=512"], undefined)).toBe(false);
  expect(limitHeapGrowth([], "--max-old-space-size=96 --max-semi-space-size=4")).toBe(false);
  expect(limitHeapGrowth([], "--heap-growing-percent=20")).toBe(false);
  expect(limitHeapGrowth(["--semi-space-growth-factor=2"], undefined)).toBe(false);
  expect(limitHeapGrowth(["--import", "x.mjs"], "--enable-source-maps")).toBe(true);
  expect(limitHeapGrowth([], undefined)).toBe(true);
});

/**
 * A process that allocates as a batch does (short-lived objects, a slowly turning set of live
 * ones, the event loop turning in between), with or without the bin's limits; returns its young generation's size in bytes at the end.
 */
function youngGenerationAfterChurn(limited: boolean): number {
  const script = `
    import { getHeapSpaceStatistics } from "node:v8";
    ${limited ? 'const { limitHeapGrowth } = await import("./dist/cli/heap-growth.js"); limitHeapGrowth([], undefined);' : ""}
    const live = [];
    for (let i = 0; i < 3e6; i++) {
      const o = { i, text: "answer " + i, list: [i] };
      if (i % 10 === 0) live.push(o);
      if (live.length > 50000) live.length = 0;
      // A batch's loop turns between answers; the limit is applied as it turns.
      if (i % 20000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    process.stdout.write(String(getHeapSpaceStatistics().find((space) => space.space_name === "new_space").space_size));`;
  return Number(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }));
}

test("the young generation stops growing at the cap; without the limits it grows past it", () => {
  const limited = youngGenerationAfterChurn(true);
  const unlimited = youngGenerationAfterChurn(false);
  // V8 reports a little over the semi-spaces themselves.
  expect(limited).toBeLessThanOrEqual(YOUNG_GENERATION_CAP_BYTES * 1.1);
  expect(unlimited).toBeGreaterThan(YOUNG_GENERATION_CAP_BYTES * 1.5);
});
