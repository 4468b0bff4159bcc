import { describe, expect, test } from "vitest";
import { formatCount, formatShortCount } from "../../src/sources/format-count.js";

describe("formatCount and formatShortCount", () => {
  test.each([
    [0, "0", "0"],
    [999, "999", "999"],
    [1234, "1,234", "1,234"],
    [9999, "9,999", "9,999"],
    [12_345, "12,345", "12.3k"],
    [123_456, "123,456", "123k"],
    [999_960, "999,960", "1M"],
    [1_234_567, "1,234,567", "1.2M"],
    [181_204_000, "181,204,000", "181M"],
    [2_500_000_000, "2,500,000,000", "2.5B"],
  ])("%d → %s, %s", (count, full, short) => {
    expect(formatCount(count)).toBe(full);
    expect(formatShortCount(count)).toBe(short);
  });
});
