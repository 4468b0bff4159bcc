import { z } from "zod";

/** Front matter of a persona file. */
export const personaFrontMatterSchema = z.object({
  /** Kebab-case id, used in `--personas` and report.json. */
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be kebab-case, e.g. developer-experience"),
  /** Display name on the report. */
  name: z.string().trim().min(1),
  /** One line on what this reviewer weighs. */
  lens: z.string().trim().min(1),
});

/** A reviewer persona: who reviews, through which lens, in what voice. */
export interface Persona {
  id: string;
  name: string;
  lens: string;
  /** The body of the persona file: voice, what they look for, what makes them skip. */
  brief: string;
  /** The file it was read from. */
  file: string;
}
