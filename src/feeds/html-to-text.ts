import { Parser } from "htmlparser2";

/** Tags that end a line of text. */
const BLOCK_TAGS = new Set(["p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre", "section", "article", "hr"]);
/** Tags whose content is never text a reader sees. */
const HIDDEN_TAGS = new Set(["script", "style", "noscript", "template", "head", "iframe", "object"]);

/**
 * Turns an HTML fragment from a feed into plain text: tags dropped, entities decoded, scripts and
 * styles removed, block elements as line breaks. Uses a real HTML tokenizer, not regexes, so
 * unbalanced or hostile markup cannot smuggle text through.
 */
export function htmlToText(html: string): string {
  let text = "";
  let hiddenDepth = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (HIDDEN_TAGS.has(name)) hiddenDepth += 1;
        else if (BLOCK_TAGS.has(name)) text += "\n";
      },
      ontext(chunk) {
        if (hiddenDepth === 0) text += chunk;
      },
      onclosetag(name) {
        if (HIDDEN_TAGS.has(name)) hiddenDepth = Math.max(0, hiddenDepth - 1);
        else if (BLOCK_TAGS.has(name)) text += "\n";
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  return text
    .replace(/\u00A0/g, " ")
    .replace(/[ \t]+/g, " ")
    .replace(/ *\n */g, "\n")
    .replace(/\n{2,}/g, "\n")
    .trim();
}
