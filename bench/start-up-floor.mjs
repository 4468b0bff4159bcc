/**
 * What bounds figure 4 from below: the libraries of the fixed stack that `panelist review` must
 * load before its first call, each bundled by esbuild as the CLI is (one file, Node 20, ESM) and
 * timed alone in a fresh process, import plus the first use the CLI makes of it before the call;
 * medians of 11, interleaved. Added to the bare SDK's own spawn to first request (figure 4), they
 * are the start-up that no code of Panelist's own can go below.
 *
 *   node bench/start-up-floor.mjs
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { englishZod } from "../scripts/zod-english-plugin.mjs";

const ROUNDS = 11;
/** Each library: what the bundle exports, and the first use before a call. */
const probes = {
  // A config, a persona file and a tool file are checked before any call.
  zod: ['export { z } from "zod";', 'lib.z.object({ a: lib.z.string().min(1), b: lib.z.array(lib.z.number()).max(8) }).safeParse({ a: "x", b: [1] });'],
  // Persona and tool files carry YAML front matter.
  yaml: ['export { parse } from "yaml";', 'lib.parse("id: skeptic\\nname: The Skeptic\\nlens: risk\\n");'],
  // The built-in prompt templates are precompiled; they run on Handlebars' runtime.
  handlebars: ['export { default } from "handlebars/runtime";', "lib.default.create();"],
  // The store is opened (WAL), written and read before the first call.
  "better-sqlite3": ['export { default } from "better-sqlite3";', 'const db = new lib.default(":memory:"); db.pragma("journal_mode = WAL"); db.exec("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)"); db.prepare("INSERT INTO t (b) VALUES (?)").run("x");'],
};

// Inside the project (dist/ is not committed), so that better-sqlite3 resolves as the CLI's does.
mkdirSync("dist", { recursive: true });
const dir = mkdtempSync(resolve("dist", "start-up-floor-"));
for (const [name, [source]] of Object.entries(probes)) {
  await build({
    stdin: { contents: source, resolveDir: resolve("."), loader: "js" },
    outfile: join(dir, `${name}.mjs`),
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: ["better-sqlite3"],
    alias: { "source-map": "./scripts/no-source-map.cjs" },
    plugins: [englishZod],
    banner: { js: 'import { createRequire as __floorRequire } from "node:module"; const require = __floorRequire(import.meta.url);' },
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: "error",
  });
}

const times = Object.fromEntries(Object.keys(probes).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round += 1) {
  for (const [name, [, use]] of Object.entries(probes)) {
    const script = `const started = performance.now(); const lib = await import(${JSON.stringify(join(dir, `${name}.mjs`))}); ${use} process.stdout.write(String(performance.now() - started));`;
    const probe = join(dir, `probe-${name}.mjs`);
    writeFileSync(probe, script);
    times[name].push(Number(execFileSync(process.execPath, [probe], { encoding: "utf8" })));
  }
}
rmSync(dir, { recursive: true, force: true });
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
for (const [name, values] of Object.entries(times)) console.log(`${name.padEnd(15)} ${median(values).toFixed(1)} ms`);
console.log(`the four together: ${Object.values(times).reduce((sum, values) => sum + median(values), 0).toFixed(1)} ms (medians of ${ROUNDS}, import and first use, each bundled)`);
