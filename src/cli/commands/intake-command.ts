import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { resolveConfig } from "../../config/resolve-config.js";
import { ConfigError } from "../../errors/config-error.js";
import { redactSecrets, secretValues } from "../../providers/redact-secrets.js";
import { writeTextFile } from "../../report/write-text-file.js";
import { EXIT, readDotenv, type CliIO } from "../cli-io.js";
import { FLAG_NAMES, type CommandLine } from "../parse-command-line.js";
import { count } from "../plural.js";
import { sourceOptions } from "../source-options.js";

/**
 * `panelist intake <spec>... [--out tools/]`: reads each tool from where it lives (a GitHub repo,
 * an npm or PyPI package, a Hugging Face model or space, any page, or a feed) and writes an
 * editable tool file per tool, with its facts and their sources. Calls no model.
 */
export async function runIntakeCommand(commandLine: CommandLine, io: CliIO): Promise<number> {
  if (commandLine.positionals.length === 0) throw new ConfigError("intake", "give at least one source: a URL, npm:<package>, pypi:<project>, hf:<owner>/<model> or github:<owner>/<repo>");
  // intake calls no model: a placeholder keeps resolveConfig from choosing one.
  const { config, env } = resolveConfig({ flags: { ...commandLine.flags, models: "none:none" }, flagNames: FLAG_NAMES, dotenv: readDotenv(io.cwd), environment: io.env });
  const out = typeof commandLine.flags.out === "string" ? commandLine.flags.out : "tools";
  const { checkOutputFolder } = await import("../../engine/check-output-folder.js");
  checkOutputFolder(out);
  const secrets = secretValues(env);
  const warn = (line: string): void => io.stderr(redactSecrets(`warning: ${line}\n`, secrets));
  const { createSourceContext } = await import("../../engine/source-context.js");
  const { loadInputs } = await import("../../inputs/load-inputs.js");
  const { toolFileText } = await import("../../tools/write-tool-file.js");
  const { toolIdentity, toolSlug } = await import("../../tools/tool-identity.js");
  const sources = createSourceContext(sourceOptions(config, env), undefined, config.maxDescriptionChars);
  const loaded = await loadInputs(commandLine.positionals, { maxDescriptionChars: config.maxDescriptionChars, onWarning: warn, sources });
  if (loaded.tools.length === 0) {
    // Nothing could be read: the first problem is the answer, one line.
    if (loaded.errors[0]) throw loaded.errors[0];
    throw new ConfigError("intake", "found no tools in the sources given");
  }
  for (const skipped of loaded.skipped) warn(`skipped: ${skipped.error}`);
  mkdirSync(out, { recursive: true });
  for (const tool of loaded.tools) {
    const path = join(out, `${toolSlug(tool, toolIdentity(tool))}.md`);
    const existed = existsSync(path);
    writeTextFile(path, toolFileText(tool), secrets);
    const facts = tool.facts ?? [];
    const summary = facts.slice(0, 4).map((fact) => `${fact.label}: ${fact.value}`).join(" · ");
    io.stdout(redactSecrets(`${tool.name}${tool.pricing ? ` (${tool.pricing})` : ""}: ${count(facts.length, "fact")}${summary ? ` — ${summary}` : ""} → ${path}${existed ? " (replaced)" : ""}\n`, secrets));
  }
  io.stdout(`Wrote ${count(loaded.tools.length, "tool file")} to ${out}; correct them, then: panelist review ${join(out, "*.md")}\n`);
  return loaded.skipped.length > 0 ? EXIT.someFailed : EXIT.ok;
}
