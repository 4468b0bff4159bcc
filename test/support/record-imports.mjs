// Preloaded with `node --import`: records every module the process loads (one URL per line) to
// $PANELIST_IMPORTS_FILE, so a test can check what start-up pays for.
import { appendFileSync } from "node:fs";
import { register } from "node:module";

const file = process.env.PANELIST_IMPORTS_FILE;
if (file) {
  register(
    `data:text/javascript,${encodeURIComponent(`
      import { appendFileSync } from "node:fs";
      export async function resolve(specifier, context, next) {
        const result = await next(specifier, context);
        appendFileSync(${JSON.stringify(file)}, result.url + "\\n");
        return result;
      }
    `)}`,
  );
  appendFileSync(file, "");
}
