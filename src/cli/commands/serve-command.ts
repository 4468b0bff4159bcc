import { resolveConfig } from "../../config/resolve-config.js";
import { ConfigError } from "../../errors/config-error.js";
import { secretValues } from "../../providers/redact-secrets.js";
import { EXIT, readDotenv, redactingPrinters, type CliIO } from "../cli-io.js";
import { editorName } from "../editor-name.js";
import { listenOptions } from "../listen-options.js";
import { FLAG_NAMES, type CommandLine } from "../parse-command-line.js";
import { sourceOptions } from "../source-options.js";
import { storePath } from "../store-path.js";

/** The port `panelist serve` listens on unless --port says otherwise. */
export const DEFAULT_PORT = 4477;

/**
 * `panelist serve [--store F] [--port N] [--host H] [--token T] [--editor NAME] [run options]`:
 * the editors' workbench over the store until Ctrl-C. Prints the address to open (it carries the
 * access token); Ctrl-C stops re-runs in flight (what they got is stored), then the server and the store.
 */
export async function runServeCommand(commandLine: CommandLine, io: CliIO): Promise<number> {
  if (commandLine.positionals.length > 0) throw new ConfigError("serve", `takes no tool files (new reviews are pasted into the page), got ${commandLine.positionals[0]}`);
  const { host, port, token: givenToken } = listenOptions(commandLine.batch, DEFAULT_PORT, {
    guards: "your store",
    exposed: (host) => `${host} lets other machines reach the workbench; give --token with a secret of your own (at least 16 characters) so only those you tell it can open it`,
  });
  const givenEditor = commandLine.batch.editor;
  const editor = editorName(givenEditor);
  const { config, env, credentials, modelNote } = resolveConfig({
    flags: commandLine.flags,
    flagNames: FLAG_NAMES,
    dotenv: readDotenv(io.cwd),
    environment: io.env,
  });
  if (config.dryRun) throw new ConfigError("--dry-run", "plans one run; the workbench runs many (ask review or compare for a dry run)");
  if (config.via === "batch-api") throw new ConfigError("--via", "batch-api is for panelist batch, whose store keeps the batch ids so a later run can collect the answers");
  const { stdout, stderr } = redactingPrinters(io, env);
  if (modelNote) stderr(`${modelNote}\n`);
  const { createAccessToken } = await import("../../access/access-token.js");
  const { startWorkbench } = await import("../../workbench/workbench-server.js");
  const { ReviewStore } = await import("../../store/review-store.js");
  const storeFile = storePath(commandLine, io);
  const store = ReviewStore.open(storeFile);
  const token = givenToken ?? createAccessToken();
  let workbench;
  try {
    workbench = await startWorkbench({
      store,
      storeFile,
      config,
      credentials,
      sources: sourceOptions(config, env),
      token,
      editor,
      host,
      port,
      secrets: secretValues(env),
      onLog: (line) => stderr(`${line}\n`),
    });
  } catch (error) {
    store.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new ConfigError("--port", `${port} is in use on ${host}: give another with --port`);
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new ConfigError("--host", `cannot listen on ${host} (${code})`);
    throw error;
  }
  stdout(`panelist serve: ${workbench.signInUrl}\n`);
  stderr(`Workbench over ${storeFile} for ${editor} (models ${config.models.join(", ")}); Ctrl-C stops it.\n`);
  let interrupts = 0;
  const unsubscribe = await new Promise<(() => void) | undefined>((resolve) => {
    const subscription = io.onInterrupt?.(() => {
      interrupts += 1;
      // The first Ctrl-C lets calls in flight finish and be stored; a second cuts them off.
      if (interrupts === 1) resolve(subscription);
      else workbench.jobs.stopAll(true);
    });
    if (!subscription) resolve(undefined);
  });
  try {
    if (workbench.jobs.busy) stderr("\nStopping: re-runs start no new calls; waiting for the calls in flight (Ctrl-C again to abort them)…\n");
    await workbench.close();
  } finally {
    unsubscribe?.();
    store.close();
  }
  return EXIT.ok;
}

