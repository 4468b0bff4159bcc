import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { CallToolResult, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { RunConfig } from "../config/run-config.js";
import { buildRunReport } from "../engine/run-report.js";
import type { SourceOptions } from "../engine/source-context.js";
import { ConfigError } from "../errors/config-error.js";
import { PanelistError } from "../errors/panelist-error.js";
import { inlineToolSchema, writeInlineTools } from "../inputs/inline-tools.js";
import { BUILT_IN_PERSONAS_DIR, loadPersonas } from "../personas/load-personas.js";
import { credentialSecrets, type Credentials } from "../providers/credentials.js";
import { redactSecrets } from "../providers/redact-secrets.js";
import { renderMarkdown } from "../report/render-markdown.js";
import type { ReviewStore } from "../store/review-store.js";
import { runListingSummary, type RunListingSummary } from "../store/run-listing.js";
import { sourceSecrets } from "../sources/source-settings.js";
import { panelistVersion } from "../version.js";
import { rerunToolResult } from "./rerun-tool-result.js";
import { track } from "./runs-in-flight.js";
import { summarizeReport } from "./summarize-report.js";

export { runsSettled } from "./runs-in-flight.js";

/** What the server runs reviews with: fixed when it starts, never raised by a request. */
export interface PanelistMcpServerOptions {
  /** The run settings (models, `maxCost`, panel): a request can only narrow the panel. */
  config: RunConfig;
  credentials: Credentials;
  /** Reading tools from where they live (`npm:`, `github:`, URLs). */
  sources: SourceOptions;
  /** Where runs are kept; the caller opens and closes it. */
  store: ReviewStore;
  /**
   * USD the whole session may spend, across requests (`--max-session-cost`); each request is also
   * held to `config.maxCost`. Unset: no session cap.
   */
  sessionMaxCost?: number;
  /**
   * What the session has spent so far, shared by every server made with it: over HTTP each
   * request gets a server of its own, and the session cap must hold across them.
   */
  spending?: SessionSpending;
  /** More values to redact from everything the server returns (e.g. every key in the environment). */
  secrets?: readonly string[];
  /** A line for the operator's log (the CLI writes it to stderr). */
  onLog?: (line: string) => void;
}

/** USD spent in a session, across requests (`--max-session-cost`). */
export interface SessionSpending {
  spent: number;
}

const reviewInput = {
  tools: z
    .array(z.union([z.string().min(1), inlineToolSchema]))
    .min(1)
    .describe("Tools to review: a tool file path (.md, .json, .jsonl, on the server's machine), a URL, npm:<package>, pypi:<project>, hf:<owner>/<model>, github:<owner>/<repo>, or an inline {name, tagline?, description, pricing?, url?}"),
  personas: z.array(z.string().min(1)).optional().describe("Persona ids to ask, a subset of the server's panel (default: the whole panel)"),
};

/**
 * An MCP server that puts the panel in front of agents: `review_tools`, `compare_tools`,
 * `list_runs`, `get_run`, `rerun_review`, and each stored run's report as a resource. Every run uses the
 * server's own models and spending cap; a request can narrow the panel but never raise a limit.
 */
export function createPanelistMcpServer(options: PanelistMcpServerOptions): McpServer {
  const { config, store } = options;
  const secrets = [...credentialSecrets(options.credentials), ...sourceSecrets(options.sources.settings), ...(options.secrets ?? [])];
  const redact = (text: string): string => redactSecrets(text, secrets);
  const server = new McpServer({ name: "panelist", version: panelistVersion() });
  const spending = options.spending ?? { spent: 0 };
  // A request gets what is left of the session's cap, and never more than the per-request cap.
  const requestBudget = (): number | undefined => {
    const left = options.sessionMaxCost === undefined ? undefined : Math.round((options.sessionMaxCost - spending.spent) * 1_000_000) / 1_000_000;
    if (left !== undefined && left <= 0) throw new ConfigError("--max-session-cost", `the session's $${options.sessionMaxCost} is spent ($${spending.spent.toFixed(4)}); restart the server to spend more`);
    return left === undefined ? config.maxCost : Math.min(left, config.maxCost ?? Infinity);
  };
  // MCP progress must increase; a report of what was stored before may be zero.
  const progressSender = (extra: ToolExtra) => {
    const progressToken = extra._meta?.progressToken;
    let sent = 0;
    return (progress: { total: number; done: number; failed: number }): void => {
      const finished = progress.done + progress.failed;
      if (progressToken === undefined || finished <= sent) return;
      sent = finished;
      void extra.sendNotification({ method: "notifications/progress", params: { progressToken, progress: finished, total: progress.total } }).catch(() => {});
    };
  };

  // A Panelist error is the user's to fix: its one line, as the CLI prints it. Anything else is a bug.
  const guarded = <A>(handler: (args: A, extra: ToolExtra) => Promise<CallToolResult>) => async (args: A, extra: ToolExtra): Promise<CallToolResult> => {
    try {
      return await handler(args, extra);
    } catch (error) {
      const text = error instanceof PanelistError
        ? error.message
        : `internal error: ${error instanceof Error ? error.message.split("\n")[0] : String(error)} (a bug in Panelist: please report it)`;
      options.onLog?.(redact(`tool error: ${text}`));
      return { isError: true, content: [{ type: "text", text: redact(text) }] };
    }
  };

  const runTools = (compare: boolean) => guarded((args: Parameters<typeof runOnce>[1], extra: ToolExtra) => track(server, runOnce(compare, args, extra)));
  const runOnce = async (compare: boolean, args: { tools: (string | z.infer<typeof inlineToolSchema>)[]; personas?: string[] | undefined }, extra: ToolExtra): Promise<CallToolResult> => {
    if (compare && args.tools.length < 2) throw new ConfigError("compare_tools", `needs at least two tools, got ${args.tools.length}`);
    const personas = args.personas ? await narrowPanel(config, args.personas) : config.personas;
    const maxCost = requestBudget();
    const runConfig: RunConfig = { ...config, ...(personas ? { personas } : {}), ...(maxCost === undefined ? {} : { maxCost }) };
    const inline = await writeInlineTools(args.tools, "panelist-mcp-");
    try {
      const { runReviews } = await import("../engine/run-reviews.js");
      const result = await runReviews({
        command: compare ? "compare" : "review",
        inputs: inline.inputs,
        config: runConfig,
        credentials: options.credentials,
        store,
        // Nothing is written beside the store: the answer is the report, and the client's working folder is not ours.
        outputs: { check: () => {}, begin: async () => {}, finish: async () => [] },
        sources: options.sources,
        stopSignal: extra.signal,
        abortSignal: extra.signal,
        onWarning: (line) => options.onLog?.(redact(`warning: ${line}`)),
        onProgress: progressSender(extra),
      });
      spending.spent += result.costUsd;
      if (extra.signal.aborted) {
        throw new ConfigError("cancelled", `run ${result.run.id} stopped: ${result.reviewed} reviews are stored and kept; the same request again asks only for the rest`);
      }
      const report = buildRunReport(store, result.run.id)!.report;
      options.onLog?.(`run ${result.run.id}: ${result.reviewed} reviews, ${result.failed} failed, ${result.notStarted} not started, $${result.costUsd}`);
      return {
        content: [{ type: "text", text: redact(summarizeReport(report, { runId: result.run.id, ...(maxCost === undefined ? {} : { maxCost }) })) }],
        structuredContent: JSON.parse(redact(JSON.stringify(report))) as Record<string, unknown>,
      };
    } finally {
      await inline.cleanup();
    }
  };

  server.registerTool(
    "review_tools",
    {
      title: "Review tools with the panel",
      description:
        "Every persona of the panel reviews every tool (ship or skip, with a quote and reasons). Returns a Markdown summary and the report.json object. " +
        "Uses the server's models and --max-cost; reviews the cap would exceed are not started (the result says so). Each review is stored as it finishes.",
      inputSchema: reviewInput,
    },
    runTools(false),
  );
  server.registerTool(
    "compare_tools",
    {
      title: "Compare tools head to head",
      description: "Like review_tools for two or more tools, plus a pick (the higher panel ship %, then confidence) and an editor summary.",
      inputSchema: reviewInput,
    },
    runTools(true),
  );
  server.registerTool(
    "list_runs",
    {
      title: "List stored runs",
      description: "The runs kept in the server's store, newest first: id, command, state, tools, models, reviews, cost.",
      inputSchema: { limit: z.number().int().min(1).max(1000).optional().describe("How many runs (default 20)") },
    },
    guarded(async ({ limit }: { limit?: number | undefined }) => {
      const runs = store.listRunsWithCounts({ limit: limit ?? 20 }).map(runListingSummary);
      const text = runs.length === 0 ? "No runs in the store yet." : runs.map(listingLine).join("\n");
      return { content: [{ type: "text", text: redact(text) }], structuredContent: { runs } };
    }),
  );
  server.registerTool(
    "get_run",
    {
      title: "Read a stored run's report",
      description: "A stored run's report, rebuilt from the store with no calls: Markdown (format md, the default) or report.json (format json, also as structured content).",
      inputSchema: { runId: z.string().min(1), format: z.enum(["json", "md"]).optional() },
    },
    guarded(async ({ runId, format }: { runId: string; format?: "json" | "md" | undefined }) => {
      const report = reportOf(store, runId);
      if (format === "json") {
        const json = redact(JSON.stringify(report, null, 2));
        return { content: [{ type: "text", text: json }], structuredContent: JSON.parse(json) as Record<string, unknown> };
      }
      return { content: [{ type: "text", text: redact(renderMarkdown(report)) }] };
    }),
  );

  server.registerTool(
    "rerun_review",
    {
      title: "Ask one reviewer again",
      description:
        "Asks one persona of a stored run again about one of its tools, with the run's model or another of this server's models. " +
        "The new review replaces the old in the run's report (the old one is kept as history); returns the persona's new verdict and the tool's panel.",
      inputSchema: {
        runId: z.string().min(1),
        tool: z.union([z.string().min(1), z.number().int().positive()]).describe("The tool: its name in the run, or its id (the report's tools[].id)"),
        persona: z.string().min(1).describe("The persona id to ask again"),
        model: z.string().min(1).optional().describe("provider:model, one of the server's models or the run's (default: the run's)"),
      },
    },
    guarded((args: { runId: string; tool: string | number; persona: string; model?: string | undefined }, extra: ToolExtra) => track(server, rerunOnce(args, extra))),
  );
  const rerunOnce = async (args: { runId: string; tool: string | number; persona: string; model?: string | undefined }, extra: ToolExtra): Promise<CallToolResult> => {
    const run = store.getRun(args.runId);
    if (!run) throw new ConfigError("runId", `no run "${args.runId}" in the store; list_runs lists them`);
    // The model is the server's choice, as for every other request: the run's own or one it was started with.
    if (args.model !== undefined && !config.models.includes(args.model) && !run.models.includes(args.model)) {
      throw new ConfigError("model", `"${args.model}" is not one of this server's models (${config.models.join(", ")}) or the run's (${run.models.join(", ")})`);
    }
    const maxCost = requestBudget();
    const { rerunReviews } = await import("../engine/rerun-reviews.js");
    const result = await rerunReviews({
      store,
      runId: run.id,
      tool: args.tool,
      persona: args.persona,
      ...(args.model === undefined ? {} : { model: args.model }),
      config: { ...config, ...(maxCost === undefined ? {} : { maxCost }) },
      credentials: options.credentials,
      editor: `mcp:${server.server.getClientVersion()?.name ?? "client"}`,
      stopSignal: extra.signal,
      abortSignal: extra.signal,
      onWarning: (line) => options.onLog?.(redact(`warning: ${line}`)),
      onProgress: progressSender(extra),
    });
    spending.spent += result.costUsd;
    options.onLog?.(`re-run of run ${run.id}: ${result.reviewed} reviewed, ${result.failed} failed, $${result.costUsd}`);
    if (result.interrupted) throw new ConfigError("cancelled", `the re-run of run ${run.id} stopped; the earlier review stays current`);
    return rerunToolResult(reportOf(store, run.id), result, { runId: run.id, tool: args.tool, persona: args.persona }, redact);
  };

  for (const format of ["md", "json"] as const) {
    server.registerResource(
      `run-report-${format}`,
      new ResourceTemplate(`panelist://runs/{id}/report.${format}`, {
        list: async () => ({
          resources: store.listRuns().slice(0, 50).map((run) => ({ uri: `panelist://runs/${run.id}/report.${format}`, name: `${run.id} report.${format}`, mimeType: MIME[format] })),
        }),
      }),
      { title: `A stored run's report.${format}`, description: `report.${format} of a stored run, rendered from the store`, mimeType: MIME[format] },
      async (uri, variables) => {
        const id = String(variables.id);
        const report = reportOf(store, id);
        const text = format === "md" ? renderMarkdown(report) : JSON.stringify(report, null, 2);
        return { contents: [{ uri: uri.href, mimeType: MIME[format], text: redact(text) }] };
      },
    );
  }
  return server;
}

/** What the SDK hands a tool callback besides its arguments: the request's signal, progress token and notifier. */
type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

const MIME = { md: "text/markdown", json: "application/json" } as const;

function reportOf(store: ReviewStore, runId: string) {
  const built = buildRunReport(store, runId);
  if (!built) throw new ConfigError("runId", `no run "${runId}" in the store; list_runs lists them`);
  return built.report;
}

/** The requested personas, checked against the server's panel: a request may leave reviewers out, never add one. */
async function narrowPanel(config: RunConfig, requested: readonly string[]): Promise<string[]> {
  const panel = config.personas ?? (await loadPersonas(config.personasDir ?? BUILT_IN_PERSONAS_DIR)).map((persona) => persona.id);
  const unknown = requested.find((id) => !panel.includes(id));
  if (unknown !== undefined) throw new ConfigError("personas", `"${unknown}" is not on this server's panel; it has ${panel.join(", ")}`);
  return [...new Set(requested)];
}

function listingLine(run: RunListingSummary): string {
  const cost = run.costUsd === null ? "cost unknown" : `$${run.costUsd.toFixed(4)}`;
  const notStarted = run.notStarted > 0 ? `, ${run.notStarted} not started` : "";
  return `${run.id} · ${run.command} · ${run.startedAt.replace("T", " ").slice(0, 19)} UTC · ${run.status} · ${run.tools} tools · ${run.models.join(",")} · ${run.reviews} reviews, ${run.failures} failed${notStarted} · ${cost}`;
}
