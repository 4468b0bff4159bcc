import { isMap, isSeq, LineCounter, parseDocument, type Document } from "yaml";

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

/** A syntax error in a YAML or JSON text, with its 1-based line in the file. */
export interface SyntaxProblem {
  line: number;
  message: string;
}

/**
 * Parses YAML or JSON text that starts at `firstLine` of its file.
 * Returns either the located document or the first syntax problem.
 */
export function parseLocated(
  text: string,
  firstLine = 1,
): { ok: true; document: LocatedDocument } | { ok: false; problem: SyntaxProblem } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const error = document.errors[0];
  if (error) {
    const line = (error.linePos?.[0]?.line ?? 1) + firstLine - 1;
    return { ok: false, problem: { line, message: firstSentence(error.message) } };
  }
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line + firstLine - 1;
  return {
    ok: true,
    document: {
      data: document.toJS(),
      lineOf: (path) => locate(document, path, lineAt),
    },
  };
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
