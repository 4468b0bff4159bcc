import { readdir, readFile } from "node:fs/promises";
import { decodeText, invalidUtf8Warning } from "../tools/decode-text.js";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../errors/config-error.js";
import { InputError } from "../errors/input-error.js";
import { zodIssueText } from "../errors/zod-issue-text.js";
import { parseLocated } from "../tools/source-position.js";
import { personaFrontMatterSchema, type Persona } from "./persona.js";

/** The folder of the personas that ship with Panelist. */
export const BUILT_IN_PERSONAS_DIR = fileURLToPath(new URL("../../personas/", import.meta.url));

/** The order the built-in panel is shown in; other personas follow by id. */
const PANEL_ORDER = ["developer-experience", "skeptic", "futurist", "business"];

/**
 * Loads every `*.md` persona in `directory`, sorted in panel order. With `only`, keeps those ids in
 * the order given and fails on an id that is not there.
 */
export async function loadPersonas(directory = BUILT_IN_PERSONAS_DIR, only?: readonly string[], options: { onWarning?: (line: string) => void } = {}): Promise<Persona[]> {
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => name.endsWith(".md") && name.toLowerCase() !== "readme.md");
  } catch (error) {
    throw new ConfigError("--personas-dir", `cannot read ${directory}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  const personas = await Promise.all(names.map((name) => loadPersonaFile(join(directory, name), options)));
  if (personas.length === 0) throw new ConfigError("--personas-dir", `no persona files (*.md) in ${directory}`);
  const seen = new Map<string, Persona>();
  for (const persona of personas) {
    const earlier = seen.get(persona.id);
    if (earlier) throw new InputError({ file: persona.file, field: "id" }, `"${persona.id}" is also the id of ${earlier.file}`);
    seen.set(persona.id, persona);
  }
  if (!only) return personas.sort(byPanelOrder);
  return only.map((id) => {
    const persona = seen.get(id);
    if (!persona) throw new ConfigError("--personas", `unknown persona "${id}"; known: ${[...seen.keys()].sort(compareIds).join(", ")}`);
    return persona;
  });
}

/** Reads one persona file: YAML front matter (id, name, lens) and a body that is the brief. */
export async function loadPersonaFile(file: string, options: { onWarning?: (line: string) => void } = {}): Promise<Persona> {
  // Read as tool files are: bytes that are not UTF-8 are Latin-1, said once, not U+FFFD.
  const decoded = decodeText(await readFile(file));
  const warning = invalidUtf8Warning(file, decoded);
  if (warning) options.onWarning?.(warning);
  const text = decoded.text.replace(/\r\n?/g, "\n");
  const lines = text.split("\n");
  const end = lines.findIndex((line, index) => index > 0 && line.trim() === "---");
  if (lines[0]?.trim() !== "---" || end === -1) {
    throw new InputError({ file, line: 1 }, "a persona file starts with front matter between '---' lines");
  }
  const parsed = parseLocated(lines.slice(1, end).join("\n"), { firstLine: 2 });
  if (!parsed.ok) throw new InputError({ file, line: parsed.problem.line }, parsed.problem.message);
  const result = personaFrontMatterSchema.safeParse(parsed.document.data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.map(String).join(".") || undefined;
    throw new InputError(
      { file, line: parsed.document.lineOf(issue.path) ?? 2, ...(field ? { field } : {}) },
      zodIssueText(issue),
    );
  }
  const brief = lines.slice(end + 1).join("\n").trim();
  if (brief === "") throw new InputError({ file, line: end + 2 }, "the persona brief (the body) is empty");
  return { ...result.data, brief, file };
}

function byPanelOrder(a: Persona, b: Persona): number {
  return compareIds(a.id, b.id);
}

function compareIds(a: string, b: string): number {
  const rank = (id: string): number => (PANEL_ORDER.includes(id) ? PANEL_ORDER.indexOf(id) : PANEL_ORDER.length);
  return rank(a) - rank(b) || a.localeCompare(b);
}
