import { z } from "zod";
import { inlineToolSchema } from "../inputs/inline-tools.js";

const reason = z.string().trim().min(1, "say why (it is kept in the history)").max(2000);

/** `PATCH /api/runs/:id/reviews/:reviewId`: what changes, why, and the version it was made on. */
export const editBodySchema = z
  .object({
    quote: z.string().trim().min(1, "cannot be empty").max(4000).optional(),
    verdict: z.enum(["ship", "skip"]).optional(),
    confidence: z.number().min(0).max(1).optional(),
    reason,
    /** Left out: edit whatever is current (a script's last-writer-wins); the page always sends it. */
    version: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((body) => body.quote !== undefined || body.verdict !== undefined || body.confidence !== undefined, { message: "change at least one of quote, verdict or confidence" });

/** `POST /api/runs/:id/reviews/:reviewId/undo`. */
export const undoBodySchema = z.object({ reason, version: z.number().int().min(0).optional() }).strict();

/** `POST /api/runs/:id/rerun`: a tool (name or id), a persona, a model; all optional. */
export const rerunBodySchema = z
  .object({
    tool: z.union([z.string().trim().min(1), z.number().int().min(1)]).optional(),
    persona: z.string().trim().min(1).optional(),
    model: z.string().trim().min(1).optional(),
  })
  .strict();

/** `PUT /api/runs/:id/tools/:toolId/label`. */
export const labelBodySchema = z.object({ verdict: z.enum(["ship", "skip"]), note: z.string().max(2000).optional() }).strict();

/** `PUT /api/runs/:id/tools/:toolId/accepted`. */
export const acceptedBodySchema = z.object({ accepted: z.boolean() }).strict();

/** A tool of a new run: inline fields, a whole tool file as text, or a tool already in the store. */
export const newRunToolSchema = z.union([
  inlineToolSchema.strict(),
  z.object({ file: z.string().min(1).max(1_000_000), format: z.enum(["md", "json", "jsonl"]).default("md") }).strict(),
  z.object({ runId: z.string().min(1), toolId: z.number().int().min(1) }).strict(),
]);

/** `POST /api/runs`: a new review or comparison. */
export const newRunBodySchema = z
  .object({
    command: z.enum(["review", "compare"]).default("review"),
    tools: z.array(newRunToolSchema).min(1, "give at least one tool").max(50),
    /** A subset of the server's panel. */
    personas: z.array(z.string().min(1)).min(1).optional(),
    /** A subset of the server's models (--model). */
    models: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict()
  .refine((body) => body.command !== "compare" || body.tools.length >= 2, { message: "a comparison needs at least two tools" });

/** The new-run body. */
export type NewRunBody = z.infer<typeof newRunBodySchema>;

/** `GET /api/runs` paging and search. */
export const runsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  tool: z.string().trim().max(200).optional(),
});

/** `GET /api/runs/:id/export?format=`. */
export const exportQuerySchema = z.object({ format: z.enum(["md", "html", "json"]) });
