/**
 * Characters that change how text reads without being visible: zero-width characters, bidi
 * embeddings and overrides, soft hyphen, BOM, and C0/C1 controls other than tab and newline.
 * Tool text is untrusted, and these are how hidden instructions get smuggled past a reader.
 */
const HIDDEN_CHARACTERS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]/gu;

/** Removes invisible and control characters and normalises line endings. */
export function cleanText(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(HIDDEN_CHARACTERS, "");
}

/** Whether {@link cleanText} would remove anything from `text`. */
export function hasHiddenCharacters(text: string): boolean {
  HIDDEN_CHARACTERS.lastIndex = 0;
  const found = HIDDEN_CHARACTERS.test(text.replace(/\r\n?/g, "\n"));
  HIDDEN_CHARACTERS.lastIndex = 0;
  return found;
}
