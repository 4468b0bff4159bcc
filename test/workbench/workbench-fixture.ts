import { join } from "node:path";
import { resolveConfig } from "../../src/config/resolve-config.js";
import { FLAG_NAMES } from "../../src/cli/parse-command-line.js";
import { loadPersonas } from "../../src/personas/load-personas.js";
import { resolveSourceSettings } from "../../src/sources/source-settings.js";
import { ReviewStore } from "../../src/store/review-store.js";
import { startWorkbench, type RunningWorkbench } from "../../src/workbench/workbench-server.js";
import { startFakeLlmServer, type FakeLlmServer } from "../support/fake-llm-server.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";
import { identifyCall, isModeratorCall, moderatorReply, scriptedVerdict } from "../support/scripted-panel.js";

/** The key the fake server is called with: it must never reach a page. */
export const FAKE_KEY = "sk-test-workbench-0123456789";
export const MODEL = "openai:gpt-4.1-mini";
export const OTHER_MODEL = "openai:gpt-4.1";
export const TOKEN = "workbench-test-token-0123456789abcdef";

/** A store with one compare run, a fake LLM server and a workbench over them, on free ports. */
export interface WorkbenchFixture {
  llm: FakeLlmServer;
  store: ReviewStore;
  storeFile: string;
  runId: string;
  workbench: RunningWorkbench;
  /** `http://127.0.0.1:PORT` without the trailing slash. */
  base: string;
  close(): Promise<void>;
}

/**
 * Compares Claw Code, SmolVLM2 Turbo and the hostile fixture through the CLI against the fake
 * server (the skeptic skips Claw Code; hostile reviewers answer with markup), then serves the store.
 */
export async function startWorkbenchFixture(options: { tools?: string[] } = {}): Promise<WorkbenchFixture> {
  const personas = await loadPersonas();
  const answers = new Map<string, number>();
  const llm = await startFakeLlmServer({
    handler: (call) => {
      if (isModeratorCall(call)) return moderatorReply(call);
      const { tool, persona } = identifyCall(call, personas);
      const key = `${tool}/${persona}/${call.model}`;
      const count = (answers.get(key) ?? 0) + 1;
      answers.set(key, count);
      const reply = scriptedVerdict(tool, persona, tool === "Claw Code" && persona === "skeptic" ? "skip" : "ship");
      if (reply.kind === "json") {
        const value = reply.value as Record<string, unknown>;
        if (count > 1 || call.model !== "gpt-4.1-mini") value.quote = `${persona} answer ${count} from ${call.model} on ${tool}.`;
        if (tool.startsWith("<img")) value.quote = `</style><script>window.__pwned = 1; alert('quote')</script><img src=x onerror="window.__pwned=2"> ${FAKE_KEY}`;
      }
      return reply;
    },
  });
  const folder = await temporaryDirectory("panelist-workbench-");
  const storeFile = join(folder, "panelist.db");
  const env = { OPENAI_API_KEY: FAKE_KEY, OPENAI_BASE_URL: llm.openaiBaseUrl };
  const tools = options.tools ?? ["fixtures/tools/claw-code.md", "fixtures/tools/smolvlm2-turbo.md", "fixtures/hostile/xss-tool.md"];
  const made = await runCli(["compare", ...tools, "--model", MODEL, "--store", storeFile, "--out", join(folder, "out")], env);
  if (made.code !== 0) throw new Error(`compare failed: ${made.stderr}`);
  const runId = /Run (\S+) \(store/.exec(made.stdout)![1]!;
  const { config, credentials } = resolveConfig({ flags: { models: [MODEL, OTHER_MODEL], store: storeFile }, flagNames: FLAG_NAMES, dotenv: {}, environment: env });
  const store = ReviewStore.open(storeFile);
  const workbench = await startWorkbench({
    store,
    storeFile,
    config,
    credentials,
    sources: { settings: resolveSourceSettings({}), allowPrivateHosts: false },
    token: TOKEN,
    editor: "ada",
    host: "127.0.0.1",
    port: 0,
  });
  return {
    llm,
    store,
    storeFile,
    runId,
    workbench,
    base: workbench.url.replace(/\/$/, ""),
    close: async () => {
      await workbench.close();
      store.close();
      await llm.close();
    },
  };
}
