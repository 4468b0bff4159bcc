import { parseArgs } from "node:util";
import type { RunConfigKey } from "../config/run-config.js";
import { ConfigError } from "../errors/config-error.js";

/** A parsed command line. */
export interface CommandLine {
  command: string | undefined;
  positionals: string[];
  help: boolean;
  version: boolean;
  /** `--verbose`: one line per call on stderr. */
  verbose: boolean;
  /** `--log-json`: one JSON line per call on stderr. */
  logJson: boolean;
  /** `review --replay report.json`: re-render recorded reviews without calls. */
  replay?: string;
  /** Batch and export options, which are not run settings. */
  batch: {
    sinceLast: boolean;
    resume?: string;
    newRun: boolean;
    noCache: boolean;
    /** `batch --wait`: with `--via batch-api`, poll until the provider batches end, then finish the run. */
    wait: boolean;
    /** `batch --status`: show the provider batches of a run and exit. */
    status: boolean;
    /** `batch --enrich`: feed items whose link is a repository, package or model page get its facts. */
    enrich: boolean;
    /** `export --run`. */
    run?: string;
    /** `export --output`: a file instead of stdout. */
    output?: string;
    /** `export --format` as given (jsonl or csv). */
    format?: string;
    /** `runs --limit`: how many runs to list. */
    limit?: string;
    /** `runs --tool`: only runs with a tool of this name; `rerun --tool`: the tool to ask again. */
    tool?: string;
    /** `rerun --persona`: the one persona to ask again. */
    persona?: string;
    /** `runs --json`: one JSON object per run. */
    json: boolean;
    /** `calibrate --labels`: a label file, `community` or `store`. */
    labels?: string;
    /** `calibrate --min-votes`: fewest community votes that make a label. */
    minVotes?: string;
    /** `mcp --max-session-cost`: USD the server may spend over its whole session. */
    maxSessionCost?: string;
    /** `mcp --http`: Streamable HTTP on --host/--port instead of stdio. */
    http: boolean;
    /** `serve` and `mcp --http`: `--port`, `--host`, `--token`; `serve`, `rerun`: `--editor`, as given. */
    port?: string;
    host?: string;
    token?: string;
    editor?: string;
  };
  /** Run settings given as flags, keyed by setting. */
  flags: Partial<Record<RunConfigKey, unknown>>;
}

/** The flag for each run setting, for error messages. */
export const FLAG_NAMES: Readonly<Record<RunConfigKey, string>> = {
  models: "--model",
  personas: "--personas",
  personasDir: "--personas-dir",
  concurrency: "--concurrency",
  out: "--out",
  store: "--store",
  formats: "--format",
  baseUrl: "--base-url",
  temperature: "--temperature",
  maxOutputTokens: "--max-output-tokens",
  timeoutSeconds: "--timeout",
  maxRetries: "--max-retries",
  structured: "--structured",
  repairAttempts: "--repair-attempts",
  maxCost: "--max-cost",
  prices: "--prices",
  maxDescriptionChars: "--max-description-chars",
  dryRun: "--dry-run",
  summary: "--summary",
  samples: "--samples",
  seed: "--seed",
  assign: "--assign",
  spotlight: "--spotlight",
  swap: "--swap",
  rpm: "--rpm",
  tpm: "--tpm",
  via: "--via",
  pollSeconds: "--poll-seconds",
  threads: "--threads",
  modelsDir: "--models-dir",
  allowPrivateHosts: "--allow-private-hosts",
};

