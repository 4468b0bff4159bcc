/**
 * Reads CSV as RFC 4180 writes it: fields separated by commas, quoted with `"` when they hold a
 * comma, a quote (doubled) or a line break; CRLF or LF line ends. Returns the rows with the
 * 1-based line each starts on. An unclosed quote is reported by the caller from `unclosedAt`.
 */
export function parseCsv(text: string): { rows: { line: number; cells: string[] }[]; unclosedAt?: number } {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let quoteLine = 0;
  const endRow = (): void => {
    cells.push(cell);
    if (cells.length > 1 || cells[0] !== "") rows.push({ line: rowLine, cells });
    cells = [];
    cell = "";
  };
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else {
        if (char === "\n") line += 1;
        cell += char;
      }
      continue;
    }
    if (char === '"' && cell === "") {
      quoted = true;
      quoteLine = line;
    } else if (char === ",") {
      cells.push(cell);
      cell = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[index + 1] === "\n") index += 1;
      endRow();
      line += 1;
      rowLine = line;
    } else cell += char;
  }
  if (quoted) return { rows, unclosedAt: quoteLine };
  endRow();
  return { rows };
}
