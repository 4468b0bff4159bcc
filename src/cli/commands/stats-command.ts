import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ConfigError } from "../../errors/config-error.js";
import { InputError } from "../../errors/input-error.js";
import { reportSchema } from "../../report/report-schema.js";
import { panelStats, type StatsReview } from "../../stats/panel-stats.js";
import { renderStatsMarkdown, statsReviewsFromReport } from "../../stats/render-stats.js";
import { ReviewStore } from "../../store/review-store.js";
import { EXIT, type CliIO } from "../cli-io.js";
import type { CommandLine } from "../parse-command-line.js";
import { storePath } from "../store-path.js";

/**
 * `panelist stats <report.json>` or `panelist stats --store db [--run id]`: ship rates, agreement
 * and bias checks for a run's reviews. Prints the table and writes stats.json beside the report
 * (or into --out).
 */
export async function runStatsCommand(commandLine: CommandLine, io: CliIO): Promise<number> {
  const [file] = commandLine.positionals;
  let reviews: StatsReview[];
  let positionDependent = false;
  let outDir: string;
  if (file !== undefined) {
    let data: unknown;
    try {
      data = JSON.parse(await readFile(file, "utf8"));
    } catch (error) {
      throw new InputError({ file }, `cannot read a report: ${(error as Error).message}`);
    }
    const parsed = reportSchema.safeParse(data);
    if (!parsed.success) throw new InputError({ file, field: parsed.error.issues[0]!.path.join(".") || "report" }, parsed.error.issues[0]!.message);
    reviews = statsReviewsFromReport(parsed.data);
    positionDependent = parsed.data.swap?.positionDependent ?? false;
    outDir = typeof commandLine.flags.out === "string" ? commandLine.flags.out : dirname(file);
  } else {
    const path = storePath(commandLine, io);
    const store = ReviewStore.open(path, { create: false });
    try {
      const runId = commandLine.batch.run ?? store.listRuns()[0]?.id;
      if (!runId || !store.getRun(runId)) throw new ConfigError("--run", runId ? `no run "${runId}" in ${path}` : `no runs in ${path}`);
      reviews = [...store.exportRows(runId)].map((row) => ({
        tool: row.identity,
        descriptionChars: row.descriptionChars,
        persona: row.persona,
        model: row.model,
        sample: row.sample,
        verdict: row.verdict as "ship" | "skip",
        confidence: row.confidence,
      }));
    } finally {
      store.close();
    }
    outDir = typeof commandLine.flags.out === "string" ? commandLine.flags.out : ".";
  }
  if (reviews.length === 0) throw new ConfigError("stats", "no reviews to count");
  const stats = panelStats(reviews, { positionDependent });
  io.stdout(renderStatsMarkdown(stats));
  for (const warning of stats.warnings) io.stderr(`warning: bias check (${warning.kind}): ${warning.message}\n`);
  const path = join(outDir, "stats.json");
  await writeFile(path, `${JSON.stringify(stats, null, 2)}\n`, "utf8");
  io.stderr(`Wrote ${path}\n`);
  return EXIT.ok;
}
