import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadInputs } from "../../src/inputs/load-inputs.js";
import { loadPersonaFile } from "../../src/personas/load-personas.js";
import { temporaryDirectory } from "../support/run-cli.js";

describe("a run of several inputs: bad ones skipped with one line, odd ones warned", () => {
  test("tool files and feeds, good, broken, empty and not UTF-8", async () => {
    const warnings: string[] = [];
    const loaded = await loadInputs(
      [
        "fixtures/tools/claw-code.md",
        "fixtures/bad-tools/alias-bomb.md",
        "fixtures/bad-tools/latin1-cafe.md",
        "fixtures/feeds/truncated.rss",
        "fixtures/feeds/empty.atom",
        "fixtures/feeds/web-page.rss",
        "fixtures/feeds/not-a-feed.feed.json",
        "fixtures/feeds/no-items.rss",
        "fixtures/feeds/latin1-undeclared.rss",
      ],
      { maxDescriptionChars: 4000, onWarning: (line) => warnings.push(line) },
    );
    expect(loaded.tools.map((tool) => tool.name)).toEqual(["Claw Code", "Café Crème", "Crème à la carte"]);
    expect(loaded.skipped).toEqual([
      { file: "fixtures/bad-tools/alias-bomb.md", line: 4, error: "fixtures/bad-tools/alias-bomb.md:4: YAML aliases are not supported (*a): write the value out in full" },
      { file: "fixtures/feeds/truncated.rss", line: 35, error: "fixtures/feeds/truncated.rss:35: broken XML: the document ends inside <description> (is the file cut short?)" },
      { file: "fixtures/feeds/empty.atom", error: "fixtures/feeds/empty.atom: the feed is empty" },
      { file: "fixtures/feeds/web-page.rss", line: 2, error: "fixtures/feeds/web-page.rss:2: not an RSS, Atom or JSON Feed document (it is an HTML page)" },
      {
        file: "fixtures/feeds/not-a-feed.feed.json",
        line: 1,
        error: 'fixtures/feeds/not-a-feed.feed.json:1: not an RSS, Atom or JSON Feed document (JSON without "version": "https://jsonfeed.org/version/1.1")',
      },
    ]);
    expect(warnings).toEqual([
      "fixtures/bad-tools/latin1-cafe.md:2: not valid UTF-8 (byte 0xE9), read as Latin-1 (Windows-1252)",
      "fixtures/feeds/no-items.rss: the feed has no items",
      "fixtures/feeds/latin1-undeclared.rss:2: not valid UTF-8 (byte 0xE9), read as Latin-1 (Windows-1252)",
    ]);
  });
});

describe("persona files read YAML the same way", () => {
  test("an alias in a persona's front matter is refused at its line", async () => {
    const file = join(await temporaryDirectory(), "copycat.md");
    await writeFile(file, ["---", "id: copycat", "name: &n Copycat", "lens: *n", "---", "Judge everything twice."].join("\n"));
    await expect(loadPersonaFile(file)).rejects.toThrow(`${file}:4: YAML aliases are not supported (*n): write the value out in full`);
  });
});
