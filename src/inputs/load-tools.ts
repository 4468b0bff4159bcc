import { InputError } from "../errors/input-error.js";
import type { SkippedTool } from "../report/report-schema.js";
import { loadToolFile } from "../tools/load-tool-file.js";
import type { Tool } from "../tools/tool.js";

/** Tools read from many files: the good ones, and the ones left out with why. */
export interface LoadedTools {
  tools: Tool[];
  skipped: SkippedTool[];
  /** The errors behind `skipped`, first one first (for a run that cannot go on without them). */
  errors: InputError[];
}

/**
 * Reads every tool file. A bad file, or a bad line in a JSON Lines file, is reported and left out;
 * the others go on. Descriptions longer than `maxDescriptionChars` are cut, with a warning.
 */
export async function loadTools(
  files: readonly string[],
  options: { maxDescriptionChars: number; onWarning?: (line: string) => void },
): Promise<LoadedTools> {
  const tools: Tool[] = [];
  const errors: InputError[] = [];
  for (const file of files) {
    try {
      const loaded = await loadToolFile(file);
      loaded.warnings.forEach((warning) => options.onWarning?.(warning));
      tools.push(...loaded.tools.map((tool) => capDescription(tool, options.maxDescriptionChars, options.onWarning)));
      errors.push(...loaded.errors);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      errors.push(error);
    }
  }
  const skipped = errors.map((error) => ({ file: error.file, ...(error.line === undefined ? {} : { line: error.line }), error: error.message }));
  return { tools, skipped, errors };
}

/** Cuts a description longer than `limit` characters, with a warning naming where it came from. */
export function capDescription(tool: Tool, limit: number, onWarning?: (line: string) => void): Tool {
  if (tool.description.length <= limit) return tool;
  const line = tool.source.descriptionLine ?? tool.source.line;
  const where = line === undefined ? tool.source.file : `${tool.source.file}:${line}`;
  onWarning?.(`${where}: description: ${tool.description.length} characters, cut to ${limit} (--max-description-chars)`);
  return { ...tool, description: `${tool.description.slice(0, limit).trimEnd()} […]` };
}
