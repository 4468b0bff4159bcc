import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadToolFile } from "../../src/tools/load-tool-file.js";
import { reportSchema } from "../../src/report/report-schema.js";
import { useBuiltInPersonas, useFakeLlmServers } from "../support/panel-fixtures.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";
import { isModeratorCall, moderatorReply, panelHandler } from "../support/scripted-panel.js";

const personas = useBuiltInPersonas();
const servers = useFakeLlmServers();

/** GitHub's REST API and the Hugging Face Hub as they answer, trimmed, on one local server. */
const requests: string[] = [];
let base = "";
const standIns = createServer((request: IncomingMessage, response: ServerResponse) => {
  const path = (request.url ?? "/").split("?")[0]!;
  requests.push(`${request.method} ${path} ua=${request.headers["user-agent"] ?? ""}`);
  const etag = `"${path.length}"`;
  // Revalidation as the APIs answer it: an unchanged document is a 304 with no body.
  if (request.headers["if-none-match"] === etag) {
    requests.push(`304 ${path}`);
    return void response.writeHead(304, { etag }).end();
  }
  const json = (status: number, body: unknown): void => void response.writeHead(status, { "content-type": "application/json; charset=utf-8", etag }).end(JSON.stringify(body));
  if (path === "/github/repos/ultraworkers/claw-code") {
    return json(200, {
      name: "claw-code", full_name: "ultraworkers/claw-code", html_url: "https://github.com/ultraworkers/claw-code",
      description: "An open agent harness for your terminal", stargazers_count: 181204, forks_count: 9120, open_issues_count: 312,
      license: { key: "mit", name: "MIT License", spdx_id: "MIT" }, topics: ["ai-coding-agent"], archived: false, pushed_at: "2026-11-30T10:00:00Z",
    });
  }
  if (path === "/github/repos/ultraworkers/claw-code/readme") {
    return json(200, { name: "README.md", encoding: "base64", content: Buffer.from("# Claw Code\n\nClaw Code plans an edit, runs your tests and tries again until they pass.\n").toString("base64") });
  }
  if (path === "/github/repos/ultraworkers/claw-code/releases/latest") return json(200, { tag_name: "v0.4.2", name: "v0.4.2", published_at: "2026-04-10T08:00:00Z" });
  if (path === "/hf/api/models/HuggingFaceTB/SmolVLM2-2.2B-Instruct") {
    return json(200, {
      id: "HuggingFaceTB/SmolVLM2-2.2B-Instruct", modelId: "HuggingFaceTB/SmolVLM2-2.2B-Instruct", downloads: 1234567, likes: 812, pipeline_tag: "image-text-to-text",
      library_name: "transformers", lastModified: "2026-10-01T00:00:00.000Z", tags: ["transformers", "license:apache-2.0"], cardData: { license: "apache-2.0" },
    });
  }
  if (path === "/hf/HuggingFaceTB/SmolVLM2-2.2B-Instruct/raw/main/README.md") {
    response.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
    return void response.end("---\nlicense: apache-2.0\n---\n# SmolVLM2\n\nA small vision-language model that describes images and short videos on a laptop.\n");
  }
  if (path === "/feeds/launches.rss") {
    // An old feed in ISO-8859-1, as its XML declaration says: "Café" is the byte 0xE9.
    response.writeHead(200, { "content-type": "application/rss+xml" });
    return void response.end(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Launches</title><item><title>Café Notes - notes that sync</title><link>https://example.com/cafe</link><description>Notes for caf\u00e9 owners.</description></item></channel></rss>', "latin1"));
  }
  response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ message: "Not Found" }));
});

