// Preloaded with `node --import` into a process under measurement: on exit, writes the kernel's
// peak resident set size (kB) and CPU time (ms) as JSON to $PANELIST_BENCH_RSS_FILE.
import { writeFileSync } from "node:fs";

process.on("exit", () => {
  if (!process.env.PANELIST_BENCH_RSS_FILE) return;
  const usage = process.resourceUsage();
  writeFileSync(process.env.PANELIST_BENCH_RSS_FILE, JSON.stringify({ maxRssKb: usage.maxRSS, userMs: usage.userCPUTime / 1000, systemMs: usage.systemCPUTime / 1000 }));
});
