import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";

/** Each server's runs in flight: closing a server must wait for them before the store closes. */
const RUNNING = new WeakMap<McpServer, Set<Promise<unknown>>>();

/** Keeps a run in flight on the server's list until it ends. */
export function track<T>(server: McpServer, run: Promise<T>): Promise<T> {
  const running = RUNNING.get(server) ?? new Set();
  RUNNING.set(server, running);
  running.add(run);
  void run.finally(() => running.delete(run)).catch(() => {});
  return run;
}

/**
 * Resolves once the server's runs in flight have ended (closing the server aborts them): the
 * store can be closed after it without cutting off a review being stored.
 */
export async function runsSettled(server: McpServer): Promise<void> {
  await Promise.allSettled([...(RUNNING.get(server) ?? [])]);
}
