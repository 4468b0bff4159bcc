import { z } from "zod";
import { communityVoteSchema, factSchema } from "../tools/tool.js";

/** Token counts, as stored in report.json. */
export const usageSchema = z.object({
  inputTokens: z.number().int().min(0),
  cachedInputTokens: z.number().int().min(0),
  outputTokens: z.number().int().min(0),
});

/** Where a review's answer came from: a provider call, Panelist's response store, or a provider batch. */
export const answerSourceSchema = z.enum(["call", "cache", "batch"]);

/** Failure kinds that mean a review was never asked (the spending cap, or a run stopped early). */
export const NOT_STARTED_KINDS: readonly string[] = ["budget", "stopped"];

/** An editor's current edit of a review: who, when, why, and the model's answer it replaced. */
export const reviewEditSchema = z.object({
  editor: z.string(),
  at: z.string(),
  reason: z.string(),
  original: z.object({ quote: z.string(), verdict: z.enum(["ship", "skip"]), confidence: z.number().min(0).max(1) }),
});

/** One persona's successful review of one tool with one model. */
export const reviewSchema = z.object({
  /** The review's id in the store (reports built from the store; the workbench and its API address reviews by it). */
  id: z.number().int().optional(),
  /** Edits and undos recorded for the review (0: as the model answered); an edit sends back the version it was made on. */
  version: z.number().int().min(0).optional(),
  /** Set when an editor changed the review: quote, verdict and confidence above are the edited ones. */
  edit: reviewEditSchema.optional(),
  /** Set when the review came from a re-run that replaced another (kept in the store as history). */
  rerun: z.object({ at: z.string(), editor: z.string(), replaces: z.number().int() }).optional(),
  persona: z.string(),
  model: z.string(),
  verdict: z.enum(["ship", "skip"]),
  confidence: z.number().min(0).max(1),
  quote: z.string(),
  rationale: z.string(),
  strengths: z.array(z.string()),
  risks: z.array(z.string()),
  pricingRead: z.string().optional(),
  usage: usageSchema,
  latencyMs: z.number().min(0),
  /** The model id the API answered with (may differ from the requested alias). */
  responseModel: z.string(),
  /** The vendor's finish reason. */
  finishReason: z.string(),
  /** HTTP calls it took, retries and repair re-asks included (0 when every answer came from the store). */
  attempts: z.number().int().min(0),
  /** USD at list price; null for a model with no known price. */
  costUsd: z.number().min(0).nullable(),
  /** What the parser had to repair in the answer (e.g. "code fence"); absent when it was clean. */
  repairs: z.array(z.string()).optional(),
  /** True when the verdict came from a re-ask after an unusable first answer. */
  reasked: z.literal(true).optional(),
  /** Where the answer came from (absent in reports written before it was recorded). */
  source: answerSourceSchema.optional(),
  /** True when every answer came from the response store: no call was made, costUsd is 0 (kept beside `source` for older readers). */
  fromCache: z.literal(true).optional(),
  /** True when the first answer came through the provider's batch API (`--via batch-api`), billed at its discount. */
  viaBatch: z.literal(true).optional(),
  /** 0-based sample number with --samples > 1. */
  sample: z.number().int().min(0).optional(),
  /** The sampling seed sent, with --seed. */
  seed: z.number().int().optional(),
});

/** A review that did not come back. */
export const failureSchema = z.object({
  persona: z.string(),
  model: z.string(),
  /** One line: what failed. */
  error: z.string(),
  /** `http`, `connection`, `timeout`, `refusal`, `empty`, `batch`, `local`, `parse`, `truncated`; `budget` and `stopped` were never started. */
  kind: z.string(),
  /** The model's answer when one arrived but could not be used. */
  rawText: z.string().optional(),
  /** HTTP calls made before giving up (0 when not started). */
  attempts: z.number().int().min(0),
  /** Tokens of the answers that did come back (unusable ones cost tokens too). */
  usage: usageSchema,
  /** USD spent on it anyway (answers that came back unusable); null for an unknown price. */
  costUsd: z.number().min(0).nullable(),
});

/** A tool that was not reviewed because its input was bad. */
export const skippedToolSchema = z.object({
  file: z.string(),
  line: z.number().int().optional(),
  /** One line: `file:line: field: problem`. */
  error: z.string(),
});

/** Panel math for one tool. */
export const panelSchema = z.object({
  shipPct: z.number().nullable(),
  ship: z.number().int(),
  skip: z.number().int(),
  /** Personas whose models and samples tied (one vote per persona). */
  tied: z.number().int().default(0),
  failed: z.number().int(),
  split: z.string(),
  consensus: z.enum(["ship", "skip", "split", "none"]),
});

/** How much of a tool's panel answered (one reviewer is one persona). */
export const panelCoverageSchema = z.object({
  /** Personas on the panel. */
  reviewers: z.number().int().min(0),
  /** Personas with at least one review. */
  answered: z.number().int().min(0),
  /** Personas without a review: `failed` when asked, `not asked` when never started (budget, stopped). */
  missing: z.array(z.object({ persona: z.string(), status: z.enum(["failed", "not asked"]) })),
  /** Reviews that failed for personas that did answer with another model or sample. */
  lostReviews: z.number().int().min(0),
});

