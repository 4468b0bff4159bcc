import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, test } from "vitest";
import { temporaryDirectory } from "../support/run-cli.js";

const run = promisify(execFile);

test("panelist --help loads no provider SDK, SQLite, Handlebars or report code", async () => {
  const file = join(await temporaryDirectory(), "imports.txt");
  const { stdout } = await run(process.execPath, ["--import", "./test/support/record-imports.mjs", "dist/cli/bin.js", "--help"], {
    env: { PATH: process.env.PATH, PANELIST_IMPORTS_FILE: file },
  });
  expect(stdout).toContain("panelist review <tool-file>");
  const imports = (await readFile(file, "utf8")).trim().split("\n");
  expect(imports.some((url) => url.endsWith("/dist/cli/main.js"))).toBe(true);
  for (const heavy of ["/openai/", "/@anthropic-ai/", "/better-sqlite3/", "/handlebars/", "/dist/report/", "/dist/store/", "/dist/pipeline/"]) {
    expect(imports.filter((url) => url.includes(heavy))).toEqual([]);
  }
});
