import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";
import { BUILT_IN_PROMPTS } from "./built-in-prompts.generated.js";

/** The folder of the prompt templates that ship with Panelist. */
export const BUILT_IN_PROMPTS_DIR = fileURLToPath(new URL("../../prompts/", import.meta.url));

/** The template files, by role. */
const TEMPLATE_FILES = {
  system: "system.hbs",
  dossier: "dossier.hbs",
  review: "review.hbs",
  repair: "repair.hbs",
  summary: "summary.hbs",
} as const;

/** Which template. */
export type TemplateName = keyof typeof TEMPLATE_FILES;

/** Compiled prompt templates, with a hash of each source for run manifests. */
export interface PromptTemplates {
  render(name: TemplateName, context: object): string;
  /** SHA-256 (hex, first 16 chars) of each template's source text. */
  hashes: Record<TemplateName, string>;
}

/**
 * Loads and compiles the prompt templates. Prompts are plain text, not HTML, so escaping is off
 * (Handlebars would otherwise turn a tool's `&` or `"` into entities); `strict` makes a
 * misspelled variable an error instead of an empty string. A template whose source is a built-in
 * one, byte for byte, uses the build's precompiled copy (scripts/precompile-prompts.mjs): compiling
 * was most of the time before a run's first request.
 */
export async function loadPromptTemplates(directory = BUILT_IN_PROMPTS_DIR): Promise<PromptTemplates> {
  const handlebars = Handlebars.create();
  const entries = await Promise.all(
    (Object.keys(TEMPLATE_FILES) as TemplateName[]).map(async (name) => {
      const source = await readFile(join(directory, TEMPLATE_FILES[name]), "utf8");
      return [name, source] as const;
    }),
  );
  const digests = new Map(entries.map(([name, source]) => [name, createHash("sha256").update(source).digest("hex")] as const));
  const compiled = new Map(
    entries.map(([name, source]) => {
      const built = BUILT_IN_PROMPTS[name];
      const render =
        built !== undefined && built.sha256 === digests.get(name)
          ? handlebars.template(built.spec as Parameters<typeof handlebars.template>[0])
          : handlebars.compile(source, { noEscape: true, strict: true });
      return [name, render] as const;
    }),
  );
  const hashes = Object.fromEntries(entries.map(([name]) => [name, digests.get(name)!.slice(0, 16)])) as Record<TemplateName, string>;
  return {
    render: (name, context) => compiled.get(name)!(context),
    hashes,
  };
}
