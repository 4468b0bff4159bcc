import { expect, test } from "vitest";
import { csvField, csvLine } from "../../src/report/to-csv.js";

test.each([
  { value: "plain", expected: "plain" },
  { value: 'say "ship"', expected: '"say ""ship"""' },
  { value: "a,b", expected: '"a,b"' },
  { value: "two\nlines", expected: '"two\nlines"' },
  { value: "=HYPERLINK(\"http://x\")", expected: '"\'=HYPERLINK(""http://x"")"' },
  { value: "+1", expected: "'+1" },
  { value: "-cmd", expected: "'-cmd" },
  { value: "@SUM(A1)", expected: "'@SUM(A1)" },
  { value: -0.5, expected: "-0.5" },
  { value: null, expected: "" },
  { value: true, expected: "true" },
])("csvField($value)", ({ value, expected }) => {
  expect(csvField(value)).toBe(expected);
});

test("csvLine picks the columns in order and ends with CRLF", () => {
  expect(csvLine({ a: 1, b: "x,y", c: null }, ["c", "a", "b"])).toBe(',1,"x,y"\r\n');
});
