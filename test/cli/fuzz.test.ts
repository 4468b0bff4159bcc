import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { reportSchema } from "../../src/report/report-schema.js";
import { useFakeLlmServers } from "../support/panel-fixtures.js";
import { runCli, temporaryDirectory } from "../support/run-cli.js";

const servers = useFakeLlmServers();
const GOOD = "fixtures/tools/forge-cli.md";

/** A small seeded generator, so a failing case can be run again. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY = [
  "", " ", "\u0000", "\uFEFF", "\u202E", "null", "~", "[]", "{}", "- a\n- b", "&a [*a, *a]", "*undefined", "!!binary aGVsbG8=", "!!js/function f(){}",
  "<script>alert(1)</script>", "'; DROP TABLE reviews; --", "%s%s%n", "${process.exit(1)}", "{{constructor.constructor('x')()}}", "\\", '"', "'", "\n---\n", "1e999",
  "-1", "NaN", "0x10", "é".repeat(3), "\uD800", "a".repeat(50_000), "```", "| a | b |", "# heading", "[x](javascript:alert(1))",
];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

/** One hostile tool file: front matter with odd keys and values, or broken front matter, or a broken JSON (Lines) file. */
function hostileFile(next: () => number, index: number): { name: string; text: string | Buffer } {
  const kind = Math.floor(next() * 6);
  const value = () => pick(next, NASTY);
  if (kind === 0) return { name: `t${index}.md`, text: `---\nname: ${value()}\ntagline: ${value()}\ncommunity: ${value()}\n${value()}: ${value()}\n---\n${value()}\n` };
  if (kind === 1) return { name: `t${index}.md`, text: `---\nname: &a [${"*a,".repeat(Math.floor(next() * 50))}x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n---\nbody` };
  if (kind === 2) return { name: `t${index}.jsonl`, text: [JSON.stringify({ name: "Fine", description: "ok" }), value(), `{"name": ${JSON.stringify(value())}, "description": ${JSON.stringify(value())}, "community": ${JSON.stringify(value())}}`].join("\n") };
  if (kind === 3) return { name: `t${index}.json`, text: pick(next, ["[", "{\"name\":", "[1,2,3]", "{\"tools\": {}}", JSON.stringify({ name: value(), description: { deep: [value()] } })]) };
  if (kind === 4) return { name: `t${index}.md`, text: Buffer.from([0xef, 0xbb, 0xbf, 0x2d, 0x2d, 0x2d, 0x0a, 0xe9, 0xff, 0xfe, 0x0a, 0x2d, 0x2d, 0x2d, 0x0a, 0x00, 0xc3]) };
  return { name: `t${index}.rss`, text: pick(next, ["<rss>", "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><rss><channel><item><title>&a;</title></item></channel></rss>", "<rss><channel></channel></rss>", "not xml at all", `<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>${value()}</title></entry></feed>`]) };
}

/** Hostile flags: known flags with wrong values, unknown flags, stray dashes. */
function hostileFlags(next: () => number): string[] {
  const flags = ["--concurrency", "--max-cost", "--temperature", "--format", "--samples", "--seed", "--assign", "--timeout", "--max-output-tokens", "--structured", "--spotlight", "--personas", "--rpm", "--prices", "--max-description-chars", "--repair-attempts"];
  const out: string[] = [];
  for (let count = 1 + Math.floor(next() * 3); count > 0; count -= 1) {
    if (next() < 0.15) out.push(pick(next, ["--nope", "-x", "--", "---", "--model", "--=", "--format=", "-"]));
    else out.push(pick(next, flags), pick(next, NASTY.filter((item) => item.length < 100)));
  }
  return out;
}

describe("fuzz: hostile inputs through the CLI", () => {
  test("300 hostile tool files, JSON Lines, feeds and flags: exit 0, 1 or 2, never 3, no stack trace, the good tool beside them reviewed", async () => {
    const server = await servers.start();
    const env = { OPENAI_API_KEY: "sk-test-fuzz", OPENAI_BASE_URL: server.openaiBaseUrl };
    const dir = await temporaryDirectory();
    const next = random(20261202);
    const base = ["--model", "openai:gpt-4.1-mini", "--personas", "skeptic", "--store", join(dir, "p.db"), "--format", "json", "--no-summary"];
    for (let index = 0; index < 300; index += 1) {
      const withFlags = index % 4 === 3;
      const file = hostileFile(next, index);
      const path = join(dir, file.name);
      await writeFile(path, file.text);
      const out = join(dir, `out-${index}`);
      const argv = ["review", path, GOOD, ...base, "--out", out, ...(withFlags ? hostileFlags(next) : [])];
      const run = await runCli(argv, env);
      const where = { index, argv: argv.map((arg) => (arg.length > 60 ? `${arg.slice(0, 60)}…` : arg)), code: run.code, stderr: run.stderr.slice(0, 400) };
      expect([0, 1, 2], JSON.stringify(where)).toContain(run.code);
      expect(run.stderr, JSON.stringify(where)).not.toMatch(/internal error|\n\s+at |TypeError|ReferenceError|RangeError/);
      if (run.code === 2) {
        // A refusal is one line per problem, naming what it is about.
        expect(run.stderr.trim().split("\n").filter((line) => line.startsWith("panelist: ")).length, JSON.stringify(where)).toBe(1);
      } else if (!withFlags) {
        // The bad file is left out; the good tool beside it is reviewed.
        const report = reportSchema.parse(JSON.parse(await (await import("node:fs/promises")).readFile(join(out, "report.json"), "utf8")));
        expect(report.tools.map((tool) => tool.name), JSON.stringify(where)).toContain("Forge CLI");
      }
    }
  }, 120_000);
});
