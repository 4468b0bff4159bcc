import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { z } from "zod";
import { InputError } from "../errors/input-error.js";
import { zodIssueText } from "../errors/zod-issue-text.js";
import { decodeText } from "../tools/decode-text.js";
import { parseCsv } from "./parse-csv.js";

/** One person's verdict on one tool, as a label file gives it. */
export const labelSchema = z.object({
  /** The tool's URL or its name, matched as `--since-last` matches tools. */
  tool: z.string().trim().min(1),
  verdict: z.enum(["ship", "skip"]),
  labeller: z.string().optional(),
  note: z.string().optional(),
});

/** A human verdict with where it came from. */
export type Label = z.infer<typeof labelSchema> & { source: { file: string; line?: number } };

/**
 * Reads a label file: JSON Lines (`.jsonl`, `.ndjson`, one object a line) or CSV (`.csv`, a header
 * row naming `tool`, `verdict` and optionally `labeller`, `note`). A bad line is an InputError
 * naming file, line and field; blank lines are skipped.
 */
export async function loadLabels(file: string): Promise<Label[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new InputError({ file, field: "--labels" }, `cannot read the label file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const { text } = decodeText(bytes);
  const extension = extname(file).toLowerCase();
  if (extension === ".csv") return csvLabels(file, text);
  if (extension === ".jsonl" || extension === ".ndjson" || extension === ".json") return jsonLabels(file, text);
  throw new InputError({ file, field: "--labels" }, "a label file is JSON Lines (.jsonl) or CSV (.csv), or say community");
}

function jsonLabels(file: string, text: string): Label[] {
  return text.split(/\r?\n/).flatMap((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return [];
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new InputError({ file, line }, "not a JSON object: one label per line, {\"tool\": …, \"verdict\": \"ship\"|\"skip\"}");
    }
    return [checked(value, file, line)];
  });
}

function csvLabels(file: string, text: string): Label[] {
  const { rows, unclosedAt } = parseCsv(text.replace(/^\uFEFF/, ""));
  if (unclosedAt !== undefined) throw new InputError({ file, line: unclosedAt }, "a quoted field is never closed");
  const [header, ...body] = rows;
  if (!header) return [];
  const columns = header.cells.map((cell) => cell.trim().toLowerCase());
  for (const required of ["tool", "verdict"]) {
    if (!columns.includes(required)) throw new InputError({ file, line: header.line, field: required }, `the header row has no "${required}" column (found: ${columns.join(", ") || "nothing"})`);
  }
  return body.map((row) => checked(Object.fromEntries(columns.flatMap((column, index) => (row.cells[index] === undefined || row.cells[index] === "" ? [] : [[column, row.cells[index]!.trim()]]))), file, row.line));
}

function checked(value: unknown, file: string, line: number): Label {
  const normalised = value !== null && typeof value === "object" && typeof (value as { verdict?: unknown }).verdict === "string"
    ? { ...value, verdict: (value as { verdict: string }).verdict.trim().toLowerCase() }
    : value;
  const parsed = labelSchema.safeParse(normalised);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError({ file, line, field: issue.path.join(".") || "label" }, zodIssueText(issue));
  }
  return { ...parsed.data, source: { file, line } };
}
