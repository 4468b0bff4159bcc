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

/**
 * A fact about a tool from where it lives (its repository, its package, its model page), with
 * where and when it was read: `Licence: MIT`, `Stars: 181,204`, `Latest release: v0.4.2, 2026-04-10`.
 */
export const factSchema = z.object({
  label: z.string().trim().min(1),
  value: z.string().trim().min(1),
  /** The URL the fact was read from (an API document or the page itself). */
  source: z.string().trim().min(1),
  /** ISO 8601 time it was fetched. */
  fetchedAt: z.string().trim().min(1),
});

/** One fact about a tool. */
export type Fact = z.infer<typeof factSchema>;

/** The fields of a tool record as written in a tool file (front matter, JSON or JSON Lines). */
export const toolRecordSchema = z.object({
  name: z.string().trim().min(1, "must not be empty"),
  tagline: z.string().trim().optional(),
  category: z.string().trim().optional(),
  /** Free text: Free, Freemium, Paid, Open source, "$20/mo"… */
  pricing: z.string().trim().optional(),
  url: z.string().trim().optional(),
  community: communityVoteSchema.nullable().optional(),
  /** Facts fetched from where the tool lives (`panelist intake`, or a URL given as input). */
  facts: z.array(factSchema).optional(),
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
  /** Facts read from where the tool lives, each with its source and date; absent when none were fetched. */
  facts?: Fact[];
  /** Where the tool was read from: the file, the record's first line and its description's line. */
  source: { file: string; line?: number; descriptionLine?: number };
}
