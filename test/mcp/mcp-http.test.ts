import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { join, resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Progress } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, test } from "vitest";
import { reportSchema } from "../../src/report/report-schema.js";
import { panelHandler } from "../support/scripted-panel.js";
import { PANELIST_BIN } from "../support/panelist-bin.js";
import { useBuiltInPersonas, useFakeLlmServers } from "../support/panel-fixtures.js";
import { temporaryDirectory } from "../support/run-cli.js";

const personas = useBuiltInPersonas();
const servers = useFakeLlmServers();
const CLAW = resolve("fixtures/tools/claw-code.md");
const SMOL = resolve("fixtures/tools/smolvlm2-turbo.md");
const KEY = "sk-test-mcp-http-0000";
const started: ChildProcess[] = [];
const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  for (const child of started.splice(0)) child.kill("SIGINT");
});

/** Spawns `panelist mcp --http --port 0` and reads the address and token it prints. */
async function serveHttp(extraArgs: string[] = []): Promise<{ url: string; token: string; llm: Awaited<ReturnType<typeof servers.start>>; stderr: () => string }> {
  const llm = await servers.start({ handler: panelHandler({ "Claw Code": { skeptic: "skip" } }, personas) });
  const folder = await temporaryDirectory();
  const child = spawn(process.execPath, [PANELIST_BIN, "mcp", "--http", "--port", "0", "--model", "openai:gpt-4.1-mini", "--store", join(folder, "p.db"), ...extraArgs], {
    env: { PATH: process.env.PATH ?? "", OPENAI_API_KEY: KEY, OPENAI_BASE_URL: llm.openaiBaseUrl },
    cwd: folder,
  });
  started.push(child);
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
  await new Promise<void>((done, fail) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/^token: \S+/m.test(stdout)) done();
    });
    child.once("exit", (code) => fail(new Error(`panelist mcp --http exited ${code}: ${stderr}`)));
  });
  const url = /^panelist mcp: (http:\/\/127\.0\.0\.1:\d+\/mcp)$/m.exec(stdout)![1]!;
  const token = /^token: (\S+) /m.exec(stdout)![1]!;
  return { url, token, llm, stderr: () => stderr };
}

async function connect(url: string, token: string): Promise<Client> {
  const client = new Client({ name: "panelist-http-test", version: "0.0.0" });
  clients.push(client);
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
  return client;
}

/** A raw POST with the headers given, for what a browser or an attacker would send. */
function post(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const sent = request(url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers } }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => void (body += chunk.toString()));
      response.on("end", () => done({ status: response.statusCode ?? 0, body }));
    });
    sent.on("error", fail);
    sent.end(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }));
  });
}

describe("panelist mcp --http: Streamable HTTP behind a token", () => {
  test("the SDK's client compares the fixture tools: 75% / 100%, the pick, progress; the store keeps the run", async () => {
    const { url, token, stderr } = await serveHttp();
    const client = await connect(url, token);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(["compare_tools", "get_run", "list_runs", "rerun_review", "review_tools"]);
    const progress: Progress[] = [];
    const result = await client.callTool({ name: "compare_tools", arguments: { tools: [CLAW, SMOL] } }, undefined, { onprogress: (update) => void progress.push(update) });
    expect(result.isError, stderr()).toBeFalsy();
    const report = reportSchema.parse(result.structuredContent);
    expect(report.tools.map((tool) => [tool.name, tool.panel.shipPct])).toEqual([
      ["Claw Code", 75],
      ["SmolVLM2 Turbo", 100],
    ]);
    expect(report.pick?.name).toBe("SmolVLM2 Turbo");
    expect(progress.map((update) => update.progress)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Each request gets a server of its own; the store is shared.
    const listed = await client.callTool({ name: "list_runs", arguments: {} });
    expect((listed.structuredContent as { runs: { command: string; reviews: number }[] }).runs).toMatchObject([{ command: "compare", reviews: 8 }]);
    expect(stderr()).not.toContain(KEY);
  }, 30_000);

  test("no token or a wrong one is 401, a foreign Host header 421, GET 405, with nothing called", async () => {
    const { url, token, llm } = await serveHttp();
    expect(await post(url, {})).toMatchObject({ status: 401, body: expect.stringContaining("Authorization: Bearer") });
    expect((await post(url, { authorization: "Bearer not-the-token-at-all" })).status).toBe(401);
    expect(await post(url, { authorization: `Bearer ${token}`, host: "attacker.example:80" })).toMatchObject({ status: 421, body: expect.stringContaining("attacker.example:80") });
    const got = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(got.status).toBe(405);
    expect((await post(url, { authorization: `Bearer ${token}` })).status).toBe(200);
    expect(llm.calls).toHaveLength(0);
  });

  test("--max-session-cost holds across requests, though each request has a server of its own", async () => {
    const { url, token, llm } = await serveHttp(["--max-session-cost", "0.005"]);
    const client = await connect(url, token);
    let lastText = "";
    let callsAtLast = 0;
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const before = llm.calls.length;
      const tools = [0, 1].map((index) => ({ name: `Tool ${attempt}-${index}`, description: `Tool ${attempt}-${index} does one thing well.` }));
      const answer = (await client.callTool({ name: "compare_tools", arguments: { tools } })) as { content?: { text: string }[] };
      lastText = answer.content?.[0]?.text ?? "";
      callsAtLast = llm.calls.length - before;
    }
    expect(callsAtLast).toBe(0);
    expect(lastText).toMatch(/Not started: 8 reviews \(the server.s --max-cost \$0\.00\d+ would have been exceeded\)/);
  }, 60_000);

  test("another address without --token is refused before anything listens", async () => {
    const child = spawn(process.execPath, [PANELIST_BIN, "mcp", "--http", "--host", "0.0.0.0", "--model", "openai:gpt-4.1-mini"], { env: { PATH: process.env.PATH ?? "", OPENAI_API_KEY: KEY } });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.once("exit", done));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^panelist: --host: 0\.0\.0\.0 lets other machines reach the server and spend on your keys; give --token/);
  });
});
