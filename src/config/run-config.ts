import { z } from "zod";
import { REPORT_FORMATS } from "../report/write-report-files.js";

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
  /** Per-call timeout in seconds. Default 120. */
  timeoutSeconds: z.coerce.number().positive().max(3600).default(120),
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
  formats: "PANELIST_FORMAT",
  baseUrl: "PANELIST_BASE_URL",
  temperature: "PANELIST_TEMPERATURE",
  maxOutputTokens: "PANELIST_MAX_OUTPUT_TOKENS",
  timeoutSeconds: "PANELIST_TIMEOUT",
};
