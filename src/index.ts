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
export { reviewTools, planReviews, type ReviewToolsOptions, type ReviewToolsResult, type ReviewPlan, type PlannedCall } from "./engine/review-tools.js";
export { loadTools, type LoadedTools } from "./inputs/load-tools.js";
export { callWithRetries, type AttemptEvent, type CallWithRetriesOptions } from "./pipeline/call-with-retries.js";
export { retryDelay, DEFAULT_RETRY_POLICY, type RetryPolicy } from "./pipeline/retry-policy.js";
export { StructuredModes, type StructuredSetting } from "./pipeline/structured-modes.js";
export type { CallEvent } from "./pipeline/call-event.js";
export { DEFAULT_PRICES, findPrice, costOf, maxCostOf, type ModelPrice, type PriceTable } from "./cost/price-table.js";
export { Budget } from "./cost/budget.js";
export { redactSecrets } from "./providers/redact-secrets.js";
export { planJobs, leadWindow, type PlanInput, type PlannedTool } from "./engine/plan-jobs.js";
export { scheduleJobs, type ScheduleOptions, type ScheduleResult } from "./engine/schedule-jobs.js";
export { runReviews, type RunReviewsOptions, type RunReviewsResult } from "./engine/run-reviews.js";
export { openRun, runPlan, type OpenRunInput, type OpenedRun, type RunCommand } from "./engine/open-run.js";
export { buildRunReport, type RunReport } from "./engine/run-report.js";
export { writeRunReport, reportOutputs, type ReportOutputs } from "./engine/report-outputs.js";
export type { RunOutputs } from "./engine/run-outputs.js";
export type { RunProgress } from "./engine/run-progress.js";
export { checkOutputFolder, checkOutputFile } from "./engine/check-output-folder.js";
export type { ToolResult } from "./report/build-report.js";
export { runReviewJob, type ReviewJob, type CallSettings, type JobContext, type AnswerLookup, type BatchResultSource } from "./pipeline/run-review-job.js";
export type { JobOutcome, FailureKind, NotStartedReason, PaidAnswer, CachedResponse } from "./pipeline/job-outcome.js";
export { buildReviewPrompt, renderDossier, renderSystemPrompt, type ReviewPrompt } from "./prompts/build-review-prompt.js";
export { loadPromptTemplates, BUILT_IN_PROMPTS_DIR, type PromptTemplates } from "./prompts/prompt-templates.js";
export { createAnthropicProvider, type AnthropicProviderOptions } from "./providers/anthropic-provider.js";
export { createProvider, type ProviderSettings } from "./providers/create-provider.js";
export { parseModelSpec, type ModelSpec } from "./providers/model-spec.js";
export { createOpenAIProvider, type OpenAIProviderOptions } from "./providers/openai-provider.js";
export {
  VENDORS,
  findVendor,
  KNOWN_PROVIDERS,
  STRUCTURED_LADDERS,
  OPENAI_COMPATIBLE_PRESETS,
  type Vendor,
  type VendorProtocol,
  type BatchApiKind,
  type OpenAICompatiblePreset,
} from "./providers/vendors.js";
export { resolveCredentials, credentialSecrets, type Credentials, type VendorCredentials } from "./providers/credentials.js";
export { chooseDefaultModel, type DefaultModelChoice } from "./providers/default-model.js";
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
export { reportSchema, answerSourceSchema, type AnswerSource, type Report, type Review, type ReviewFailure, type ToolReport, type SkippedTool } from "./report/report-schema.js";
export { writeReportFiles, REPORT_FORMATS, type ReportFormat } from "./report/write-report-files.js";
export { loadToolFile, parseToolFile, type LoadedToolFile } from "./tools/load-tool-file.js";
export type { Tool, CommunityVote } from "./tools/tool.js";
export { parseVerdict, type ParseVerdictResult } from "./verdict/parse-verdict.js";
export { verdictSchema, verdictJsonSchema, type Verdict } from "./verdict/verdict-schema.js";
export { runBatch, type BatchOptions, type BatchProgress, type BatchSummary } from "./batch/run-batch.js";
export { buildIndexReport, renderIndexMarkdown, indexReportSchema, type IndexReport, type IndexEntry } from "./batch/index-report.js";
export { toolIdentity, toolContentHash, toolSlug } from "./tools/tool-identity.js";
export { loadInputs, loadInputs as loadBatchInputs } from "./inputs/load-inputs.js";
export { parseFeed, type ParsedFeed, type FeedKind } from "./feeds/parse-feed.js";
export { readFeedSource } from "./feeds/read-feed-source.js";
export { htmlToText } from "./feeds/html-to-text.js";
export { ReviewStore, reviewKey, type RunRecord, type RunPlan, type RunListing, type StoredTool, type StoredOutcome, type StoredSummary, type ExportRow } from "./store/review-store.js";
export { exportRun, EXPORT_FORMATS, EXPORT_COLUMNS, type ExportFormat } from "./export/export-run.js";
export { requestHash } from "./pipeline/request-hash.js";
export { prepareRunParts, type RunParts } from "./pipeline/run-parts.js";
export { renderHtml, renderPage, HTML_TEMPLATES_DIR } from "./report/render-html.js";
export { renderCsv } from "./report/render-csv.js";
export { buildReportView, isDissent, type ReportView, type ToolView, type ReviewView } from "./report/report-view.js";
export { withSummary, type ExtraCall } from "./report/build-report.js";
export { runEditorSummary, summaryDigest, type SummaryOutcome } from "./pipeline/run-summary.js";
export { renderIndexHtml } from "./batch/index-report.js";
export { fleissKappa, krippendorffAlphaNominal, gwetAC1, pairwiseAgreement, pearson, wilsonInterval, type Ratings, type WilsonInterval } from "./stats/agreement.js";
export { panelStats, type PanelStats, type StatsReview, type Agreement, type BiasWarning, type Rate } from "./stats/panel-stats.js";
export { renderStatsMarkdown, statsReviewsFromReport } from "./stats/render-stats.js";
export { tallyPersonaVotes, type PersonaVote } from "./panel/panel-math.js";
export { datamark, DATAMARK, type SpotlightMode } from "./prompts/spotlight.js";
export { parseAssignments } from "./pipeline/run-parts.js";
export { panelistVersion } from "./version.js";
export { manifestSchema, type Manifest } from "./report/report-schema.js";
export { RateLimiter, HEADER_HEADROOM, type RateLimits, type RateLimitPermit, type Clock } from "./pipeline/rate-limiter.js";
export { readRateLimitHeaders, parseReset, type RateLimitInfo } from "./providers/rate-limit-headers.js";
export { closeProviders, type PrepareRunOptions } from "./pipeline/run-parts.js";
export { createLocalProvider, defaultLocalThreads, type LocalProviderOptions } from "./providers/local-provider.js";
export { loadLocalRuntime, type LocalRuntime } from "./providers/local-runtime.js";
export { resolveLocalModel, type LocalModelSourceOptions, type ModelDownloadEvent } from "./providers/local-model-source.js";
export { DEFAULT_LOCAL_MODEL, KNOWN_LOCAL_MODELS, type KnownLocalModel } from "./providers/local-models.js";
export { grammarFriendlySchema, clampNumbers, DEFAULT_GRAMMAR_LIMITS, type GrammarLimits } from "./providers/grammar-friendly-schema.js";