const OPTIONS = {
  model: { type: "string", multiple: true },
  personas: { type: "string" },
  "personas-dir": { type: "string" },
  concurrency: { type: "string" },
  out: { type: "string" },
  format: { type: "string" },
  "base-url": { type: "string" },
  temperature: { type: "string" },
  "max-output-tokens": { type: "string" },
  timeout: { type: "string" },
  "max-retries": { type: "string" },
  structured: { type: "string" },
  "repair-attempts": { type: "string" },
  "max-cost": { type: "string" },
  prices: { type: "string" },
  "max-description-chars": { type: "string" },
  "dry-run": { type: "boolean" },
  summary: { type: "boolean" },
  "no-summary": { type: "boolean" },
  samples: { type: "string" },
  seed: { type: "string" },
  assign: { type: "string" },
  spotlight: { type: "string" },
  swap: { type: "boolean" },
  rpm: { type: "string" },
  tpm: { type: "string" },
  via: { type: "string" },
  "poll-seconds": { type: "string" },
  threads: { type: "string" },
  "models-dir": { type: "string" },
  "allow-private-hosts": { type: "boolean" },
  enrich: { type: "boolean" },
  wait: { type: "boolean" },
  status: { type: "boolean" },
  replay: { type: "string" },
  verbose: { type: "boolean", short: "v" },
  store: { type: "string" },
  "since-last": { type: "boolean" },
  resume: { type: "string" },
  "new-run": { type: "boolean" },
  "no-cache": { type: "boolean" },
  run: { type: "string" },
  limit: { type: "string" },
  tool: { type: "string" },
  persona: { type: "string" },
  json: { type: "boolean" },
  labels: { type: "string" },
  "min-votes": { type: "string" },
  "max-session-cost": { type: "string" },
  http: { type: "boolean" },
  port: { type: "string" },
  host: { type: "string" },
  token: { type: "string" },
  editor: { type: "string" },
  output: { type: "string", short: "o" },
  "log-json": { type: "boolean" },
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

/** Parses argv (without the node and script paths). Unknown flags are a ConfigError. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv), options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message;
    const flag = /'(-{1,2}[^'\s]+)/.exec(message)?.[1] ?? "arguments";
    throw new ConfigError(flag, message.replace(/\. To specify a positional argument.*$/s, "").replace(/^Unknown option '[^']+'/, "unknown option"));
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  const flags: Partial<Record<RunConfigKey, unknown>> = {
    models: values.model?.flatMap((value) => value.split(",")),
    personas: values.personas,
    personasDir: values["personas-dir"],
    concurrency: values.concurrency,
    out: values.out,
    store: values.store,
    formats: values.format,
    baseUrl: values["base-url"],
    temperature: values.temperature,
    maxOutputTokens: values["max-output-tokens"],
    timeoutSeconds: values.timeout,
    maxRetries: values["max-retries"],
    structured: values.structured,
    repairAttempts: values["repair-attempts"],
    maxCost: values["max-cost"],
    prices: values.prices,
    maxDescriptionChars: values["max-description-chars"],
    dryRun: values["dry-run"],
    summary: values["no-summary"] ? false : values.summary,
    samples: values.samples,
    seed: values.seed,
    assign: values.assign,
    spotlight: values.spotlight,
    swap: values.swap,
    rpm: values.rpm,
    tpm: values.tpm,
    via: values.via,
    pollSeconds: values["poll-seconds"],
    threads: values.threads,
    modelsDir: values["models-dir"],
    allowPrivateHosts: values["allow-private-hosts"],
  };
  return {
    command,
    positionals: rest,
    help: values.help ?? false,
    version: values.version ?? false,
    verbose: values.verbose ?? false,
    logJson: values["log-json"] ?? false,
    batch: {
      sinceLast: values["since-last"] ?? false,
      ...(values.resume === undefined ? {} : { resume: values.resume }),
      newRun: values["new-run"] ?? false,
      noCache: values["no-cache"] ?? false,
      wait: values.wait ?? false,
      status: values.status ?? false,
      enrich: values.enrich ?? false,
      ...(values.run === undefined ? {} : { run: values.run }),
      ...(values.output === undefined ? {} : { output: values.output }),
      ...(values.format === undefined ? {} : { format: values.format }),
      ...(values.limit === undefined ? {} : { limit: values.limit }),
      ...(values.tool === undefined ? {} : { tool: values.tool }),
      ...(values.persona === undefined ? {} : { persona: values.persona }),
      json: values.json ?? false,
      http: values.http ?? false,
      ...(values.labels === undefined ? {} : { labels: values.labels }),
      ...(values["min-votes"] === undefined ? {} : { minVotes: values["min-votes"] }),
      ...(values["max-session-cost"] === undefined ? {} : { maxSessionCost: values["max-session-cost"] }),
      ...(values.port === undefined ? {} : { port: values.port }),
      ...(values.host === undefined ? {} : { host: values.host }),
      ...(values.token === undefined ? {} : { token: values.token }),
      ...(values.editor === undefined ? {} : { editor: values.editor }),
    },
    ...(values.replay === undefined ? {} : { replay: values.replay }),
    flags,
  };
}

/**
 * `--concurrency -3` reads to parseArgs as a flag with no value followed by an unknown `-3`;
 * joined as `--concurrency=-3` the value reaches validation, which says what is wrong with it.
 */
function joinNegativeValues(argv: readonly string[]): string[] {
  const result: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index]!;
    const next = argv[index + 1];
    const name = arg.startsWith("--") ? arg.slice(2) : undefined;
    const option = name === undefined ? undefined : (OPTIONS as Record<string, { type: string }>)[name];
    if (option?.type === "string" && next !== undefined && /^-\d/.test(next)) {
      result.push(`${arg}=${next}`);
      index += 1;
    } else result.push(arg);
  }
  return result;
}
