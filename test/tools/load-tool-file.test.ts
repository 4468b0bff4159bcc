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