beforeAll(async () => {
  await new Promise<void>((resolve) => standIns.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(standIns.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => standIns.close(() => resolve())));

const GITHUB = "https://github.com/ultraworkers/claw-code";
const HF = "https://huggingface.co/HuggingFaceTB/SmolVLM2-2.2B-Instruct";
const sourceEnv = () => ({ GITHUB_API_URL: `${base}/github`, HF_ENDPOINT: `${base}/hf` });

describe("tools read from where they live", () => {
  test("compare <github URL> <hf URL>: both tools' facts and sources on the page, and in the dossier the panel read", async () => {
    const llm = await servers.start({ handler: (call) => (isModeratorCall(call) ? moderatorReply(call) : panelHandler({}, personas)(call)) });
    const dir = await temporaryDirectory();
    const run = await runCli(["compare", GITHUB, HF, "--model", "openai:gpt-4.1-mini", "--format", "md,json,html", "--store", join(dir, "p.db"), "--out", dir], {
      OPENAI_API_KEY: "sk-test-sources", OPENAI_BASE_URL: llm.openaiBaseUrl, ...sourceEnv(),
    });
    expect(run.stderr).not.toContain("skipped");
    expect(run.code).toBe(0);
    expect(requests.some((line) => line.includes("ua=Panelist/"))).toBe(true);
    const report = reportSchema.parse(JSON.parse(await readFile(join(dir, "report.json"), "utf8")));
    const [claw, smol] = report.tools;
    expect(claw!.name).toBe("claw-code");
    expect(claw!.pricing).toBe("Open source");
    const facts = (tool: typeof claw) => Object.fromEntries((tool!.facts ?? []).map((fact) => [fact.label, fact.value]));
    expect(facts(claw)).toMatchObject({ Licence: "MIT", Stars: "181,204", "Latest release": "v0.4.2, 2026-04-10" });
    expect(claw!.facts!.every((fact) => fact.source.startsWith(`${base}/github/`))).toBe(true);
    expect(facts(smol)).toMatchObject({ Likes: "812", Task: "image-text-to-text" });
    const html = await readFile(join(dir, "report.html"), "utf8");
    expect(html).toContain("181,204");
    expect(html).toContain(`${base}/github/repos/ultraworkers/claw-code`);
    expect(await readFile(join(dir, "report.md"), "utf8")).toContain("**Facts:**");
    // The panel read the facts as data, inside the dossier.
    const review = llm.calls.find((call) => call.text.includes("claw-code") && !isModeratorCall(call))!;
    const dossier = /<tool_dossier>\n(Name:[\s\S]*?)<\/tool_dossier>/.exec(review.text)?.[1] ?? "";
    expect(dossier.replaceAll("\u02C6", " ")).toContain("181,204");

    // The same compare again: the store's copies are revalidated (304, no body), the facts kept.
    const again = await runCli(["compare", GITHUB, HF, "--model", "openai:gpt-4.1-mini", "--format", "json", "--store", join(dir, "p.db"), "--out", join(dir, "again")], {
      OPENAI_API_KEY: "sk-test-sources", OPENAI_BASE_URL: llm.openaiBaseUrl, ...sourceEnv(),
    });
    expect(again.code).toBe(0);
    expect(requests.filter((line) => line.startsWith("304 /github/repos/ultraworkers/claw-code"))).not.toHaveLength(0);
    const second = reportSchema.parse(JSON.parse(await readFile(join(dir, "again", "report.json"), "utf8")));
    expect(facts(second.tools[0])).toMatchObject({ Licence: "MIT", Stars: "181,204" });
  }, 30_000);

  test("intake writes tool files that review reads back unchanged; a spec that cannot be read is one line and the rest go on", async () => {
    const dir = await temporaryDirectory();
    const out = join(dir, "tools");
    const run = await runCli(["intake", GITHUB, HF, "npm:this-package-does-not-exist", "--out", out], { ...sourceEnv(), npm_config_registry: `${base}/npm` });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/warning: skipped: npm:this-package-does-not-exist: not found in the npm registry/);
    expect(run.stdout).toMatch(/^claw-code \(Open source\): \d+ facts — Licence: MIT/m);
    const files = (await readdir(out)).sort();
    expect(files).toHaveLength(2);
    for (const file of files) {
      const loaded = await loadToolFile(join(out, file));
      expect(loaded.errors).toEqual([]);
      const [tool] = loaded.tools;
      expect(tool!.facts!.length).toBeGreaterThan(2);
      // Written again from what was read, the file is byte for byte the same.
      const { toolFileText } = await import("../../src/tools/write-tool-file.js");
      expect(toolFileText(tool!)).toBe(await readFile(join(out, file), "utf8"));
    }
  });

  test("a pasted URL on a private address is refused before any request, unless --allow-private-hosts", async () => {
    const dir = await temporaryDirectory();
    const before = requests.length;
    const refused = await runCli(["intake", `${base}/page`, "--out", join(dir, "tools")], {});
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^panelist: http:\/\/127\.0\.0\.1:\d+\/page: .*refused.*127\.0\.0\.1.*--allow-private-hosts/);
    expect(requests.length).toBe(before);
    const allowed = await runCli(["intake", `${base}/page`, "--allow-private-hosts", "--out", join(dir, "tools")], {});
    expect(requests.length).toBe(before + 1);
    expect(allowed.stderr).toMatch(/the page answered 404/);
  });

  test("a feed URL goes through the same guard: refused on a private address, read with --allow-private-hosts, in its declared encoding", async () => {
    const llm = await servers.start({ handler: panelHandler({}, personas) });
    const dir = await temporaryDirectory();
    const env = { OPENAI_API_KEY: "sk-test-feed-url", OPENAI_BASE_URL: llm.openaiBaseUrl };
    const args = ["batch", `${base}/feeds/launches.rss`, "--model", "openai:gpt-4.1-mini", "--personas", "skeptic", "--store", join(dir, "p.db"), "--out", join(dir, "out")];
    const refused = await runCli(args, env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^panelist: http:\/\/127\.0\.0\.1:\d+\/feeds\/launches\.rss: refused: 127\.0\.0\.1 is a loopback address/);
    expect(llm.calls).toHaveLength(0);
    const allowed = await runCli([...args, "--allow-private-hosts"], env);
    expect(allowed.code).toBe(0);
    const index = JSON.parse(await readFile(join(dir, "out", "index.json"), "utf8"));
    expect(index.tools.map((tool: { name: string }) => tool.name)).toEqual(["Café Notes"]);
  });
});
