/**
 * `npx tsx bench/parse-verdict-time.ts`: how long parseVerdict takes to refuse each adversarial
 * answer (test/support/adversarial-answers.ts, about 250,000 characters each). Moved here from
 * test/verdict/parse-verdict.test.ts, where a wall-clock limit could fail on a slow CI machine.
 * Exits 1 when one takes longer than the limit (default 2,000 ms; the first argument changes it).
 */
import { parseVerdict } from "../src/verdict/parse-verdict.js";
import { ADVERSARIAL_ANSWERS } from "../test/support/adversarial-answers.js";

const limitMs = Number(process.argv[2] ?? 2000);
let slow = 0;
for (const { name, text } of ADVERSARIAL_ANSWERS) {
  const started = performance.now();
  const result = parseVerdict(text);
  const elapsed = performance.now() - started;
  if (elapsed > limitMs) slow += 1;
  console.log(`${elapsed.toFixed(1).padStart(8)} ms  ${name}${result.ok ? "  (parsed as a verdict!)" : ""}${elapsed > limitMs ? `  over ${limitMs} ms` : ""}`);
}
console.log(slow === 0 ? `all ${ADVERSARIAL_ANSWERS.length} refused within ${limitMs} ms` : `${slow} of ${ADVERSARIAL_ANSWERS.length} over ${limitMs} ms`);
process.exit(slow === 0 ? 0 : 1);
