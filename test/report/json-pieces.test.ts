import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { jsonPieces } from "../../src/report/json-pieces.js";
import { writeTextFile } from "../../src/report/write-text-file.js";
import { temporaryDirectory } from "../support/run-cli.js";

describe("jsonPieces, written by writeTextFile", () => {
  test("writes what JSON.stringify(value, null, 2) writes, byte for byte, for the shapes JSON has", async () => {
    const values: unknown[] = [
      { schemaVersion: 1, runId: "r1", tools: [{ name: "Claw \"Code\"\n", panel: { ship: 3, shipPct: 75 }, files: ["tools/a.json"] }, { name: "Ünïcode — ok", panel: null, files: [] }], empty: [], none: {}, skipped: undefined, at: new Date(0), holes: [1, undefined, () => 1], nested: [[1, [2]], { a: [] }] },
      {},
      [],
      [1, { a: 2 }],
      "text",
      null,
      { only: undefined },
    ];
    const dir = await temporaryDirectory();
    for (const [index, value] of values.entries()) {
      const expected = `${JSON.stringify(value, null, 2)}\n`;
      expect([...jsonPieces(value)].join("")).toBe(expected);
      const path = join(dir, `v${index}.json`);
      writeTextFile(path, jsonPieces(value));
      expect(await readFile(path, "utf8")).toBe(expected);
    }
  });

  test("a top-level array is written an element at a time, and a key in use is redacted", async () => {
    const tools = Array.from({ length: 3 }, (_, index) => ({ name: `tool ${index}`, quote: index === 1 ? "leaked 3f9a0c1d7e5b2a4968f0e1d2" : "fine" }));
    expect([...jsonPieces({ tools })].length).toBeGreaterThan(tools.length);
    const path = join(await temporaryDirectory(), "index.json");
    writeTextFile(path, jsonPieces({ tools }), ["3f9a0c1d7e5b2a4968f0e1d2"]);
    const written = JSON.parse(await readFile(path, "utf8")) as { tools: { quote: string }[] };
    expect(written.tools.map((tool) => tool.quote)).toEqual(["fine", "leaked [redacted]", "fine"]);
  });
});
