import type { ProviderError } from "../errors/provider-error.js";
import { providerLabel, type Provider, type StructuredMode } from "../providers/provider.js";
import { structuredModesOf } from "../providers/vendors.js";

import type { StructuredSetting } from "../providers/structured-settings.js";

export { STRUCTURED_SETTINGS, type StructuredSetting } from "../providers/structured-settings.js";

/**
 * Whether a failed call is a server rejecting the structured-output mode (a 400 or 422 naming
 * response_format, json_schema, tools…), as older or smaller OpenAI-compatible servers do.
 */
export function rejectsStructuredMode(error: ProviderError): boolean {
  if (error.status !== 400 && error.status !== 422) return false;
  return /response_format|json_schema|json_object|structured|tool_choice|tools?\b|input_schema|schema/i.test(`${error.message} ${error.responseBody ?? ""}`);
}

/**
 * Remembers, per endpoint and model for the rest of a run, which structured-output mode works,
 * so that one rejection costs one call and not one per review.
 */
export class StructuredModes {
  private readonly current = new Map<string, StructuredMode>();

  constructor(private readonly setting: StructuredSetting = "auto") {}

  /** The mode to use for this provider now. */
  modeFor(provider: Provider): StructuredMode {
    if (this.setting !== "auto") return this.setting;
    return this.current.get(providerLabel(provider)) ?? ladderOf(provider)[0]!;
  }

  /** Whether {@link fallBack} from `failed` would give a mode to try (without changing anything). */
  hasFallback(provider: Provider, failed: StructuredMode): boolean {
    if (this.setting !== "auto") return false;
    const ladder = ladderOf(provider);
    return ladder.indexOf(this.modeFor(provider)) > ladder.indexOf(failed) || ladder[ladder.indexOf(failed) + 1] !== undefined;
  }

  /**
   * Steps down from `failed` for this provider and returns the new mode, or undefined when there
   * is nothing weaker (or the mode is fixed). Calls in flight that failed with an older mode do
   * not step down twice.
   */
  fallBack(provider: Provider, failed: StructuredMode): StructuredMode | undefined {
    if (this.setting !== "auto") return undefined;
    const ladder = ladderOf(provider);
    const now = this.modeFor(provider);
    if (ladder.indexOf(now) > ladder.indexOf(failed)) return now;
    const next = ladder[ladder.indexOf(failed) + 1];
    if (next !== undefined) this.current.set(providerLabel(provider), next);
    return next;
  }
}

/** The provider's vendor's ladder, strongest first (see STRUCTURED_LADDERS). */
function ladderOf(provider: Provider): readonly StructuredMode[] {
  return structuredModesOf(provider.id);
}
