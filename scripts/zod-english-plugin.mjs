// The esbuild plugin that bundles zod with English alone (see zod-english-locale.mjs), for the
// CLI's bundle (bundle-cli.mjs) and for what bench/start-up-floor.mjs measures against it.
import { fileURLToPath } from "node:url";

/** zod's locale index, as zod's own modules import it, resolves to English alone (scripts/zod-english-locale.mjs). */
export const englishZod = {
  name: "zod-english-locale",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer) ? { path: fileURLToPath(new URL("./zod-english-locale.mjs", import.meta.url)) } : undefined,
    );
  },
};
