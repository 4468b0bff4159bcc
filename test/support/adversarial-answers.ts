/** A clean verdict answer, the seed of the near-miss case. */
const CLEAN = '{"verdict":"ship","confidence":0.8,"quote":"Installs in one line.","rationale":"Fast start.","strengths":["fast"],"risks":["young"],"pricingRead":null}';
/** Characters in each adversarial answer, about. */
const BIG = 250_000;

/**
 * Model answers built to make a parser backtrack or recurse: none holds a verdict. The tests check
 * that parseVerdict refuses each without throwing; bench/parse-verdict-time.ts checks how long it takes.
 */
export const ADVERSARIAL_ANSWERS: readonly { name: string; text: string }[] = [
  { name: "deep open braces", text: "{".repeat(BIG) },
  { name: "deep nesting, balanced", text: "[".repeat(BIG / 2) + "]".repeat(BIG / 2) },
  { name: "nested objects, balanced", text: '{"a":'.repeat(BIG / 5) + "1" + "}".repeat(BIG / 5) },
  { name: "only quotes", text: '"'.repeat(BIG) },
  { name: "only apostrophes after a brace", text: "{" + "' ".repeat(BIG / 2) },
  { name: "only backslashes", text: "{" + "\\".repeat(BIG) },
  { name: "open think tags", text: "<think>".repeat(BIG / 7) },
  { name: "closing think tags", text: "</think>".repeat(BIG / 8) },
  { name: "prose braces with apostrophes", text: "{it's} ".repeat(BIG / 7) },
  { name: "many small objects", text: "{}".repeat(BIG / 2) },
  { name: "many near-misses", text: CLEAN.replace('"ship"', '"maybe"').repeat(BIG / CLEAN.length) },
  { name: "unterminated comments", text: "{/*".repeat(BIG / 3) },
];
