// Preloaded with `node --import` into a process under measurement: on exit, writes the kernel's
// peak resident set size (kB) to $PANELIST_BENCH_RSS_FILE.
import { writeFileSync } from "node:fs";

process.on("exit", () => {
  if (process.env.PANELIST_BENCH_RSS_FILE) writeFileSync(process.env.PANELIST_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
