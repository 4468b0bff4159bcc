import { isLoopbackHost } from "../access/listen-address.js";
import { ConfigError } from "../errors/config-error.js";
import type { CommandLine } from "./parse-command-line.js";

/** Where a listening command (`serve`, `mcp --http`) listens, and the token it was given. */
export interface ListenOptions {
  host: string;
  port: number;
  /** The user's `--token`; undefined means the server makes one. */
  token: string | undefined;
}

/**
 * `--port`, `--host` and `--token` checked as every listening command checks them: a port from 0
 * to 65535, a token of at least 16 characters, and a token required for any address but this
 * machine's own. `guards` says what the token stands in front of ("your store"), `exposed` what a
 * reachable address would let others do, for the one-line errors.
 */
export function listenOptions(batch: CommandLine["batch"], defaultPort: number, wording: { guards: string; exposed: (host: string) => string }): ListenOptions {
  const { port: portText, host = "127.0.0.1", token } = batch;
  const port = portText === undefined ? defaultPort : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConfigError("--port", `must be a whole number from 0 to 65535, got "${portText}"`);
  if (token !== undefined && token.length < 16) throw new ConfigError("--token", `must be at least 16 characters: it is all that stands between the network and ${wording.guards}`);
  if (!isLoopbackHost(host) && token === undefined) throw new ConfigError("--host", wording.exposed(host));
  return { host, port, token };
}
