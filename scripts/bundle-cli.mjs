// Bundles the built CLI (dist/cli/bin.js and everything it imports, the pure-JavaScript
// dependencies included) into dist/bundle/, the `panelist` bin. Loading ~1,000 small modules
// was most of the CLI's start-up; a few bundled chunks load in a fraction of that. Commands stay
// separate chunks, so `--help` still loads no SDK. The library entry (dist/index.js) is not
// bundled: importers get the typed modules tsc wrote.
import { chmodSync, rmSync } from "node:fs";
import { build } from "esbuild";
import { englishZod } from "./zod-english-plugin.mjs";

// Chunk names carry content hashes: clear the old ones rather than ship them beside the new.
rmSync("dist/bundle", { recursive: true, force: true });

await build({
  entryPoints: { panelist: "dist/cli/bin.js" },
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Native addons, and what is loaded only if installed, stay as packages.
  external: ["better-sqlite3", "node-llama-cpp", "playwright-core"],
  alias: { "source-map": "./scripts/no-source-map.cjs" },
  // CommonJS dependencies call require(); an ES module has none until it makes one.
  banner: { js: 'import { createRequire as __panelistCreateRequire } from "node:module"; const require = __panelistCreateRequire(import.meta.url);' },
  legalComments: "external",
  minifyWhitespace: true,
  minifySyntax: true,
  // No keepNames: it wraps every named function, the closures made per call included, in a
  // defineProperty at run time (0.1 s of CPU in figure 1). Error classes are `var X = class`,
  // whose inferred name is X, which is what PanelistError reads.
  plugins: [englishZod],
  logLevel: "warning",
});
chmodSync("dist/bundle/panelist.js", 0o755);
