const GROUPED = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** A count with thousands separators: 181204 → "181,204". */
export function formatCount(count: number): string {
  return GROUPED.format(count);
}

const UNITS = [
  { size: 1e9, suffix: "B" },
  { size: 1e6, suffix: "M" },
  { size: 1e3, suffix: "k" },
] as const;

/**
 * A count the way download badges show it: in full below 10,000 ("1,234"), then one decimal
 * below 100 of a unit ("12.3k", "1.2M") and none above ("123k").
 */
export function formatShortCount(count: number): string {
  if (Math.abs(count) < 10_000) return formatCount(count);
  for (const [index, { size, suffix }] of UNITS.entries()) {
    if (Math.abs(count) < size) continue;
    const scaled = count / size;
    const rounded = Math.abs(scaled) < 100 ? Math.round(scaled * 10) / 10 : Math.round(scaled);
    // 999,960 rounds to "1000k"; the next unit up says it better.
    const larger = UNITS[index - 1];
    if (Math.abs(rounded) >= 1000 && larger) return `${String(Math.round((count / larger.size) * 10) / 10)}${larger.suffix}`;
    return `${String(rounded)}${suffix}`;
  }
  return formatCount(count);
}
