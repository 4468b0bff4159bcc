import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { RunConfig } from "../config/run-config.js";
import { checkOutputFolder } from "../engine/check-output-folder.js";
import type { OpenedRun } from "../engine/open-run.js";
import type { RunOutputs } from "../engine/run-outputs.js";
import { resultsOf } from "../engine/run-report.js";
import type { JobOutcome } from "../pipeline/job-outcome.js";
import type { ReviewJob } from "../pipeline/run-review-job.js";
import { redactSecrets } from "../providers/redact-secrets.js";
import { buildReport } from "../report/build-report.js";
import type { Review } from "../report/report-schema.js";
import { writeReportFiles } from "../report/write-report-files.js";
import { jsonPieces } from "../report/json-pieces.js";
import { writeTextFile } from "../report/write-text-file.js";
import type { ReviewStore, RunRecord, StoredTool } from "../store/review-store.js";
import { buildIndexReport, renderIndexHtml, renderIndexMarkdown, type IndexEntry } from "./index-report.js";
import { toolSlug } from "../tools/tool-identity.js";

/** The files of a batch, and where they went. */
export interface BatchOutputs extends RunOutputs {
  readonly resultsPath: string;
  /** index.json/md/html as written. */
  readonly indexFiles: readonly string[];
  /** Tool pages written. */
  readonly toolReports: number;
}

/**
 * A batch's files in `config.out`: results.jsonl with one line per stored review (rewritten from
 * the store when a run starts or resumes, then appended as reviews commit), `tools/<slug>.<format>`
 * for each tool whose panel is complete, and the index sorted by panel ship %. Tool pages and the
 * index are rendered from the store.
 */
export function batchOutputs(config: Pick<RunConfig, "out" | "formats">, secrets: readonly string[]): BatchOutputs {
  const resultsPath = join(config.out, "results.jsonl");
  let results: number | undefined;
  let run: RunRecord | undefined;
  let store: ReviewStore | undefined;
  const tools = new Map<number, StoredTool>();
  const slugs = new Map<number, string>();
  const entries = new Map<number, IndexEntry>();
  let indexFiles: string[] = [];
  const slugOf = (entry: StoredTool): string => {
    let slug = slugs.get(entry.toolId);
    if (slug === undefined) slugs.set(entry.toolId, (slug = toolSlug(entry.tool, entry.identity)));
    return slug;
  };
  const writeLine = (entry: StoredTool, review: Review): void => {
    const line = JSON.stringify({ runId: run!.id, tool: entry.tool.name, identity: entry.identity, slug: slugOf(entry), ...review });
    writeSync(results!, `${redactSecrets(line, secrets)}\n`);
  };
  return {
    resultsPath,
    get indexFiles() {
      return indexFiles;
    },
    get toolReports() {
      return entries.size;
    },
    check() {
      checkOutputFolder(config.out);
    },
    async begin(opened: OpenedRun, openedStore: ReviewStore) {
      mkdirSync(join(config.out, "tools"), { recursive: true });
      run = opened.run;
      store = openedStore;
      for (const entry of opened.tools) tools.set(entry.toolId, entry);
      // Rewritten from the store first, so a resumed run's file is whole even if the crash came
      // between a review's commit and its line.
      results = openSync(resultsPath, "w");
      for (const outcome of store.runOutcomes(run.id)) if (outcome.ok) writeLine(tools.get(outcome.toolId)!, outcome.review);
    },
    stored(job: ReviewJob, outcome: JobOutcome) {
      if (outcome.status === "reviewed") writeLine(tools.get(job.toolId)!, outcome.review);
    },
    toolDone(entry: StoredTool) {
      const plan = run!.plan!;
      const personas = run!.personas.map((persona) => ({ id: persona.id, name: persona.name ?? persona.id }));
      const report = buildReport({ results: resultsOf([entry], store!.runOutcomes(run!.id, entry.toolId), plan, 0, false), personas, models: run!.models, compare: false });
      const files = writeReportFiles(report, join(config.out, "tools"), config.formats, { baseName: slugOf(entry), secrets, indexBaseName: "../index" });
      const tool = report.tools[0]!;
      entries.set(entry.toolId, {
        name: tool.name,
        slug: slugOf(entry),
        category: tool.category,
        pricing: tool.pricing,
        url: tool.url,
        panel: tool.panel,
        ...(tool.coverage ? { coverage: tool.coverage } : {}),
        files: files.map((file) => `tools/${file.split("/").at(-1)}`),
      });
    },
    async finish(finalStore: ReviewStore, runId: string) {
      if (results !== undefined) closeSync(results);
      results = undefined;
      const record = finalStore.getRun(runId)!;
      const index = buildIndexReport({
        runId,
        generatedAt: new Date().toISOString(),
        models: record.models,
        personas: record.personas.map((persona) => ({ id: persona.id, name: persona.name ?? persona.id })),
        entries: [...entries.values()],
        skipped: record.skipped,
      });
      indexFiles = writeIndex(config.out, index, config.formats, secrets);
      return [...indexFiles, resultsPath];
    },
  };
}

function writeIndex(out: string, index: ReturnType<typeof buildIndexReport>, formats: readonly string[], secrets: readonly string[]): string[] {
  const files: string[] = [];
  const write = (name: string, text: string | Iterable<string>): void => {
    const path = join(out, name);
    writeTextFile(path, text, secrets);
    files.push(path);
  };
  // A piece at a time: for a large batch the whole index as one string was the run's peak memory.
  if (formats.includes("json")) write("index.json", jsonPieces(index));
  if (formats.includes("md")) write("index.md", renderIndexMarkdown(index));
  if (formats.includes("html")) write("index.html", renderIndexHtml(index));
  return files;
}
