// Stands in for zod's index of locales in the bundled CLI. `import { z } from "zod"` keeps every
// export of the namespace, and with it `z.locales`: error messages in some 50 languages, 300 KB
// parsed at every start-up (half of zod's chunk), while Panelist's messages are its own, in
// English. English is the one zod sets by default, and the one kept here.
export { default as en } from "zod/v4/locales/en.js";
