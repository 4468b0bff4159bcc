/**
 * How untrusted tool text is set apart in prompts (after "spotlighting", Hines et al. 2024):
 * - `datamark`: delimiters, and every run of spaces inside the tool's text replaced by a marker
 *   character, so text that came from the tool looks different from instructions all the way through;
 * - `delimit`: delimiters and a warning only;
 * - `off`: the tool's text as it is (for measuring what spotlighting buys).
 */
export type SpotlightMode = "datamark" | "delimit" | "off";

/** The marker interleaved by `datamark`: a character ordinary text rarely contains. */
export const DATAMARK = "\u02C6";

/** Interleaves the marker between the words of untrusted text; a marker already in the text is dropped. */
export function datamark(text: string): string {
  return text.replaceAll(DATAMARK, "").replace(/[ \t]+/g, DATAMARK);
}
