import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { InputError } from "../errors/input-error.js";
import { zodIssueText } from "../errors/zod-issue-text.js";
import { cleanText } from "./clean-text.js";
import { decodeText, invalidUtf8Warning } from "./decode-text.js";
import { jsonProblem } from "./json-problem.js";
import { parseLocated, type LocatedDocument } from "./source-position.js";
import { TOOL_KEYS, toolRecordSchema, type Tool } from "./tool.js";

/** Tools read from one file, with warnings about keys that were ignored. */
export interface LoadedToolFile {
  tools: Tool[];
  /** One line each, `file:line: message`. */
  warnings: string[];
  /**
   * Records that could not be used in a file of several (JSON Lines, a JSON array): one bad line
   * does not cost the others. A file that is one tool throws instead.
   */
  errors: InputError[];
}

/**
 * Reads a tool file: Markdown with YAML front matter (`.md`), one JSON object or an array of them
 * (`.json`), or JSON Lines (`.jsonl`). A file that cannot be read at all, or a one-tool file with a
 * problem, throws {@link InputError} naming the file, line and field. A file that is not UTF-8 is
 * read as Latin-1 (Windows-1252), with a warning (see {@link decodeText}).
 */
export async function loadToolFile(file: string): Promise<LoadedToolFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new InputError({ file }, `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const decoded = decodeText(bytes);
  const loaded = parseToolFile(file, decoded.text);
  const warning = invalidUtf8Warning(file, decoded);
  return warning === undefined ? loaded : { ...loaded, warnings: [warning, ...loaded.warnings] };
}

/** Parses the text of a tool file; `file` is used for the format (by extension) and in errors. */
export function parseToolFile(file: string, text: string): LoadedToolFile {
  const source = cleanText(text);
  switch (extname(file).toLowerCase()) {
    case ".md":
    case ".markdown":
      return parseMarkdown(file, source);
    case ".json":
      return parseJson(file, source);
    case ".jsonl":
    case ".ndjson":
      return parseJsonLines(file, source);
    default:
      throw new InputError({ file }, "unknown tool file type: use .md, .json or .jsonl");
  }
}

function parseMarkdown(file: string, text: string): LoadedToolFile {
  const lines = text.split("\n");
  if (lines[0]?.trim() !== "---") {
    throw new InputError({ file, line: 1 }, "front matter missing: start the file with a line '---'");
  }
  const end = lines.findIndex((line, index) => index > 0 && (line.trim() === "---" || line.trim() === "..."));
  if (end === -1) throw new InputError({ file, line: 1 }, "front matter is not closed: add a line '---' after it");
  const parsed = parseLocated(lines.slice(1, end).join("\n"), { firstLine: 2 });
  if (!parsed.ok) throw new InputError({ file, line: parsed.problem.line }, parsed.problem.message);
  const { document } = parsed;
  if (!isPlainObject(document.data)) {
    throw new InputError({ file, line: 2 }, "front matter must be a mapping of keys to values");
  }
  const body = lines.slice(end + 1).join("\n").trim();
  // An empty body with no description key is an empty description, not a missing one.
  const record = body === "" ? { description: "", ...document.data } : { ...document.data, description: body };
  const bodyLine = end + 2;
  const lineOf = (path: readonly PropertyKey[]): number | undefined =>
    path[0] === "description" && body !== "" ? bodyLine : document.lineOf(path);
  return toLoaded([validateRecord(file, record, lineOf, 1)]);
}

function parseJson(file: string, text: string): LoadedToolFile {
  const parsed = parseLocated(text, { format: "JSON" });
  if (!parsed.ok) throw new InputError({ file, line: parsed.problem.line }, parsed.problem.message);
  const { document } = parsed;
  if (!Array.isArray(document.data)) return toLoaded([validateRecord(file, document.data, document.lineOf, 1)]);
  const records = document.data as unknown[];
  return collect(records.map((record, index) => () => validateRecord(file, record, (path) => document.lineOf([index, ...path]), document.lineOf([index]) ?? 1)));
}

function parseJsonLines(file: string, text: string): LoadedToolFile {
  const readers = text.split("\n").flatMap((line, index) => {
    if (line.trim() === "") return [];
    const lineNumber = index + 1;
    return [
      (): ValidatedRecord => {
        let data: unknown;
        try {
          data = JSON.parse(line);
        } catch (error) {
          throw new InputError({ file, line: lineNumber }, `invalid JSON: ${jsonProblem(line, error).message}`);
        }
        return validateRecord(file, data, () => lineNumber, lineNumber);
      },
    ];
  });
  if (readers.length === 0) throw new InputError({ file }, "no tools in file");
  return collect(readers);
}

/** Runs each record's reader, keeping the good records and the errors of the bad ones. */
function collect(readers: (() => ValidatedRecord)[]): LoadedToolFile {
  const records: ValidatedRecord[] = [];
  const errors: InputError[] = [];
  for (const read of readers) {
    try {
      records.push(read());
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      errors.push(error);
    }
  }
  return { ...toLoaded(records), errors };
}

interface ValidatedRecord {
  tool: Tool;
  warnings: string[];
}

function validateRecord(
  file: string,
  data: unknown,
  lineOf: LocatedDocument["lineOf"],
  recordLine: number,
): ValidatedRecord {
  if (!isPlainObject(data)) throw new InputError({ file, line: recordLine }, "expected an object with a name and a description");
  const result = toolRecordSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.length > 0 ? issue.path.map(String).join(".") : undefined;
    throw new InputError(
      { file, line: lineOf(issue.path) ?? recordLine, ...(field === undefined ? {} : { field }) },
      zodIssueText(issue),
    );
  }
  const warnings = Object.keys(data)
    .filter((key) => !TOOL_KEYS.includes(key))
    .map((key) => `${file}:${lineOf([key]) ?? recordLine}: ${key}: unknown key, ignored`);
  const { community, ...rest } = result.data;
  const source = dropUndefined({ file, line: lineOf([]) ?? recordLine, descriptionLine: lineOf(["description"]) });
  const tool = dropUndefined({ ...rest, community: community ?? null, source });
  return { tool: tool as Tool, warnings };
}

function toLoaded(records: ValidatedRecord[]): LoadedToolFile {
  return { tools: records.map((record) => record.tool), warnings: records.flatMap((record) => record.warnings), errors: [] };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function dropUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
