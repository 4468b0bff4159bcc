import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";

/** A tool given in a request rather than as a file (MCP `review_tools`, the workbench's new-review form). */
export const inlineToolSchema = z.object({
  name: z.string().min(1),
  tagline: z.string().optional(),
  description: z.string().min(1),
  pricing: z.string().optional(),
  url: z.string().optional(),
});

/** An inline tool. */
export type InlineTool = z.infer<typeof inlineToolSchema>;

/** A whole tool file given as text, with the extension that says how to read it. */
export interface InlineToolFile {
  /** The file's text (Markdown with front matter, JSON or JSON Lines). */
  text: string;
  /** `md`, `json` or `jsonl`. */
  format: "md" | "json" | "jsonl";
}

/** Temporary tool files for a run's inputs, and how to remove them once the run has read them. */
export interface InlineInputs {
  /** What runReviews takes: the given paths and specs as they were, a temporary file for each inline tool. */
  inputs: string[];
  cleanup: () => Promise<void>;
}

/**
 * Inline tools become a temporary tool file each, so they load, validate and are identified like
 * any tool file (one loader, one set of error messages). Strings pass through as paths or specs.
 */
export async function writeInlineTools(tools: readonly (string | InlineTool | InlineToolFile)[], prefix = "panelist-inline-"): Promise<InlineInputs> {
  if (tools.every((tool) => typeof tool === "string")) return { inputs: [...tools], cleanup: async () => {} };
  const folder = await mkdtemp(join(tmpdir(), prefix));
  const inputs = await Promise.all(
    tools.map(async (tool, index) => {
      if (typeof tool === "string") return tool;
      if ("text" in tool) {
        const file = join(folder, `${index + 1}-tool.${tool.format}`);
        await writeFile(file, tool.text, "utf8");
        return file;
      }
      const file = join(folder, `${index + 1}-${tool.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "tool"}.json`);
      await writeFile(file, JSON.stringify(tool), "utf8");
      return file;
    }),
  );
  return { inputs, cleanup: () => rm(folder, { recursive: true, force: true }) };
}
