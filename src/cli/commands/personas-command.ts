import { BUILT_IN_PERSONAS_DIR, loadPersonas } from "../../personas/load-personas.js";
import { EXIT, type CliIO } from "../cli-io.js";
import type { CommandLine } from "../parse-command-line.js";

/** `panelist personas`: id, name and lens of each persona. */
export async function runPersonasCommand(commandLine: CommandLine, io: CliIO): Promise<number> {
  const directory = typeof commandLine.flags.personasDir === "string" ? commandLine.flags.personasDir : BUILT_IN_PERSONAS_DIR;
  const personas = await loadPersonas(directory);
  const width = Math.max(...personas.map((persona) => persona.id.length));
  for (const persona of personas) io.stdout(`${persona.id.padEnd(width)}  ${persona.name} — ${persona.lens}\n`);
  return EXIT.ok;
}
