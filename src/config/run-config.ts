import { z } from "zod";
import { STRUCTURED_SETTINGS } from "../providers/structured-settings.js";
import { REPORT_FORMATS } from "../report/report-formats.js";

const list = (item: z.ZodType<string>) =>
  z.preprocess(
    (value) => (typeof value === "string" ? value.split(",").map((part) => part.trim()).filter(Boolean) : value),
    z.array(item),
  );

/**
 * Every setting of a run, validated once at the edge and passed down as a plain object.
 * Sources merge in this order, later winning: defaults < .env < environment < flags.
 */
export const runConfigSchema = z.object({
  /** `provider:model` specs; every persona reviews every tool with each. */
  models: list(z.string()).pipe(z.array(z.string()).min(1, "give at least one provider:model")),
  /** Persona ids to use, in order; all personas when absent. */
  personas: list(z.string()).optional(),
  /** Folder of persona files to use instead of the built-in panel. */
  personasDir: z.string().optional(),
  /** Calls in flight at once. Default 8. */
  concurrency: z.coerce.number().int("must be a whole number").min(1).max(512).default(8),
  /** The SQLite store every command keeps its runs in. Default `./panelist.db`. */
  store: z.string().min(1).default("./panelist.db"),
  /** Output folder. Default `./panelist-out`. */
  out: z.string().min(1).default("./panelist-out"),
  /** Report formats to write. Default md and json. */
  formats: list(z.enum(REPORT_FORMATS)).pipe(z.array(z.enum(REPORT_FORMATS)).min(1)).default(["md", "json"]),
  /** Overrides every provider's base URL. */
  baseUrl: z.url().optional(),
  /** Sampling temperature; provider default when absent. */
  temperature: z.coerce.number().min(0).max(2).optional(),
  /** Output token limit per call. Default 1024. */
  maxOutputTokens: z.coerce.number().int().min(64).max(32_768).default(1024),
  /** Per-call timeout in seconds; a call that hangs longer is abandoned and retried. Default 120. */
  timeoutSeconds: z.coerce.number().positive().max(3600).default(120),
  /** Retries of a failed call (429, 5xx, timeouts, connection errors). Default 4. */
  maxRetries: z.coerce.number().int().min(0).max(20).default(4),
  /** Structured-output mode; `auto` tries the strongest and falls back. Default auto. */
  structured: z.enum(STRUCTURED_SETTINGS).default("auto"),
  /** Re-asks after an unusable or cut-off answer. Default 1. */
  repairAttempts: z.coerce.number().int().min(0).max(5).default(1),
  /** Spending limit in USD: no call starts that could pass it. */
  maxCost: z.coerce.number().positive().optional(),
  /** A JSON file of prices overriding the built-in table: {"provider:model": {input, cachedInput, output}}. */
  prices: z.string().optional(),
  /** Longer descriptions are cut to this many characters, with a warning. Default 20,000. */
  maxDescriptionChars: z.coerce.number().int().min(200).max(1_000_000).default(20_000),
  /** Ask a moderator for a 2–4 sentence editor summary. Default: on for compare, off for review. */
  summary: z
    .preprocess((value) => (typeof value === "string" ? /^(1|true|yes|on)$/i.test(value.trim()) : value), z.boolean())
    .optional(),
  /** Reviews of each (tool, persona, model), for stability; seeds run seed, seed+1, … Default 1. */
  samples: z.coerce.number().int().min(1).max(50).default(1),
  /** Sampling seed of the first sample, for providers that take one. */
  seed: z.coerce.number().int().min(0).optional(),
  /** Per-persona models, `persona=provider:model` comma-separated; others use --model. */
  assign: z.string().optional(),
  /** How untrusted tool text is marked in prompts. Default datamark. */
  spotlight: z.enum(["datamark", "delimit", "off"]).default("datamark"),
  /** Run a comparison a second time with the tools in reverse order and report a pick that flips. */
  swap: z
    .preprocess((value) => (typeof value === "string" ? /^(1|true|yes|on)$/i.test(value.trim()) : value), z.boolean())
    .default(false),
  /** Requests per minute per endpoint, for endpoints that send no rate-limit headers. */
  rpm: z.coerce.number().positive().optional(),
  /** Tokens per minute per endpoint (prompt estimate + output limit). */
  tpm: z.coerce.number().positive().optional(),
  /**
   * How batch reviews reach the model: `direct` calls, or the vendor's asynchronous batch API
   * (`batch-api`, OpenAI and Anthropic: about half the price, results within 24 hours). Default direct.
   */
  via: z.enum(["direct", "batch-api"]).default("direct"),
  /** First wait between batch-API status checks in seconds; later waits grow to 10 minutes. Default 30. */
  pollSeconds: z.coerce.number().min(0.01).max(3600).default(30),
  /** CPU threads for `local:` models. Default: half the logical cores, at least one. */
  threads: z.coerce.number().int("must be a whole number").min(1).max(256).optional(),
  /** Folder `local:` models are downloaded to and found in. Default `~/.cache/panelist/models`. */
  modelsDir: z.string().min(1).optional(),
  /** Fetch tools (URLs, feeds' links) from private, loopback and link-local addresses too; off by default. */
  allowPrivateHosts: z
    .preprocess((value) => (typeof value === "string" ? /^(1|true|yes|on)$/i.test(value.trim()) : value), z.boolean())
    .default(false),
  /** Plan the calls and estimate cost; call nothing. */
  dryRun: z
    .preprocess((value) => (typeof value === "string" ? /^(1|true|yes|on)$/i.test(value.trim()) : value), z.boolean())
    .default(false),
});

/** A validated run configuration. */
export type RunConfig = z.infer<typeof runConfigSchema>;

/** Run configuration keys. */
export type RunConfigKey = keyof RunConfig;

/** The environment variable for each setting. */
export const CONFIG_ENV_VARIABLES: Readonly<Record<RunConfigKey, string>> = {
  models: "PANELIST_MODEL",
  personas: "PANELIST_PERSONAS",
  personasDir: "PANELIST_PERSONAS_DIR",
  concurrency: "PANELIST_CONCURRENCY",
  out: "PANELIST_OUT",
  store: "PANELIST_STORE",
  formats: "PANELIST_FORMAT",
  baseUrl: "PANELIST_BASE_URL",
  temperature: "PANELIST_TEMPERATURE",
  maxOutputTokens: "PANELIST_MAX_OUTPUT_TOKENS",
  timeoutSeconds: "PANELIST_TIMEOUT",
  maxRetries: "PANELIST_MAX_RETRIES",
  structured: "PANELIST_STRUCTURED",
  repairAttempts: "PANELIST_REPAIR_ATTEMPTS",
  maxCost: "PANELIST_MAX_COST",
  prices: "PANELIST_PRICES",
  maxDescriptionChars: "PANELIST_MAX_DESCRIPTION_CHARS",
  dryRun: "PANELIST_DRY_RUN",
  summary: "PANELIST_SUMMARY",
  samples: "PANELIST_SAMPLES",
  seed: "PANELIST_SEED",
  assign: "PANELIST_ASSIGN",
  spotlight: "PANELIST_SPOTLIGHT",
  swap: "PANELIST_SWAP",
  rpm: "PANELIST_RPM",
  tpm: "PANELIST_TPM",
  via: "PANELIST_VIA",
  pollSeconds: "PANELIST_POLL_SECONDS",
  threads: "PANELIST_THREADS",
  modelsDir: "PANELIST_MODELS_DIR",
  allowPrivateHosts: "PANELIST_ALLOW_PRIVATE_HOSTS",
};
