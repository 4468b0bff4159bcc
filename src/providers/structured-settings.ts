import type { StructuredMode } from "./provider.js";

/** `auto` tries the strongest mode an endpoint supports and falls back; a fixed mode never changes. */
export type StructuredSetting = "auto" | StructuredMode;

/** The structured-output setting's values, for flags and config. */
export const STRUCTURED_SETTINGS = ["auto", "json_schema", "json_object", "tool", "prompt"] as const;
