/**
 * One CSV field (RFC 4180). Text from tools and models is untrusted, and spreadsheets run a cell
 * that starts with = + - @ as a formula, so such cells get a leading apostrophe.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "string" ? value : String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line (with CRLF, as RFC 4180 has it) from the values of `columns` in `row`. */
export function csvLine<T extends object>(row: T, columns: readonly (keyof T)[]): string {
  return `${columns.map((column) => csvField(row[column])).join(",")}\r\n`;
}

/** The header line for `columns`. */
export function csvHeader(columns: readonly PropertyKey[]): string {
  return `${columns.map((column) => csvField(String(column))).join(",")}\r\n`;
}