/** One tool's section of the report. */
export const toolReportSchema = z.object({
  /** The tool's id in the store (reports built from the store). */
  id: z.number().int().optional(),
  /** An editor's own ship/skip verdict on the tool, with a note. */
  label: z.object({ verdict: z.enum(["ship", "skip"]), note: z.string(), editor: z.string(), at: z.string() }).optional(),
  /** Set when an editor accepted the tool's page. */
  accepted: z.object({ editor: z.string(), at: z.string() }).optional(),
  name: z.string(),
  category: z.string().nullable(),
  tagline: z.string().nullable(),
  description: z.string(),
  pricing: z.string().nullable(),
  url: z.string().nullable(),
  community: communityVoteSchema.nullable(),
  /** Facts read from where the tool lives, each with its source URL and fetch time; absent when none were fetched. */
  facts: z.array(factSchema).optional(),
  panel: panelSchema,
  /** One vote per persona: the majority of its models and samples, with how stable it was. */
  personaVotes: z.array(z.object({ persona: z.string(), verdict: z.enum(["ship", "skip", "tie"]), ship: z.number().int(), skip: z.number().int(), stability: z.string() })).default([]),
  reviews: z.array(reviewSchema),
  failures: z.array(failureSchema),
  /** Who answered and who is missing (absent in reports written before it was recorded; derivable from reviews and failures). */
  coverage: panelCoverageSchema.optional(),
});

/** What a run was, so a researcher can reproduce it. */
export const manifestSchema = z.object({
  panelistVersion: z.string(),
  /** Each requested model with the model ids the API answered with. */
  models: z.array(z.object({ model: z.string(), responseModels: z.array(z.string()) })),
  temperature: z.number().nullable(),
  seed: z.number().int().nullable(),
  samples: z.number().int(),
  spotlight: z.string(),
  /** Persona ids with a hash of each persona file's content. */
  personas: z.array(z.object({ id: z.string(), name: z.string(), hash: z.string() })),
  /** Hash of each prompt template. */
  promptHashes: z.record(z.string(), z.string()),
  /** Per-persona models from --assign, or null. */
  assign: z.record(z.string(), z.array(z.string())).nullable(),
});

/** report.json, version 1: the contract scheduled jobs and researchers read. */
export const reportSchema = z.object({
  schemaVersion: z.literal(1),
  title: z.string(),
  generatedAt: z.string(),
  models: z.array(z.string()),
  personas: z.array(z.object({ id: z.string(), name: z.string() })),
  tools: z.array(toolReportSchema),
  pick: z.object({ name: z.string(), reason: z.string() }).optional(),
  /** A comparison without a pick (every reviewer who answered skipped every tool, or none answered): why. */
  noPick: z.object({ reason: z.string() }).optional(),
  /** The moderator's 2–4 sentence editor summary (compare runs with --summary); never changes the pick. */
  summary: z.string().optional(),
  /** Totals over every call of the run; `calls` counts HTTP calls, retries included. */
  usage: usageSchema.extend({
    calls: z.number().int().min(0),
    /** Share of input tokens served from the providers' prompt caches (0..1); null with no input. */
    cachedShare: z.number().min(0).max(1).nullable().default(null),
  }),
  /** Total USD at list price, failed calls included; null when any model's price is unknown. */
  costUsd: z.number().min(0).nullable(),
  /** Reviews not started: --max-cost would have been exceeded, or the run was stopped. */
  notStarted: z.number().int().min(0),
  /** Tools left out because their input was bad. */
  skipped: z.array(skippedToolSchema),
  /** How the run was configured (review and compare). */
  manifest: manifestSchema.optional(),
  /** With --swap: the pick when the tools were reviewed in reverse order, and whether it flipped. */
  swap: z.object({ pick: z.string().nullable(), positionDependent: z.boolean() }).optional(),
});

/** report.json. */
export type Report = z.infer<typeof reportSchema>;
/** One tool in report.json. */
export type ToolReport = z.infer<typeof toolReportSchema>;
/** An editor's edit of a review in report.json. */
export type ReviewEdit = z.infer<typeof reviewEditSchema>;
/** One review in report.json. */
export type Review = z.infer<typeof reviewSchema>;
/** One failed review in report.json. */
export type ReviewFailure = z.infer<typeof failureSchema>;
/** A run's manifest. */
export type Manifest = z.infer<typeof manifestSchema>;
/** Who of a tool's panel answered. */
export type PanelCoverage = z.infer<typeof panelCoverageSchema>;
/** A tool left out for bad input. */
export type SkippedTool = z.infer<typeof skippedToolSchema>;
/** Where an answer came from. */
export type AnswerSource = z.infer<typeof answerSourceSchema>;
/** Token counts in report.json. */
export type Usage = z.infer<typeof usageSchema>;
