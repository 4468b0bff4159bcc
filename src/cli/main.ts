import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseDotenv } from "dotenv";
import { resolveConfig } from "../config/resolve-config.js";
import { ConfigError } from "../errors/config-error.js";
import { PanelistError } from "../errors/panelist-error.js";
import { redactSecrets, secretValues } from "../providers/redact-secrets.js";
import type { CallEvent } from "../pipeline/call-event.js";
import type { ReviewPlan } from "../pipeline/review-tools.js";
import type { Report } from "../report/report-schema.js";
import { formatCallEvent, formatCallEventJson } from "./format-call-event.js";
import { COMMAND_HELP, MAIN_HELP } from "./help-text.js";
import { FLAG_NAMES, parseCommandLine, type CommandLine } from "./parse-command-line.js";

/** Where the CLI reads and writes: injected so tests run it in-process. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/**
 * Exit codes: every review succeeded; some failed (the report lists them); usage, configuration
 * or input error; a bug in Panelist itself.
 */
export const EXIT = { ok: 0, someFailed: 1, usage: 2, internal: 3 } as const;

/** Runs the CLI and returns its exit code. Never calls process.exit: bin.ts does. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    const commandLine = parseCommandLine(argv);
    if (commandLine.version) {
      io.stdout(`${await packageVersion()}\n`);
      return EXIT.ok;
    }
    if (!commandLine.command || commandLine.command === "help") {
      io.stdout(MAIN_HELP);
      return commandLine.command || commandLine.help ? EXIT.ok : EXIT.usage;
    }
    const help = COMMAND_HELP[commandLine.command];
    if (help === undefined) throw new ConfigError("command", `unknown command "${commandLine.command}"; try review, compare or personas`);
    if (commandLine.help) {
      io.stdout(help);
      return EXIT.ok;
    }
    switch (commandLine.command) {
      case "personas":
        return await listPersonas(commandLine, io);
      default:
        return await runReviews(commandLine, io, commandLine.command === "compare");
    }
  } catch (error) {
    if (error instanceof PanelistError) {
      io.stderr(`panelist: ${error.message}\n`);
      return EXIT.usage;
    }
    // Not an input or configuration problem: a bug. Say so plainly, without secrets.
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr(`panelist: internal error: ${redactSecrets(message, secretValues(io.env))}\n`);
    return EXIT.internal;
  }
}

async function runReviews(commandLine: CommandLine, io: CliIO, compare: boolean): Promise<number> {
  if (commandLine.positionals.length === 0) throw new ConfigError(commandLine.command ?? "review", "give at least one tool file");
  const { config, env, modelNote } = resolveConfig({
    flags: commandLine.flags,
    flagNames: FLAG_NAMES,
    dotenv: readDotenv(io.cwd),
    environment: io.env,
  });
  if (modelNote) io.stderr(`${modelNote}\n`);
  const secrets = secretValues(env);
  // Everything printed passes through here, so no key reaches a terminal or a log file.
  const print = (write: (text: string) => void) => (text: string) => write(redactSecrets(text, secrets));
  const stdout = print(io.stdout);
  const stderr = print(io.stderr);
  // Loaded on demand so that --help and usage errors do not pay for the SDKs.
  const { reviewTools, planReviews } = await import("../pipeline/review-tools.js");
  const options = {
    toolFiles: commandLine.positionals,
    config,
    env,
    compare,
    onWarning: (line: string) => stderr(`warning: ${line}\n`),
    onCall: (event: CallEvent) => {
      if (commandLine.logJson) stderr(`${formatCallEventJson(event)}\n`);
      else if (commandLine.verbose) stderr(`${formatCallEvent(event)}\n`);
    },
  };
  if (config.dryRun) {
    stdout(formatPlan(await planReviews(options)));
    return EXIT.ok;
  }
  const { report, files } = await reviewTools(options);
  stdout(summarize(report));
  stdout(`Wrote ${files.join(", ")}\n`);
  const failures = report.tools.flatMap((tool) =>
    tool.failures.filter((failure) => failure.kind !== "budget").map((failure) => `${tool.name} / ${failure.persona} / ${failure.model}: ${failure.error}`),
  );
  for (const failure of failures) stderr(`failed: ${failure}\n`);
  if (report.notStarted > 0) {
    stderr(`stopped: ${report.notStarted} ${report.notStarted === 1 ? "review was" : "reviews were"} not started, --max-cost $${config.maxCost} reached (spent $${report.costUsd ?? "?"})\n`);
  }
  return failures.length > 0 || report.notStarted > 0 || report.skipped.length > 0 ? EXIT.someFailed : EXIT.ok;
}

async function listPersonas(commandLine: CommandLine, io: CliIO): Promise<number> {
  const { loadPersonas, BUILT_IN_PERSONAS_DIR } = await import("../personas/load-personas.js");
  const directory = typeof commandLine.flags.personasDir === "string" ? commandLine.flags.personasDir : BUILT_IN_PERSONAS_DIR;
  const personas = await loadPersonas(directory);
  const width = Math.max(...personas.map((persona) => persona.id.length));
  for (const persona of personas) io.stdout(`${persona.id.padEnd(width)}  ${persona.name} — ${persona.lens}\n`);
  return EXIT.ok;
}

/** One line per tool, the pick, then the run's totals. */
function summarize(report: Report): string {
  const lines = report.tools.map((tool) => {
    const pct = tool.panel.shipPct === null ? "no verdicts" : `${tool.panel.shipPct}% ship`;
    const failed = tool.panel.failed > 0 ? `, ${tool.panel.failed} failed` : "";
    return `${tool.name}: ${pct} (${tool.panel.split}${failed})`;
  });
  if (report.pick) lines.push(`Pick: ${report.pick.name} — ${report.pick.reason}`);
  const reviews = report.tools.reduce((sum, tool) => sum + tool.reviews.length, 0);
  const failed = report.tools.reduce((sum, tool) => sum + tool.failures.length, 0) - report.notStarted;
  const cost = report.costUsd === null ? "cost unknown" : `$${report.costUsd.toFixed(4)}`;
  lines.push(
    `Reviews: ${reviews} done, ${failed} failed, ${report.notStarted} not started, ${report.skipped.length} tools skipped · ${report.usage.calls} calls · ` +
      `${report.usage.inputTokens} input tokens (${report.usage.cachedInputTokens} cached), ${report.usage.outputTokens} output · ${cost}`,
  );
  return `${lines.join("\n")}\n`;
}

/** The `--dry-run` listing: one line per planned call, then the totals. */
function formatPlan(plan: ReviewPlan): string {
  const money = (usd: number | null): string => (usd === null ? "price unknown" : `≤ $${usd.toFixed(4)}`);
  const lines = plan.calls.map((call) => `${call.tool} / ${call.persona} / ${call.model}: ~${call.inputTokens} input tokens, ≤ ${call.maxOutputTokens} output, ${money(call.maxCostUsd)}`);
  lines.push(`Dry run: ${plan.calls.length} calls planned, ~${plan.inputTokens} input tokens, ≤ ${plan.maxOutputTokens} output tokens, ${money(plan.maxCostUsd)}; nothing was called.`);
  return `${lines.join("\n")}\n`;
}

function readDotenv(cwd: string): Record<string, string> {
  const path = join(cwd, ".env");
  return existsSync(path) ? parseDotenv(readFileSync(path)) : {};
}

async function packageVersion(): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  const text = await readFile(new URL("../../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}
