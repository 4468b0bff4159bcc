import { join, resolve } from "node:path";
import { ConfigError } from "../errors/config-error.js";
import { zodIssueText } from "../errors/zod-issue-text.js";
import { resolveCredentials, type Credentials } from "../providers/credentials.js";
import { chooseDefaultModel } from "../providers/default-model.js";
import { CONFIG_ENV_VARIABLES, runConfigSchema, type RunConfig, type RunConfigKey } from "./run-config.js";

/** The raw sources of a run's configuration. */
export interface ConfigSources {
  /** Values from flags, keyed by setting; `flagNames` says which flag each came from. */
  flags: Partial<Record<RunConfigKey, unknown>>;
  /** Flag spelling for each setting, for error messages (e.g. `models` → `--model`). */
  flagNames: Readonly<Partial<Record<RunConfigKey, string>>>;
  /** Variables from the `.env` file. */
  dotenv: Readonly<Record<string, string>>;
  /** The process environment. */
  environment: Readonly<Record<string, string | undefined>>;
  /**
   * The folder a relative `out` is taken from (the command's own, which a caller running
   * commands in-process need not share with the process); the result holds the absolute folder,
   * and runs store it so, so `rerun` renders into the same one. Unset: `out` as given.
   */
  cwd?: string;
}

/** A resolved configuration and the merged environment providers read their keys from. */
export interface ResolvedConfig {
  config: RunConfig;
  /** `.env` overlaid by the environment. */
  env: Record<string, string | undefined>;
  /** The providers' keys and base URLs, read from {@link env} (see resolveCredentials). */
  credentials: Credentials;
  /** Set when the model was chosen for the user: one line saying which and why. */
  modelNote?: string;
}

/**
 * Merges defaults < .env < environment < flags and validates the result once. A bad value is a
 * ConfigError naming the flag or variable it came from.
 */
export function resolveConfig(sources: ConfigSources): ResolvedConfig {
  const env: Record<string, string | undefined> = { ...sources.dotenv, ...sources.environment };
  const raw: Partial<Record<RunConfigKey, unknown>> = {};
  const origin: Partial<Record<RunConfigKey, string>> = {};
  for (const [key, variable] of Object.entries(CONFIG_ENV_VARIABLES) as [RunConfigKey, string][]) {
    const value = env[variable];
    if (value !== undefined && value !== "") {
      raw[key] = value;
      origin[key] = variable;
    }
  }
  for (const [key, value] of Object.entries(sources.flags) as [RunConfigKey, unknown][]) {
    if (value === undefined) continue;
    raw[key] = value;
    origin[key] = sources.flagNames[key] ?? `--${key}`;
  }
  const credentials = resolveCredentials(env);
  let modelNote: string | undefined;
  if (raw.models === undefined) {
    const chosen = chooseDefaultModel(credentials);
    raw.models = chosen.model;
    modelNote = chosen.note;
  }
  // A review on a laptop CPU can take minutes; the remote default would cut it off.
  if (raw.timeoutSeconds === undefined && namesLocalModel(raw.models, raw.assign)) raw.timeoutSeconds = LOCAL_TIMEOUT_SECONDS;
  if (raw.modelsDir === undefined) {
    const folder = defaultModelsDir(env);
    if (folder !== undefined) raw.modelsDir = folder;
  }
  const result = runConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = issue.path[0] as RunConfigKey | undefined;
    const setting = (key && origin[key]) ?? (key ? (sources.flagNames[key] ?? `--${key}`) : "configuration");
    throw new ConfigError(setting, zodIssueText(issue));
  }
  const config = sources.cwd === undefined ? result.data : { ...result.data, out: resolve(sources.cwd, result.data.out) };
  return { config, env, credentials, ...(modelNote ? { modelNote } : {}) };
}

/** The per-call timeout when a `local:` model is in the run and none is given: 10 minutes. */
export const LOCAL_TIMEOUT_SECONDS = 600;

/** Whether `--model` (a list or comma-separated) or `--assign` names a `local:` model. */
function namesLocalModel(models: unknown, assign: unknown): boolean {
  const specs = [...(Array.isArray(models) ? models : typeof models === "string" ? models.split(",") : []), ...(typeof assign === "string" ? assign.split(",").map((part) => part.slice(part.indexOf("=") + 1)) : [])];
  return specs.some((spec) => typeof spec === "string" && spec.trim().toLowerCase().startsWith("local:"));
}

/** `$XDG_CACHE_HOME/panelist/models`, else `~/.cache/panelist/models`; undefined with no home folder. */
function defaultModelsDir(env: Record<string, string | undefined>): string | undefined {
  const cache = env.XDG_CACHE_HOME || (env.HOME || env.USERPROFILE ? join(env.HOME || env.USERPROFILE!, ".cache") : undefined);
  return cache === undefined ? undefined : join(cache, "panelist", "models");
}
