import { z } from "zod";

/** Community votes on a tool, as a review site shows them. */
export const communityVoteSchema = z.object({
  /** People who said ship. */
  ship: z.number().int().min(0),
  /** People who said skip. */
  skip: z.number().int().min(0),
});

/** Community votes on a tool. */
export type CommunityVote = z.infer<typeof communityVoteSchema>;

/** The fields of a tool record as written in a tool file (front matter, JSON or JSON Lines). */
export const toolRecordSchema = z.object({
  name: z.string().trim().min(1, "must not be empty"),
  tagline: z.string().trim().optional(),
  category: z.string().trim().optional(),
  /** Free text: Free, Freemium, Paid, Open source, "$20/mo"… */
  pricing: z.string().trim().optional(),
  url: z.string().trim().optional(),
  community: communityVoteSchema.nullable().optional(),
  description: z.string().trim().min(1, "is empty: describe the tool"),
});

/** The keys a tool record may have. */
export const TOOL_KEYS: readonly string[] = Object.keys(toolRecordSchema.shape);

/** A software tool to put before the panel. All text in it is untrusted. */
export interface Tool {
  /** Display name; required. */
  name: string;
  /** One-line pitch. */
  tagline?: string;
  /** Category as the source gives it, e.g. "AI Coding Agents". */
  category?: string;
  /** Entry price as free text. */
  pricing?: string;
  /** Home page or listing URL. */
  url?: string;
  /** Community votes, `null` when there are none. */
  community: CommunityVote | null;
  /** The description (the body of a Markdown tool file). */
  description: string;
  /** Where the tool was read from: the file, the record's first line and its description's line. */
  source: { file: string; line?: number; descriptionLine?: number };
}
