// Prints "N passed, N failed" from vitest's JSON report; a missing report counts as one failure
// (the build or the runner broke before any test ran).
import { readFileSync } from "node:fs";

const file = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(file, "utf8"));
} catch {
  console.log(`no test report at ${file}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
const failedSuites = (report.testResults ?? []).filter((suite) => suite.status === "failed" && (suite.assertionResults ?? []).length === 0).length;
const passed = report.numPassedTests ?? 0;
const failed = (report.numFailedTests ?? 0) + failedSuites;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
