import { ConfigError } from "../errors/config-error.js";
import { InterruptedError } from "../errors/interrupted-error.js";
import { PanelistError } from "../errors/panelist-error.js";
import { redactSecrets, secretValues } from "../providers/redact-secrets.js";
import { EXIT, type CliIO } from "./cli-io.js";
import { COMMAND_HELP, MAIN_HELP } from "./help-text.js";
import { parseCommandLine } from "./parse-command-line.js";

export { EXIT, type CliIO } from "./cli-io.js";

/** Runs the CLI and returns its exit code. Never calls process.exit: bin.ts does. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    const commandLine = parseCommandLine(argv);
    if (commandLine.version) {
      io.stdout(`${(await import("../version.js")).panelistVersion()}\n`);
      return EXIT.ok;
    }
    if (!commandLine.command || commandLine.command === "help") {
      io.stdout(MAIN_HELP);
      return commandLine.command || commandLine.help ? EXIT.ok : EXIT.usage;
    }
    const help = COMMAND_HELP[commandLine.command];
    if (help === undefined) throw new ConfigError("command", `unknown command "${commandLine.command}"; try review, compare, batch, intake, runs, report, rerun, stats, calibrate, export, personas, mcp or serve`);
    if (commandLine.help) {
      io.stdout(help);
      return EXIT.ok;
    }
    // Each command is loaded on demand so that --help and usage errors start fast.
    switch (commandLine.command) {
      case "personas":
        return await (await import("./commands/personas-command.js")).runPersonasCommand(commandLine, io);
      case "batch":
        return await (await import("./commands/batch-command.js")).runBatchCommand(commandLine, io);
      case "stats":
        return await (await import("./commands/stats-command.js")).runStatsCommand(commandLine, io);
      case "export":
        return await (await import("./commands/export-command.js")).runExportCommand(commandLine, io);
      case "runs":
        return await (await import("./commands/runs-command.js")).runRunsCommand(commandLine, io);
      case "intake":
        return await (await import("./commands/intake-command.js")).runIntakeCommand(commandLine, io);
      case "calibrate":
        return await (await import("./commands/calibrate-command.js")).runCalibrateCommand(commandLine, io);
      case "mcp":
        return await (await import("./commands/mcp-command.js")).runMcpCommand(commandLine, io);
      case "serve":
        return await (await import("./commands/serve-command.js")).runServeCommand(commandLine, io);
      case "rerun":
        return await (await import("./commands/rerun-command.js")).runRerunCommand(commandLine, io);
      case "report":
        return await (await import("./commands/report-command.js")).runReportCommand(commandLine, io);
      default:
        return await (await import("./commands/review-command.js")).runReviewCommand(commandLine, io, commandLine.command === "compare");
    }
  } catch (error) {
    if (error instanceof InterruptedError) {
      io.stderr(`panelist: ${error.message}\n`);
      return EXIT.interrupted;
    }
    if (error instanceof PanelistError) {
      io.stderr(`panelist: ${redactSecrets(error.message, secretValues(io.env))}\n`);
      return EXIT.usage;
    }
    // Not an input or configuration problem: a bug. Say so plainly, in one line and without secrets;
    // the stack only when asked for (--debug or PANELIST_DEBUG=1).
    const debug = argv.includes("--debug") || /^(1|true|yes|on)$/i.test(io.env.PANELIST_DEBUG ?? "");
    const line = error instanceof Error ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`.split("\n")[0] : String(error);
    const text = debug && error instanceof Error && error.stack ? error.stack : `${line} (a bug in Panelist: please report it; PANELIST_DEBUG=1 shows where it happened)`;
    io.stderr(`panelist: internal error: ${redactSecrets(text, secretValues(io.env))}\n`);
    return EXIT.internal;
  }
}
