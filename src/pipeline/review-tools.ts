import type { RunConfig } from "../config/run-config.js";
import { loadPersonas, BUILT_IN_PERSONAS_DIR } from "../personas/load-personas.js";
import { loadPromptTemplates } from "../prompts/prompt-templates.js";
import { createProvider } from "../providers/create-provider.js";
import { parseModelSpec } from "../providers/model-spec.js";
import { providerLabel } from "../providers/provider.js";
import { buildReport } from "../report/build-report.js";
import type { Report } from "../report/report-schema.js";
import { writeReportFiles } from "../report/write-report-files.js";
import { loadToolFile } from "../tools/load-tool-file.js";
import type { Tool } from "../tools/tool.js";
import { ConfigError } from "../errors/config-error.js";
import { verdictJsonSchema } from "../verdict/verdict-schema.js";
import { runPanel, type PanelRunOptions } from "./run-panel.js";

/** What a review or comparison needs. */
export interface ReviewToolsOptions {
  /** Tool files (.md, .json, .jsonl). */
  toolFiles: readonly string[];
  config: RunConfig;
  /** Where API keys and base URLs are read from (the merged .env and environment). */
  env: Readonly<Record<string, string | undefined>>;
  /** Head-to-head: requires two or more tools and adds the pick. */
  compare: boolean;
  /** Called with each warning line (unknown keys and the like). */
  onWarning?: (line: string) => void;
  /** Called as each review finishes. */
  onOutcome?: PanelRunOptions["onOutcome"];
}

/** The finished report and the files written. */
export interface ReviewToolsResult {
  report: Report;
  files: string[];
}

/**
 * Loads tools and personas, runs the panel and writes the reports: the library form of
 * `panelist review` and `panelist compare`. Bad input or configuration throws before any call is
 * made; failed reviews are recorded in the report, not thrown.
 */
export async function reviewTools(options: ReviewToolsOptions): Promise<ReviewToolsResult> {
  const { config } = options;
  const tools = await loadTools(options.toolFiles, options.onWarning);
  if (options.compare && tools.length < 2) throw new ConfigError("compare", `needs at least two tools, got ${tools.length}`);
  const providers = config.models.map((spec) =>
    createProvider(parseModelSpec(spec), {
      env: options.env,
      timeoutMs: config.timeoutSeconds * 1000,
      ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
    }),
  );
  const [personas, templates] = await Promise.all([
    loadPersonas(config.personasDir ?? BUILT_IN_PERSONAS_DIR, config.personas),
    loadPromptTemplates(),
  ]);
  const results = await runPanel({
    tools,
    personas,
    providers,
    templates,
    concurrency: config.concurrency,
    schema: verdictJsonSchema(),
    maxOutputTokens: config.maxOutputTokens,
    ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
    ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
  });
  const report = buildReport({ results, personas, models: providers.map(providerLabel), compare: options.compare });
  const files = await writeReportFiles(report, config.out, config.formats);
  return { report, files };
}

/** Loads every tool file in order; the first bad file throws an InputError naming it. */
export async function loadTools(files: readonly string[], onWarning?: (line: string) => void): Promise<Tool[]> {
  const tools: Tool[] = [];
  for (const file of files) {
    const loaded = await loadToolFile(file);
    loaded.warnings.forEach((warning) => onWarning?.(warning));
    tools.push(...loaded.tools);
  }
  if (tools.length === 0) throw new ConfigError("tool files", "give at least one tool file");
  return tools;
}
