import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { temporaryDirectory } from "../support/run-cli.js";

const run = promisify(execFile);

/** A vitest JSON report (the fields count-results.mjs reads, as vitest 4 writes them) with one skipped browser test. */
const REPORT = {
  numPassedTests: 2,
  numFailedTests: 0,
  numPendingTests: 1,
  numTodoTests: 1,
  testResults: [
    {
      name: "/repo/test/report/browser.test.ts",
      status: "passed",
      assertionResults: [{ fullName: "report.html in a real browser renders the verdict page", status: "skipped" }],
    },
    {
      name: "/repo/test/panel/panel-math.test.ts",
      status: "passed",
      assertionResults: [
        { fullName: "ship % a", status: "passed" },
        { fullName: "ship % b", status: "passed" },
        { fullName: "later", status: "todo" },
      ],
    },
  ],
};

/** Runs .ci/count-results.mjs on `report` with CI set to `ci` (or unset); its exit code and output. */
async function countResults(report: unknown, ci: string | undefined): Promise<{ code: number; lines: string[] }> {
  const file = join(await temporaryDirectory(), "vitest.json");
  await writeFile(file, JSON.stringify(report));
  const env = { PATH: process.env.PATH ?? "", ...(ci === undefined ? {} : { CI: ci }) };
  const result = await run(process.execPath, [".ci/count-results.mjs", file], { env }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
  return { code: result.code, lines: result.stdout.trim().split("\n") };
}

describe(".ci/count-results.mjs", () => {
  test("under CI=true a skipped test (the browser test without Chromium) counts as failed, by name", async () => {
    const { code, lines } = await countResults(REPORT, "true");
    expect(code).toBe(1);
    expect(lines).toContain("skipped under CI, counted as failed: /repo/test/report/browser.test.ts > report.html in a real browser renders the verdict page");
    expect(lines.at(-1)).toBe("2 passed, 1 failed, 1 skipped");
  });

  test("outside CI a skip is only counted", async () => {
    for (const ci of [undefined, "false", "0"]) {
      const { code, lines } = await countResults(REPORT, ci);
      expect(code).toBe(0);
      expect(lines).toEqual(["2 passed, 0 failed, 2 skipped"]);
    }
  });

  test("under CI a report with nothing skipped passes, and a missing report fails", async () => {
    const clean = { ...REPORT, numPendingTests: 0, testResults: REPORT.testResults.slice(1) };
    expect(await countResults(clean, "true")).toEqual({ code: 0, lines: ["2 passed, 0 failed, 1 skipped"] });
    const missing = await run(process.execPath, [".ci/count-results.mjs", "/nonexistent/vitest.json"]).catch((error: { code: number; stdout: string }) => error);
    expect(missing).toMatchObject({ code: 1 });
    expect(String((missing as { stdout: string }).stdout).trim().split("\n").at(-1)).toBe("0 passed, 1 failed");
  });
});
