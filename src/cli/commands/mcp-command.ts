import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { resolveConfig } from "../../config/resolve-config.js";
import { ConfigError } from "../../errors/config-error.js";
import { secretValues } from "../../providers/redact-secrets.js";
import { EXIT, readDotenv, redactingPrinters, type CliIO } from "../cli-io.js";
import { listenOptions } from "../listen-options.js";
import { FLAG_NAMES, type CommandLine } from "../parse-command-line.js";
import { sourceOptions } from "../source-options.js";
import { storePath } from "../store-path.js";

/** The port `panelist mcp --http` listens on unless --port says otherwise. */
export const DEFAULT_MCP_PORT = 4478;

/**
 * `panelist mcp [options]`: a Model Context Protocol server on stdin/stdout until the client
 * hangs up. stdout carries protocol messages and nothing else; every log line goes to stderr.
 * With `--http`: Streamable HTTP at `http://127.0.0.1:4478/mcp` until Ctrl-C, behind a token.
 */
export async function runMcpCommand(commandLine: CommandLine, io: CliIO): Promise<number> {
  if (commandLine.positionals.length > 0) throw new ConfigError("mcp", `takes no tool files (the client names them in each request), got ${commandLine.positionals[0]}`);
  const { http } = commandLine.batch;
  if (!http) {
    for (const [flag, value] of [["--port", commandLine.batch.port], ["--host", commandLine.batch.host], ["--token", commandLine.batch.token]] as const) {
      if (value !== undefined) throw new ConfigError(flag, "is for mcp --http; on stdio the client runs the server itself");
    }
  }
  const listen = http
    ? listenOptions(commandLine.batch, DEFAULT_MCP_PORT, {
        guards: "your keys",
        exposed: (host) => `${host} lets other machines reach the server and spend on your keys; give --token with a secret of your own (at least 16 characters)`,
      })
    : undefined;
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
  const { stdout, stderr } = redactingPrinters(io, env);
  if (modelNote) stderr(`${modelNote}\n`);
  const { createPanelistMcpServer, runsSettled } = await import("../../mcp/mcp-server.js");
  const { StdioServerTransport } = await import("@modelcontextprotocol/sdk/server/stdio.js");
  const { ReviewStore } = await import("../../store/review-store.js");
  const storeFile = storePath(commandLine, io);
  const store = ReviewStore.open(storeFile);
  // One spending for the whole session: over HTTP every request gets a server of its own.
  const spending = { spent: 0 };
  const newServer = () =>
    createPanelistMcpServer({
      config,
      credentials,
      sources: sourceOptions(config, env),
      store,
      secrets: secretValues(env),
      spending,
      ...(sessionMaxCost === undefined ? {} : { sessionMaxCost }),
      onLog: (line) => stderr(`${line}\n`),
    });
  const limits = `${config.models.join(", ")}${config.maxCost === undefined ? "" : `, --max-cost $${config.maxCost} per request`}; store ${storeFile}`;
  if (listen) return serveHttp({ ...listen, newServer, limits, io, stdout, stderr, close: () => store.close() });
  if (!io.protocolStreams) throw new ConfigError("mcp", "needs stdin and stdout to speak the protocol on");
  const server = newServer();
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
      server.connect(transport).then(() => stderr(`panelist mcp: serving on stdio (${limits})\n`), reject);
    });
  } finally {
    unsubscribe?.();
    await server.close().catch(() => {});
    await runsSettled(server);
    store.close();
  }
  return EXIT.ok;
}

/** `mcp --http`: listens until Ctrl-C; prints the address and the token scripts and clients send. */
async function serveHttp(input: {
  host: string;
  port: number;
  token: string | undefined;
  newServer: () => McpServer;
  limits: string;
  io: CliIO;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  close: () => void;
}): Promise<number> {
  const { createAccessToken } = await import("../../access/access-token.js");
  const { startMcpHttpServer } = await import("../../mcp/mcp-http-server.js");
  const token = input.token ?? createAccessToken();
  let running;
  try {
    running = await startMcpHttpServer({ host: input.host, port: input.port, token, newServer: input.newServer, onLog: (line) => input.stderr(`${line}\n`) });
  } catch (error) {
    input.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new ConfigError("--port", `${input.port} is in use on ${input.host}: give another with --port`);
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new ConfigError("--host", `cannot listen on ${input.host} (${code})`);
    throw error;
  }
  input.stdout(`panelist mcp: ${running.url}\n`);
  // A token the user chose is theirs already; a generated one is printed once, for the client's configuration.
  // (Not as "Bearer …": the redactor takes that for a credential and hides it.)
  if (input.token === undefined) input.stdout(`token: ${token} (clients send it as the Authorization header's Bearer token)\n`);
  input.stderr(`Serving MCP over HTTP (${input.limits}); Ctrl-C stops it.\n`);
  let unsubscribe: (() => void) | undefined;
  await new Promise<void>((resolve) => {
    unsubscribe = input.io.onInterrupt?.(() => resolve());
    if (!unsubscribe) resolve();
  });
  try {
    await running.close();
  } finally {
    unsubscribe?.();
    input.close();
  }
  return EXIT.ok;
}
