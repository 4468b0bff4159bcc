import { readdir, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { InputError } from "../errors/input-error.js";
import { isUrl, readFeedSource } from "../feeds/read-feed-source.js";
import { capDescription, loadTools, type LoadedTools } from "./load-tools.js";

/** File endings read as feeds. */
const FEED_EXTENSIONS = new Set([".xml", ".rss", ".atom", ".feed"]);
/** File endings read as tool files. */
const TOOL_EXTENSIONS = new Set([".md", ".markdown", ".json", ".jsonl", ".ndjson"]);

/**
 * Reads batch inputs: tool files (.md, .json, .jsonl), folders of them, and RSS / Atom / JSON Feed
 * files or URLs. A bad input is reported and left out, like a bad tool.
 */
export async function loadInputs(
  inputs: readonly string[],
  options: { maxDescriptionChars: number; onWarning?: (line: string) => void },
): Promise<LoadedTools> {
  const result: LoadedTools = { tools: [], skipped: [], errors: [] };
  for (const input of inputs) {
    try {
      if (isUrl(input) || FEED_EXTENSIONS.has(extname(input).toLowerCase()) || input.endsWith(".feed.json")) {
        // The XML and HTML parsers are loaded only for feeds: a batch of tool files starts without them.
        const { parseFeed } = await import("../feeds/parse-feed.js");
        const source = await readFeedSource(input);
        source.warnings.forEach((warning) => options.onWarning?.(warning));
        const feed = parseFeed(input, source.text);
        feed.warnings.forEach((warning) => options.onWarning?.(warning));
        result.tools.push(...feed.tools.map((tool) => capDescription(tool, options.maxDescriptionChars, options.onWarning)));
        continue;
      }
      const files = await expand(input);
      const loaded = await loadTools(files, options);
      result.tools.push(...loaded.tools);
      result.skipped.push(...loaded.skipped);
      result.errors.push(...loaded.errors);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      result.errors.push(error);
      result.skipped.push({ file: error.file, ...(error.line === undefined ? {} : { line: error.line }), error: error.message });
    }
  }
  return result;
}

/** A folder becomes its tool files, sorted, one level deep; a file stays itself. */
async function expand(input: string): Promise<string[]> {
  let info;
  try {
    info = await stat(input);
  } catch (error) {
    throw new InputError({ file: input }, `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (!info.isDirectory()) return [input];
  const names = (await readdir(input)).filter((name) => TOOL_EXTENSIONS.has(extname(name).toLowerCase())).sort();
  if (names.length === 0) throw new InputError({ file: input }, "folder holds no tool files (.md, .json, .jsonl)");
  return names.map((name) => join(input, name));
}
