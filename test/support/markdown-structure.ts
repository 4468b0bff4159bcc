import MarkdownIt from "markdown-it";

/** A CommonMark + GFM-tables parser with raw HTML on, so any HTML that got through shows as a token. */
const parser = new MarkdownIt({ html: true });

/** A parsed Markdown page: its shape and the text a reader sees. */
export interface MarkdownStructure {
  /** Every token as type/tag, inline tokens followed by their children's types: what makes structure. */
  shape: string[];
  /** The visible text of each inline run (headings, paragraphs, cells, list items), soft breaks as "\n". */
  texts: string[];
  /** Token types that are raw HTML. */
  html: string[];
  /** Every link target. */
  hrefs: string[];
}

/** Parses Markdown with markdown-it and reduces it to what a structure test compares. */
export function markdownStructure(markdown: string): MarkdownStructure {
  const tokens = parser.parse(markdown, {});
  const shape: string[] = [];
  const texts: string[] = [];
  const html: string[] = [];
  const hrefs: string[] = [];
  for (const token of tokens) {
    shape.push(`${token.type}:${token.tag}`);
    if (token.type.startsWith("html")) html.push(token.type);
    if (token.type !== "inline") continue;
    let text = "";
    for (const child of token.children ?? []) {
      shape.push(`  ${child.type}:${child.tag}`);
      if (child.type.startsWith("html")) html.push(child.type);
      if (child.type === "text" || child.type === "code_inline") text += child.content;
      if (child.type === "softbreak" || child.type === "hardbreak") text += "\n";
      const href = child.attrGet("href") ?? child.attrGet("src");
      if (href !== null) hrefs.push(String(href));
    }
    texts.push(text);
  }
  return { shape, texts, html, hrefs };
}

/** Markdown that would make structure if it were written as it is. */
export const HOSTILE_MARKDOWN: readonly string[] = [
  "1. numbered",
  "1) numbered",
  "12. twelve\n13. thirteen",
  "# heading",
  "## heading ##",
  "C# and F# ##",
  "> quote",
  "- bullet",
  "+ bullet",
  "* bullet",
  "---",
  "===",
  "***",
  "___",
  "- - -",
  "A description line\n---",
  "A description line\n===",
  "`code` and ``more``",
  "```js\nfenced();\n```",
  "~~~\nfenced\n~~~",
  "~~strike~~",
  "| a | b |\n| --- | --- |\n| c | d |",
  "a | b",
  "<b>html</b> inline",
  "<div>block html</div>",
  "<!-- comment -->",
  "<script>alert(1)</script>",
  "<https://autolink.example>",
  "[link](https://evil.example)",
  "![image](https://evil.example/x.png)",
  "[ref]: https://evil.example",
  "[^1] footnote",
  "    indented code",
  "\tindented with a tab",
  "text\n    indented continuation",
  "*emph* _emph_ **strong** __strong__",
  "snake_case_name and 2*3*4",
  "&copy; &#169; &#x41; &amp; AT&T",
  "two trailing spaces  \nnext line",
  "trailing backslash\\\nnext line",
  "back\\slash and \\*already escaped\\*",
  "$x^2$ costs $5",
  "first paragraph\n\n\n\n1. after blank lines",
  "<img src=x onerror=alert(1)>",
];
