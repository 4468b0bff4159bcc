import { z } from "zod";

/**
 * The verdict contract: what one persona says about one tool.
 *
 * This is the shape every provider's answer is parsed into and the shape stored in report.json.
 */
export const verdictSchema = z.object({
  /** `ship` when the reviewer would adopt the tool, `skip` when not. */
  verdict: z.enum(["ship", "skip"]).describe('"ship" if you would adopt this tool now, "skip" if not'),
  /** How sure the reviewer is, from 0 (a coin flip) to 1 (certain). */
  confidence: z.number().min(0).max(1).describe("How sure you are, from 0 to 1"),
  /** The pull quote: one to three sentences in the persona's own voice. */
  quote: z
    .string()
    .min(1)
    .max(600)
    .describe("The pull quote: 1-3 sentences in your own voice, quotable on a review page"),
  /** Why the reviewer decided as they did, in a short paragraph. */
  rationale: z.string().min(1).max(2000).describe("Why you decided this, in a short paragraph"),
  /** What the reviewer found good. */
  strengths: z.array(z.string().max(300)).max(8).describe("What is good about the tool"),
  /** What worries the reviewer. */
  risks: z.array(z.string().max(300)).max(8).describe("What worries you about the tool"),
  /** The reviewer's read on the pricing, when they have one. */
  pricingRead: z.string().max(600).optional().describe("Your read on the pricing, if you have one"),
});

/** One persona's verdict on one tool. */
export type Verdict = z.infer<typeof verdictSchema>;

/** The two possible verdicts. */
export type VerdictValue = Verdict["verdict"];

/**
 * The shape asked of a model. Strict structured-output modes (OpenAI `json_schema` with
 * `strict: true`) require every property to be listed as required, so the optional
 * `pricingRead` is sent as a required, nullable field and mapped back by {@link toVerdict}.
 */
export const verdictResponseSchema = verdictSchema.extend({
  pricingRead: z.string().max(600).nullable().describe("Your read on the pricing, or null"),
});

/** A verdict as a model returns it (see {@link verdictResponseSchema}). */
export type VerdictResponse = z.infer<typeof verdictResponseSchema>;

/** A JSON Schema object, as sent to providers. */
export type JsonSchema = Record<string, unknown>;

/** Name under which the schema is sent (OpenAI `json_schema.name`, Anthropic tool name). */
export const VERDICT_SCHEMA_NAME = "submit_verdict";

/**
 * The JSON Schema sent to providers, derived from {@link verdictResponseSchema}.
 * `$schema` is dropped because some OpenAI-compatible servers reject unknown top-level keys.
 */
export function verdictJsonSchema(): JsonSchema {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(verdictResponseSchema, { target: "draft-7" }) as JsonSchema;
  return schema;
}

/** Maps a model's answer to the stored verdict (a null pricing read becomes absent). */
export function toVerdict(response: VerdictResponse): Verdict {
  const { pricingRead, ...rest } = response;
  return pricingRead == null || pricingRead.trim() === "" ? rest : { ...rest, pricingRead };
}
