import { readdir, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { InputError } from "../errors/input-error.js";
import { isUrl, readFeedSource } from "../feeds/read-feed-source.js";
import { SourceFetchError } from "../sources/source-fetch-error.js";
import type { SourceContext } from "../sources/tool-source.js";
import type { Tool } from "../tools/tool.js";
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
  options: {
    maxDescriptionChars: number;
    onWarning?: (line: string) => void;
    /**
     * Reading tools from where they live: `npm:`, `pypi:`, `hf:`, `github:` specs and any http(s)
     * page. Without it, a URL is read as a feed, as before.
     */
    sources?: SourceContext;
    /** With `sources`: feed items whose link is a GitHub, npm, PyPI or Hub page get that source's facts (`batch --enrich`). */
    enrich?: boolean;
  },
): Promise<LoadedTools> {
  const result: LoadedTools = { tools: [], skipped: [], errors: [] };
  for (const input of inputs) {
    try {
      // With sources, every URL (a feed's too) goes through the one guarded client.
      if (options.sources && isSpec(input)) {
        const { readSourceSpec } = await import("./read-source-spec.js");
        const read = await readSourceSpec(input, options.sources);
        read.warnings.forEach((warning) => options.onWarning?.(warning));
        const tools = options.enrich ? await enrichAll(read.tools, options.sources, options.onWarning) : read.tools;
        result.tools.push(...tools.map((tool) => capDescription(tool, options.maxDescriptionChars, options.onWarning)));
        continue;
      }
      if (isUrl(input) || FEED_EXTENSIONS.has(extname(input).toLowerCase()) || input.endsWith(".feed.json")) {
        // The XML and HTML parsers are loaded only for feeds: a batch of tool files starts without them.
        const { parseFeed } = await import("../feeds/parse-feed.js");
        const source = await readFeedSource(input);
        source.warnings.forEach((warning) => options.onWarning?.(warning));
        const feed = parseFeed(input, source.text);
        feed.warnings.forEach((warning) => options.onWarning?.(warning));
        const tools = options.enrich && options.sources ? await enrichAll(feed.tools, options.sources, options.onWarning) : feed.tools;
        result.tools.push(...tools.map((tool) => capDescription(tool, options.maxDescriptionChars, options.onWarning)));
        continue;
      }
      const files = await expand(input);
      const loaded = await loadTools(files, options);
      result.tools.push(...loaded.tools);
      result.skipped.push(...loaded.skipped);
      result.errors.push(...loaded.errors);
    } catch (thrown) {
      // A source that could not be reached (a refused address, a timeout) is bad input like any other.
      const error = thrown instanceof SourceFetchError ? new InputError({ file: input }, thrown.message.startsWith(`${input}: `) ? thrown.message.slice(input.length + 2) : thrown.message) : thrown;
      if (!(error instanceof InputError)) throw error;
      result.errors.push(error);
      result.skipped.push({ file: error.file, ...(error.line === undefined ? {} : { line: error.line }), error: error.message });
    }
  }
  return result;
}

/** Whether an input names where a tool lives rather than a file or folder. */
function isSpec(input: string): boolean {
  return /^(npm|pypi|hf|github):/i.test(input) || isUrl(input);
}


/**
 * `--enrich`: a feed item whose link is a repository, package or model page gets that source's
 * facts (and an open-source licence's pricing when the item states none); its own text stays.
 * A source that cannot be read leaves the item as it was, with a warning.
 */
async function enrichAll(tools: readonly Tool[], sources: SourceContext, onWarning?: (line: string) => void): Promise<Tool[]> {
  const { findSource } = await import("../sources/sources.js");
  const enriched: Tool[] = [];
  for (const tool of tools) {
    const source = tool.url ? findSource(tool.url) : undefined;
    if (!source || source.id === "page") {
      enriched.push(tool);
      continue;
    }
    try {
      const found = await source.fetchTool(tool.url!, sources);
      enriched.push({ ...tool, ...(tool.pricing === undefined && found.pricing !== undefined ? { pricing: found.pricing } : {}), ...(found.facts ? { facts: found.facts } : {}) });
    } catch (error) {
      if (!(error instanceof InputError) && !(error instanceof SourceFetchError)) throw error;
      onWarning?.(`${tool.source.file}${tool.source.line === undefined ? "" : `:${tool.source.line}`}: ${tool.name}: no facts: ${error.message}`);
      enriched.push(tool);
    }
  }
  return enriched;
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
