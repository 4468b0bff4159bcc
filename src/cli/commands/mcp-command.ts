import { resolveConfig } from "../../config/resolve-config.js";
import { ConfigError } from "../../errors/config-error.js";
import { secretValues } from "../../providers/redact-secrets.js";
import { EXIT, readDotenv, redactingPrinters, type CliIO } from "../cli-io.js";
import { FLAG_NAMES, type CommandLine } from "../parse-command-line.js";
import { sourceOptions } from "../source-options.js";
import { storePath } from "../store-path.js";

/**
 * `panelist mcp [options]`: a Model Context Protocol server on stdin/stdout until the client
 * hangs up. stdout carries protocol messages and nothing else; every log line goes to stderr.
 */
export async function runMcpCommand(commandLine: CommandLine, io: CliIO): Promise<number> {
  if (commandLine.positionals.length > 0) throw new ConfigError("mcp", `takes no tool files (the client names them in each request), got ${commandLine.positionals[0]}`);
  if (!io.protocolStreams) throw new ConfigError("mcp", "needs stdin and stdout to speak the protocol on");
  const { config, env, credentials, modelNote } = resolveConfig({
    flags: commandLine.flags,
    flagNames: FLAG_NAMES,
    dotenv: readDotenv(io.cwd),
    environment: io.env,
  });
  if (config.dryRun) throw new ConfigError("--dry-run", "plans one run; a server answers many (ask the CLI for a dry run)");
  if (config.via === "batch-api") throw new ConfigError("--via", "batch-api is for panelist batch, whose store keeps the batch ids so a later run can collect the answers");
  const sessionText = commandLine.batch.maxSessionCost;
  const sessionMaxCost = sessionText === undefined ? undefined : Number(sessionText);
  if (sessionMaxCost !== undefined && !(sessionMaxCost > 0)) throw new ConfigError("--max-session-cost", `must be more than 0, got "${sessionText}"`);
  const { stderr } = redactingPrinters(io, env);
  if (modelNote) stderr(`${modelNote}\n`);
  const { createPanelistMcpServer, runsSettled } = await import("../../mcp/mcp-server.js");
  const { StdioServerTransport } = await import("@modelcontextprotocol/sdk/server/stdio.js");
  const { ReviewStore } = await import("../../store/review-store.js");
  const storeFile = storePath(commandLine, io);
  const store = ReviewStore.open(storeFile);
  const server = createPanelistMcpServer({
    config,
    credentials,
    sources: sourceOptions(config, env),
    store,
    secrets: secretValues(env),
    ...(sessionMaxCost === undefined ? {} : { sessionMaxCost }),
    onLog: (line) => stderr(`${line}\n`),
  });
  const { input, output } = io.protocolStreams;
  const transport = new StdioServerTransport(input, output);
  let unsubscribe: (() => void) | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      // The client hanging up (stdin ends) or Ctrl-C ends the server; runs in flight are stopped and what they stored is kept.
      const done = (): void => resolve();
      input.once("end", done);
      input.once("close", done);
      unsubscribe = io.onInterrupt?.(done);
      transport.onclose = done;
      server.connect(transport).then(() => stderr(`panelist mcp: serving on stdio (${config.models.join(", ")}${config.maxCost === undefined ? "" : `, --max-cost $${config.maxCost} per request`}; store ${storeFile})\n`), reject);
    });
  } finally {
    unsubscribe?.();
    await server.close().catch(() => {});
    await runsSettled(server);
    store.close();
  }
  return EXIT.ok;
}
