import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, expect, test } from "vitest";
import { DEFAULT_VERDICT, startFakeLlmServer, type FakeLlmServer } from "../support/fake-llm-server.js";
import { temporaryDirectory } from "../support/run-cli.js";
import { isModeratorCall, moderatorReply } from "../support/scripted-panel.js";
import { PANELIST_BIN } from "../support/panelist-bin.js";

const run = promisify(execFile);
let server: FakeLlmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

// The compiled entry that `npx panelist` runs (built by `npm test` and by `npm install`'s prepare).
// What a user runs: the bundled bin of package.json.
const BIN = PANELIST_BIN;

test("the built binary compares two tools in a child process and exits 0", async () => {
  expect(existsSync(BIN)).toBe(true);
  server = await startFakeLlmServer({ handler: (call) => (isModeratorCall(call) ? moderatorReply(call) : { kind: "json", value: DEFAULT_VERDICT }) });
  const out = await temporaryDirectory();
  const { stdout } = await run(process.execPath, [BIN, "compare", "fixtures/tools/claw-code.md", "fixtures/tools/smolvlm2-turbo.md", "--model", "openai:gpt-4.1-mini", "--out", out], {
    env: { PATH: process.env.PATH, OPENAI_API_KEY: "sk-test-bin-1", OPENAI_BASE_URL: server.openaiBaseUrl, PANELIST_STORE: join(out, "panelist.db") },
  });
  expect(stdout).toContain("Pick: ");
  const report = JSON.parse(await readFile(join(out, "report.json"), "utf8"));
  expect(report.tools).toHaveLength(2);
  // 8 reviews and the moderator's editor summary.
  expect(report.usage.calls).toBe(9);
  expect(report.summary).toMatch(/^The panel backs /);
});

test("the built binary exits 2 on a malformed tool file, naming file and field", async () => {
  const failure = await run(process.execPath, [BIN, "review", "fixtures/bad-tools/name-wrong-type.md", "--model", "openai:m"], {
    env: { PATH: process.env.PATH, OPENAI_API_KEY: "sk-test-bin-2", PANELIST_STORE: join(await temporaryDirectory(), "panelist.db") },
  }).catch((error: { code: number; stderr: string }) => error);
  expect(failure).toMatchObject({ code: 2, stderr: "panelist: fixtures/bad-tools/name-wrong-type.md:2: name: expected string, received array\n" });
});
