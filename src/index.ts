export { resolveConfig, type ConfigSources, type ResolvedConfig } from "./config/resolve-config.js";
export { runConfigSchema, CONFIG_ENV_VARIABLES, type RunConfig } from "./config/run-config.js";
export { ConfigError } from "./errors/config-error.js";
export { InputError, type InputLocation } from "./errors/input-error.js";
export { PanelistError } from "./errors/panelist-error.js";
export { ProviderError, type ProviderErrorKind, type ProviderErrorDetails } from "./errors/provider-error.js";
export { VerdictError } from "./errors/verdict-error.js";
export {
  communityShipPct,
  meanShipConfidence,
  pickWinner,
  summarizePanel,
  type PanelSummary,
  type Pick,
  type PickCandidate,
} from "./panel/panel-math.js";
export { loadPersonaFile, loadPersonas, BUILT_IN_PERSONAS_DIR } from "./personas/load-personas.js";
export type { Persona } from "./personas/persona.js";
export { reviewTools, loadTools, type ReviewToolsOptions, type ReviewToolsResult } from "./pipeline/review-tools.js";
export { runPanel, type PanelRunOptions, type ToolResult } from "./pipeline/run-panel.js";
export { runReviewJob, type ReviewJob, type ReviewOutcome, type CallSettings } from "./pipeline/run-review-job.js";
export { buildReviewPrompt, renderDossier, type ReviewPrompt } from "./prompts/build-review-prompt.js";
export { loadPromptTemplates, BUILT_IN_PROMPTS_DIR, type PromptTemplates } from "./prompts/prompt-templates.js";
export { createAnthropicProvider, type AnthropicProviderOptions } from "./providers/anthropic-provider.js";
export { createProvider, type ProviderSettings } from "./providers/create-provider.js";
export { parseModelSpec, type ModelSpec } from "./providers/model-spec.js";
export { createOpenAIProvider, type OpenAIProviderOptions } from "./providers/openai-provider.js";
export { OPENAI_COMPATIBLE_PRESETS, type OpenAICompatiblePreset } from "./providers/presets.js";
export type {
  FinishReason,
  GenerateRequest,
  GenerateResult,
  Provider,
  StructuredMode,
  TokenUsage,
} from "./providers/provider.js";
export { buildReport, type BuildReportInput } from "./report/build-report.js";
export { renderMarkdown } from "./report/render-markdown.js";
export { reportSchema, type Report, type Review, type ReviewFailure, type ToolReport } from "./report/report-schema.js";
export { writeReportFiles, REPORT_FORMATS, type ReportFormat } from "./report/write-report-files.js";
export { loadToolFile, parseToolFile, type LoadedToolFile } from "./tools/load-tool-file.js";
export type { Tool, CommunityVote } from "./tools/tool.js";
export { parseVerdict, type ParseVerdictResult } from "./verdict/parse-verdict.js";
export { verdictSchema, verdictJsonSchema, type Verdict } from "./verdict/verdict-schema.js";
