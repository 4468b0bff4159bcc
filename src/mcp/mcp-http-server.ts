import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { tokensEqual } from "../access/access-token.js";
import { allowedHostNames, urlHost } from "../access/listen-address.js";
import { runsSettled } from "./runs-in-flight.js";

/** Where and for whom `panelist mcp --http` listens. */
export interface McpHttpOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Every request must carry it as `Authorization: Bearer <token>`. */
  token: string;
  /** A server for one request (stateless Streamable HTTP: each POST is answered on its own). */
  newServer: () => McpServer;
  onLog?: (line: string) => void;
}

/** A listening MCP endpoint. */
export interface RunningMcpHttpServer {
  /** `http://host:port/mcp` */
  url: string;
  /** Stops listening, cancels the requests in flight (what they stored is kept) and waits for them. */
  close(): Promise<void>;
}

/** Largest request body read: tool specs and inline descriptions, not uploads. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Serves the panel over MCP's Streamable HTTP transport at `/mcp`, stateless (each POST gets a
 * server of its own, so nothing is kept between requests but what the store and the shared
 * spending hold). Guarded as the workbench is: the Host header must name the bound address (DNS
 * rebinding), and every request needs the Bearer token, or it gets 401 before anything is read.
 */
export async function startMcpHttpServer(options: McpHttpOptions): Promise<RunningMcpHttpServer> {
  const servers = new Set<McpServer>();
  let allowed: Set<string> | undefined;
  const http = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      options.onLog?.(`mcp http: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
      if (!response.headersSent) reply(response, 500, "internal error (a bug in Panelist: the server's log has a line about it)");
      else response.destroy();
    });
  });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const host = (request.headers.host ?? "").toLowerCase();
    if (allowed && !allowed.has(host)) return reply(response, 421, `this server answers to ${[...allowed].join(", ")}, not "${host}"`);
    if ((request.url ?? "").split("?")[0] !== "/mcp") return reply(response, 404, "the MCP endpoint is /mcp");
    const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? "")?.[1]?.trim();
    if (!tokensEqual(bearer, options.token)) {
      response.setHeader("WWW-Authenticate", 'Bearer realm="panelist"');
      return reply(response, 401, "send the server's token as Authorization: Bearer <token>");
    }
    if (request.method !== "POST") {
      response.setHeader("Allow", "POST");
      return reply(response, 405, "this server is stateless: POST each JSON-RPC message to /mcp");
    }
    const body = await readJson(request);
    if (!body.ok) return reply(response, body.status, body.message);
    const server = options.newServer();
    const transport = new StreamableHTTPServerTransport({}) /* no session id generator: stateless */;
    servers.add(server);
    // The client hanging up cancels its request: the run stops, and what it stored is kept.
    response.on("close", () => {
      void server.close().finally(() => runsSettled(server).finally(() => servers.delete(server)));
    });
    await server.connect(transport);
    await transport.handleRequest(request, response, body.value);
  };

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port, options.host, () => {
      http.off("error", reject);
      resolve();
    });
  });
  const { port } = http.address() as AddressInfo;
  allowed = allowedHostNames(options.host, port);
  return {
    url: `http://${urlHost(options.host)}:${port}/mcp`,
    close: async () => {
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      await Promise.all([...servers].map(async (server) => {
        await server.close().catch(() => {});
        await runsSettled(server);
      }));
    },
  };
}

function reply(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { "content-type": "application/json" }).end(`${JSON.stringify({ error: message })}\n`);
}

async function readJson(request: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; message: string }> {
  if (!/^application\/json\b/i.test(request.headers["content-type"] ?? "")) return { ok: false, status: 415, message: "send JSON-RPC as Content-Type: application/json" };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return { ok: false, status: 413, message: `a request is at most ${MAX_BODY_BYTES} bytes` };
    chunks.push(chunk);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString("utf8")) };
  } catch (error) {
    return { ok: false, status: 400, message: `not JSON: ${(error as Error).message.split("\n")[0]}` };
  }
}
