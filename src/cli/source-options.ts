import type { RunConfig } from "../config/run-config.js";
import type { SourceOptions } from "../engine/source-context.js";
import { resolveSourceSettings, trustedHosts } from "../sources/source-settings.js";

/** Where the sources' APIs are, from the merged environment, and the run's private-address rule. */
export function sourceOptions(config: Pick<RunConfig, "allowPrivateHosts">, env: Readonly<Record<string, string | undefined>>): SourceOptions {
  const settings = resolveSourceSettings(env);
  return { settings, allowPrivateHosts: config.allowPrivateHosts, trustedHosts: trustedHosts(settings, env) };
}
