import { describe, expect, test } from "vitest";
import { InputError } from "../../src/errors/input-error.js";
import { loadToolFile, parseToolFile } from "../../src/tools/load-tool-file.js";

describe("tool files", () => {
  test("Markdown with front matter: fields, community and the body as description", async () => {
    const { tools, warnings } = await loadToolFile("fixtures/tools/claw-code.md");
    expect(warnings).toEqual([]);
    expect(tools).toHaveLength(1);
    const [tool] = tools;
    expect(tool).toMatchObject({ name: "Claw Code", category: "AI Coding Agents", pricing: "Open source", community: { ship: 412, skip: 138 } });
    expect(tool!.description.length).toBeGreaterThan(100);
    expect(tool!.description.startsWith("---")).toBe(false);
  });

  test("JSON Lines: one tool per line, and `community: null` stays null", async () => {
    const { tools } = await loadToolFile("fixtures/tools/launches-sample.jsonl");
    expect(tools).toHaveLength(5);
    expect(tools.every((tool) => tool.name.length > 0 && tool.description.length > 0)).toBe(true);
    expect(tools.map((tool) => tool.source.line)).toEqual([1, 2, 3, 4, 5]);
  });

  test("one JSON object", async () => {
    const { tools } = await loadToolFile("fixtures/tools/acme-notes.json");
    expect(tools).toHaveLength(1);
    expect(tools[0]!.description.length).toBeGreaterThan(0);
  });

  test("front matter errors point at the line of the key", () => {
    const text = ["---", "name: Fine", "tagline: ok", "community:", "  ship: lots", "  skip: 2", "---", "Body"].join("\n");
    expect(() => parseToolFile("t.md", text)).toThrow("t.md:5: community.ship: expected number, received string");
  });

  test("a body error points at the body's line", () => {
    const text = ["---", "name: Fine", "---", "", "   "].join("\n");
    expect(() => parseToolFile("t.md", text)).toThrow(/^t\.md:2: description: is empty/);
  });

  test("JSON errors carry the line of the key", () => {
    const text = '{\n  "name": "X",\n  "description": "d",\n  "community": {"ship": 1, "skip": -4}\n}';
    expect(() => parseToolFile("t.json", text)).toThrow(/^t\.json:4: community\.skip: /);
  });

  test("unknown keys are warned with file and line, not fatal", () => {
    const text = ["---", "name: Fine", "pricng: Free", "---", "Body text"].join("\n");
    const { tools, warnings } = parseToolFile("t.md", text);
    expect(tools[0]!.name).toBe("Fine");
    expect(warnings).toEqual(["t.md:3: pricng: unknown key, ignored"]);
  });

  test("hidden characters are stripped before anything sees the text", () => {
    const text = ["---", "name: Cl\u200Baw", "---", "Safe\u202E text\u2066 here\u0007"].join("\n");
    const { tools } = parseToolFile("t.md", text);
    expect(tools[0]!.name).toBe("Claw");
    expect(tools[0]!.description).toBe("Safe text here");
  });

  test("an unsupported extension is an InputError", () => {
    expect(() => parseToolFile("tool.txt", "x")).toThrow(InputError);
  });
});

describe("YAML the parser refuses for its own reasons is an InputError at its line", () => {
  test("the billion laughs: refused at the first alias, nothing expanded", async () => {
    const started = Date.now();
    await expect(loadToolFile("fixtures/bad-tools/alias-bomb.md")).rejects.toThrow(
      new InputError({ file: "fixtures/bad-tools/alias-bomb.md", line: 4 }, "YAML aliases are not supported (*a): write the value out in full"),
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test.each([
    { name: "an alias in front matter", lines: ["name: Copycat", "tagline: &pitch Notes", "summary: *pitch"], error: "t.md:4: YAML aliases are not supported (*pitch): write the value out in full" },
    { name: "a merge key", lines: ["base: &base {name: X}", "<<: *base"], error: "t.md:3: YAML aliases are not supported (*base): write the value out in full" },
    { name: "an alias to no anchor", lines: ["name: *nowhere"], error: "t.md:2: YAML aliases are not supported (*nowhere): write the value out in full" },
    { name: "nesting deeper than the parser's stack", lines: ["name: x", `list: ${"[".repeat(5000)}`], error: "t.md:3: invalid YAML: nested too deeply" },
    { name: "a duplicate key, at the second one", lines: ["name: A", "tagline: t", "name: B"], error: "t.md:4: invalid YAML: Map keys must be unique" },
  ])("$name", ({ lines, error }) => {
    const text = ["---", ...lines, "---", "Body"].join("\n");
    expect(() => parseToolFile("t.md", text)).toThrow(InputError);
    expect(() => parseToolFile("t.md", text)).toThrow(error);
  });

  test("an anchor alone is harmless and allowed", () => {
    const { tools } = parseToolFile("t.md", ["---", "name: &n Anchored", "---", "Body"].join("\n"));
    expect(tools[0]!.name).toBe("Anchored");
  });

  test("an alias in a .json tool file is named as YAML, not JSON", () => {
    expect(() => parseToolFile("t.json", '[{"name": "X", "description": "d"}, &a {"name": "Y"},\n *a]')).toThrow("t.json:2: invalid JSON: *a is a YAML alias, not JSON");
  });

  test("a collection used as a key is an unknown key, and the library prints nothing of its own", async () => {
    const printed: string[] = [];
    const listen = (warning: Error): void => void printed.push(warning.message);
    process.on("warning", listen);
    try {
      const { tools, warnings } = parseToolFile("t.md", ["---", "name: X", "? [a, b]", ": c", "---", "Body"].join("\n"));
      expect(tools[0]!.name).toBe("X");
      expect(warnings).toEqual([expect.stringMatching(/^t\.md:\d+: \[ a, b \]: unknown key, ignored$/)]);
      // process warnings are emitted on the next tick
      await new Promise((resolve) => setImmediate(resolve));
      expect(printed).toEqual([]);
    } finally {
      process.off("warning", listen);
    }
  });

  test("JSON Lines errors are in Panelist's words, not the engine's", () => {
    const text = ['{"name": "A", "description": "d"}', '{"name": "B", "description": "d"', '{"name": NaN}', '{"name": "C", "description": "d"} 1', '{"name": "D", "description": "tab\there"}'].join("\n");
    expect(parseToolFile("t.jsonl", text).errors.map((error) => error.message)).toEqual([
      "t.jsonl:2: invalid JSON: expected ',' or '}' after property value",
      "t.jsonl:3: invalid JSON: unexpected 'N'",
      "t.jsonl:4: invalid JSON: more text after the end of the JSON value",
      "t.jsonl:5: invalid JSON: a control character inside a string (write it as \\n, \\t or \\u00XX)",
    ]);
  });
});

describe("a tool file that is not UTF-8", () => {
  test("is read as Latin-1 with a warning naming the file, line and byte", async () => {
    const { tools, warnings } = await loadToolFile("fixtures/bad-tools/latin1-cafe.md");
    expect(tools[0]).toMatchObject({ name: "Café Crème", tagline: "Menus for the bistro", description: "A tool file saved by an old editor in Latin-1: « café »." });
    expect(warnings).toEqual(["fixtures/bad-tools/latin1-cafe.md:2: not valid UTF-8 (byte 0xE9), read as Latin-1 (Windows-1252)"]);
  });

  test("UTF-8 reads without a warning", async () => {
    const { warnings, tools } = await loadToolFile("fixtures/tools/claw-code.md");
    expect(warnings).toEqual([]);
    expect(tools[0]!.description).not.toContain("\uFFFD");
  });
});

