import { isMap, isSeq, LineCounter, parseDocument, visit, type Alias, type Document } from "yaml";

/**
 * A parsed YAML (or JSON, which YAML reads too) document that can say on which line a key sits,
 * so that errors point at the line a person has to fix.
 */
export interface LocatedDocument {
  /** The plain data. */
  data: unknown;
  /** 1-based line in the file of the deepest node on `path` that exists. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
}

/** Why a YAML or JSON text could not be read, with its 1-based line in the file. */
export interface SyntaxProblem {
  line: number;
  /** The whole problem in Panelist's words, e.g. `invalid YAML: Map keys must be unique`. */
  message: string;
}

/** Options of {@link parseLocated}. */
export interface ParseLocatedOptions {
  /** Line of the file the text starts at (front matter starts at 2). Default 1. */
  firstLine?: number;
  /** What the text is meant to be, for messages. Default `YAML`. */
  format?: "YAML" | "JSON";
}

/**
 * Aliases a document may expand before it is refused. Aliases are refused outright (see
 * {@link parseLocated}); this bounds the expansion should that check ever be bypassed.
 */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses YAML or JSON text. Returns either the located document or the first problem: a syntax
 * error, an alias, or anything else the YAML library throws. Tool and persona files never need
 * anchors and aliases, and aliases are how a few lines expand into gigabytes (the "billion laughs"),
 * so an alias is refused at its line rather than expanded.
 */
export function parseLocated(
  text: string,
  options: ParseLocatedOptions = {},
): { ok: true; document: LocatedDocument } | { ok: false; problem: SyntaxProblem } {
  const firstLine = options.firstLine ?? 1;
  const format = options.format ?? "YAML";
  const lineCounter = new LineCounter();
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line + firstLine - 1;
  const fail = (line: number, message: string) => ({ ok: false as const, problem: { line, message } });
  let document: Document;
  try {
    // logLevel "silent": the library would otherwise print its own warnings to the process's stderr.
    document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: "silent" });
  } catch (error) {
    return fail(firstLine, `invalid ${format}: ${libraryFailure(error)}`);
  }
  const error = document.errors[0];
  if (error) {
    const message = error.code === "RESOURCE_EXHAUSTION" ? "nested too deeply" : firstSentence(error.message);
    return fail(lineAt(error.pos[0]), `invalid ${format}: ${message}`);
  }
  let data: unknown;
  try {
    const alias = firstAlias(document);
    if (alias) {
      const line = lineAt(alias.range?.[0] ?? 0);
      if (format === "JSON") return fail(line, `invalid JSON: *${alias.source} is a YAML alias, not JSON`);
      return fail(line, `YAML aliases are not supported (*${alias.source}): write the value out in full`);
    }
    data = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return fail(firstLine, `invalid ${format}: ${libraryFailure(error)}`);
  }
  return {
    ok: true,
    document: {
      data,
      lineOf: (path) => locate(document, path, lineAt),
    },
  };
}

function firstAlias(document: Document): Alias | undefined {
  let found: Alias | undefined;
  visit(document, {
    Alias(_key, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/** What the YAML library threw, in words: its messages name its internals. */
function libraryFailure(error: unknown): string {
  if (error instanceof RangeError) return "nested too deeply";
  if (error instanceof ReferenceError && /alias/i.test(error.message)) return "too many aliases";
  return "cannot be read";
}

function locate(document: Document, path: readonly PropertyKey[], lineAt: (offset: number) => number): number | undefined {
  let node: unknown = document.contents;
  let line: number | undefined = rangeStart(node) === undefined ? undefined : lineAt(rangeStart(node)!);
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => scalarValue(item.key) === String(key));
      if (!pair) return line;
      const keyStart = rangeStart(pair.key);
      if (keyStart !== undefined) line = lineAt(keyStart);
      node = pair.value;
    } else if (isSeq(node) && typeof key === "number") {
      node = node.items[key];
      const start = rangeStart(node);
      if (start !== undefined) line = lineAt(start);
    } else {
      return line;
    }
  }
  return line;
}

function scalarValue(node: unknown): string | undefined {
  if (node !== null && typeof node === "object" && "value" in node) return String((node as { value: unknown }).value);
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  if (node !== null && typeof node === "object" && "range" in node) {
    const range = (node as { range?: [number, number, number] }).range;
    return range?.[0];
  }
  return undefined;
}

function firstSentence(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "").trim();
}
