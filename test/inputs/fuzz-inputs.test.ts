import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { InputError } from "../../src/errors/input-error.js";
import { loadInputs } from "../../src/inputs/load-inputs.js";
import { temporaryDirectory } from "../support/run-cli.js";

/** A small seeded generator (mulberry32), so a failure can be replayed with its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 20261202;
const next = random(SEED);
const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
const int = (low: number, high: number): number => low + Math.floor(next() * (high - low + 1));
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((part) => [...part]));

const SEEDS = {
  md: readFileSync("fixtures/tools/claw-code.md"),
  jsonl: readFileSync("fixtures/tools/launches-sample.jsonl"),
  json: readFileSync("fixtures/tools/acme-notes.json"),
  rss: readFileSync("fixtures/feeds/hackernews-frontpage-2012.rss"),
  atom: readFileSync("fixtures/feeds/github-releases-gulp.atom"),
  "feed.json": readFileSync("fixtures/feeds/tools.feed.json"),
};
type Kind = keyof typeof SEEDS;

const WRONG_VALUES = ["42", "[a, b]", "{x: 1}", "null", "true", "~", "!!binary aGk=", "''", '"\\u0000"', "2001-12-14", "-.inf", "0x1F"];

function aliasBomb(): string {
  const width = int(2, 12);
  const depth = int(2, 12);
  const lines = [`a0: &a0 [${Array(width).fill('"lol"').join(", ")}]`];
  for (let level = 1; level < depth; level += 1) lines.push(`a${level}: &a${level} [${Array(width).fill(`*a${level - 1}`).join(", ")}]`);
  return lines.join("\n");
}

function frontMatter(body: string): string {
  return `---\n${body}\n---\n${pick(["Body.", "", "---", "x".repeat(int(1, 50_000))])}`;
}

/** Hostile text for a tool file or feed of the given kind. */
function hostile(kind: Kind): Uint8Array {
  const seed = SEEDS[kind];
  switch (int(0, 11)) {
    case 0: // a seed cut anywhere
      return seed.subarray(0, int(0, seed.length));
    case 1: { // a seed with random bytes overwritten
      const copy = Uint8Array.from(seed);
      for (let flips = int(1, 20); flips > 0; flips -= 1) copy[int(0, copy.length - 1)] = int(0, 255);
      return copy;
    }
    case 2: // bad UTF-8 and NUL bytes spliced in
      return concat(seed.subarray(0, 40), Uint8Array.of(pick([0xe9, 0xc0, 0xff, 0xed, 0x80]), 0x00, pick([0xa0, 0x41, 0xbf])), seed.subarray(40));
    case 3: // entity declarations
      return bytes(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "${"a".repeat(int(1, 20))}"><!ENTITY b "&a;&a;&a;">]><rss><channel><item><title>&b;</title></item></channel></rss>`);
    case 4: // deep nesting
      if (kind === "rss" || kind === "atom") return bytes(`<rss><channel>${"<x>".repeat(int(500, 5000))}${pick(["", "</x>".repeat(100)])}</channel></rss>`);
      if (kind === "md") return bytes(frontMatter(`name: x\ndeep: ${"[".repeat(int(100, 6000))}${pick(["", "]".repeat(100)])}`));
      return bytes(`${pick(["", '{"name": "x", "description": "d", "v": '])}${"[".repeat(int(100, 20_000))}${"]".repeat(int(0, 20_000))}${pick(["", "}"])}`);
    case 5: // aliases and anchors
      if (kind === "md") return bytes(frontMatter(`name: Bomb\n${aliasBomb()}\n${pick(["", "tagline: *a0", "<<: *a1", "name2: *missing"])}`));
      return bytes(`${aliasBomb().replace(/\n/g, pick([", ", "\n"]))}`);
    case 6: // huge lines
      return kind === "jsonl"
        ? bytes(`{"name": "${"n".repeat(int(1, 300_000))}", "description": "${"d".repeat(int(0, 300_000))}"}\n`)
        : concat(seed.subarray(0, 60), bytes("z".repeat(int(100_000, 400_000))), seed.subarray(60));
    case 7: // wrong types in every field
      if (kind === "md") return bytes(frontMatter(["name", "tagline", "category", "pricing", "url", "community", "description"].map((key) => `${key}: ${pick(WRONG_VALUES)}`).join("\n")));
      if (kind === "feed.json") return bytes(JSON.stringify({ version: pick(["https://jsonfeed.org/version/1.1", 1, null]), title: pick([1, [], {}]), items: pick([[null, 1, "x", [], { title: 5, url: {}, tags: "t", content_html: [] }], {}, "items", 7]) }));
      if (kind === "rss" || kind === "atom") return bytes(`<rss><channel><item><title><b>x</b></title><link><a/></link><category/><description/></item><item/><item>t</item></channel></rss>`);
      return bytes(JSON.stringify(pick([[1, null, "x", { name: 1, description: [] }], { name: { a: 1 }, description: null, community: { ship: "x", skip: -1 } }, "str", 5, null])) + "\n");
    case 8: // random noise
      return Uint8Array.from({ length: int(0, 2000) }, () => int(0, 255));
    case 9: // markup where it does not belong
      return bytes(pick(["<!DOCTYPE html><html><body><br><p>page", "<?xml version='1.0'?><note/>", "<rdf:RDF></rdf:RDF>", "{}", "[]", "", "\uFEFF", " \n\t", "<<<>>>", "<rss><__proto__/></rss>", "<feed><entry><title type='html'>&lt;script&gt;x()&lt;/script&gt;</title></entry></feed>"]));
    case 10: // front matter shapes
      return bytes(pick(["---", "---\n---", "---\n- a\n- b\n---\nx", "---\nname: x\n...\nbody", "no front matter", "---\n\"unterminated\n---\n", "---\n? [a]\n: b\n---\nx", "---\nname: !!python/object:os.system x\n---\nx"]));
    default: // control characters and invisible text in a good file
      return bytes(new TextDecoder().decode(seed).replace(/e/g, () => pick(["e", "\u0000", "\u202E", "\u200B", "\r", "\u0085", "&#0;", "&#x110000;", "&#xD800;"])));
  }
}

describe("hostile inputs never escape as anything but an InputError or a skipped entry", () => {
  test(`a few hundred generated files (seed ${SEED})`, { timeout: 20_000 }, async () => {
    const dir = await temporaryDirectory("panelist-fuzz-");
    const kinds = Object.keys(SEEDS) as Kind[];
    const files: string[] = [];
    for (let index = 0; index < 240; index += 1) {
      const kind = kinds[index % kinds.length]!;
      const file = join(dir, `case-${String(index).padStart(3, "0")}.${kind}`);
      await writeFile(file, hostile(kind));
      files.push(file);
    }
    const escaped: string[] = [];
    const badLines: string[] = [];
    const printed: string[] = [];
    const listen = (warning: Error): void => void printed.push(warning.message);
    process.on("warning", listen);
    const started = Date.now();
    for (const file of files) {
      const warnings: string[] = [];
      try {
        const loaded = await loadInputs([file], { maxDescriptionChars: 4000, onWarning: (line) => warnings.push(line) });
        expect(loaded.errors.every((error) => error instanceof InputError)).toBe(true);
        for (const line of [...loaded.skipped.map((entry) => entry.error), ...warnings]) {
          if (!line.startsWith(file) || line.includes("\n") || /undefined|internal|Error:|\[SECURITY\]|found\.:|:\d+:\d+/.test(line)) badLines.push(line);
        }
        for (const tool of loaded.tools) if (typeof tool.name !== "string" || typeof tool.description !== "string") badLines.push(`${file}: a tool without string fields`);
      } catch (error) {
        escaped.push(`${file}: ${error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error)}`.slice(0, 300));
      }
    }
    const elapsed = Date.now() - started;
    await new Promise((resolve) => setImmediate(resolve));
    process.off("warning", listen);
    // Libraries print nothing of their own to the process either.
    expect({ escaped, badLines, printed }).toEqual({ escaped: [], badLines: [], printed: [] });
    expect(elapsed).toBeLessThan(5000);
  });
});
