import { expect, test } from "vitest";
import { limitHeapGrowth } from "../../src/cli/heap-growth.js";

test("the bin limits heap growth only when the user chose no heap settings", () => {
  expect(limitHeapGrowth(["--max-old-space-size=512"], undefined)).toBe(false);
  expect(limitHeapGrowth([], "--max-old-space-size=96 --max-semi-space-size=4")).toBe(false);
  expect(limitHeapGrowth([], "--heap-growing-percent=20")).toBe(false);
  expect(limitHeapGrowth(["--import", "x.mjs"], "--enable-source-maps")).toBe(true);
  expect(limitHeapGrowth([], undefined)).toBe(true);
});
