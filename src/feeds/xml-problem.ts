/** A problem in an XML feed, in Panelist's words, with its 1-based line. */
export interface XmlProblem {
  line: number | undefined;
  message: string;
}

/** What fast-xml-parser's validator reports: a code, its own message, and a position. */
export interface XmlValidatorError {
  code: string;
  msg: string;
  line: number;
}

/** Where a document's top element starts, found without parsing the document. */
export interface RootElement {
  /** The element's name as written, e.g. `rss`, `feed`, `html`; undefined when the text does not start with an element. */
  name: string | undefined;
  line: number;
}

/**
 * Finds the first element of an XML or HTML text, skipping the XML declaration, processing
 * instructions, comments and a DOCTYPE. Lets a web page given as a feed be named as such before
 * the XML validator trips over its `<br>` tags.
 */
export function findRootElement(text: string): RootElement {
  let index = 0;
  for (;;) {
    while (index < text.length && /\s/.test(text[index]!)) index += 1;
    const rest = text.slice(index, index + 4);
    const skipTo = rest.startsWith("<?") ? "?>" : rest.startsWith("<!--") ? "-->" : rest.startsWith("<!") ? ">" : undefined;
    if (skipTo === undefined) break;
    const end = text.indexOf(skipTo, index + 2);
    if (end === -1) return { name: undefined, line: lineAt(text, index) };
    index = end + skipTo.length;
  }
  const name = /^<([A-Za-z_][\w:.-]*)/.exec(text.slice(index, index + 200))?.[1];
  return { name, line: lineAt(text, index) };
}

/**
 * Translates a validator error into plain words: its messages quote tag stacks as JSON arrays and
 * name positions as `line:col` pairs, and a truncated file is reported at line 1.
 */
export function describeXmlProblem(text: string, error: XmlValidatorError): XmlProblem {
  const { msg } = error;
  const at = (message: string): XmlProblem => ({ line: error.line, message: `broken XML: ${message}` });
  const endLine = lineAt(text, text.trimEnd().length);
  const unclosed = /^Unclosed tag '([^']+)'/.exec(msg)?.[1] ?? innermostOf(msg);
  if (unclosed !== undefined) return { line: endLine, message: `broken XML: the document ends inside <${unclosed}> (is the file cut short?)` };
  const mismatch = /^Expected closing tag '([^']+)' \(opened in line (\d+)[^)]*\) instead of closing tag '([^']+)'/.exec(msg);
  if (mismatch) return at(`</${mismatch[3]}> where </${mismatch[1]}> was expected (<${mismatch[1]}> opened on line ${mismatch[2]})`);
  const stray = /^Closing tag '([^']+)' has not been opened/.exec(msg)?.[1];
  if (stray !== undefined) return at(`</${stray}> closes an element that was never opened`);
  if (/^char '&' is not expected/.test(msg)) return at("a bare '&' (write it as &amp;)");
  const character = /^char '(.)' is not expected/.exec(msg)?.[1];
  if (character !== undefined) return at(`text outside any element ('${character}')`);
  if (/^Multiple possible root nodes/.test(msg)) return at("more than one top-level element");
  if (/^Extra text at the end/.test(msg)) return at("text after the end of the document");
  const attribute = /Attribute '([^']+)'|boolean attribute '([^']+)'/.exec(msg);
  if (attribute) return at(`malformed attribute '${attribute[1] ?? attribute[2]}'`);
  if (/^Attributes for '([^']+)' have open quote/.test(msg)) return at("an attribute's quote is not closed");
  if (/^XML declaration allowed only at the start/.test(msg)) return at("the <?xml ?> declaration is not at the start");
  if (error.code === "InvalidTag") return at("a malformed tag");
  if (error.code === "InvalidAttr") return at("a malformed attribute");
  return at("not well-formed");
}

/**
 * Translates an error the XML parser throws after validation passed (nesting limit, names it
 * refuses to turn into object keys).
 */
export function describeXmlParserFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RangeError || /nested/i.test(message)) return "elements nested too deeply";
  const name = /Invalid name: "([^"]+)"/.exec(message)?.[1];
  if (name !== undefined) return `an element or attribute named "${name}" is not allowed`;
  return "broken XML: the document cannot be read";
}

/** The validator reports several unclosed tags as `Invalid '["rss","channel"]' found.`: the last is the innermost. */
function innermostOf(message: string): string | undefined {
  const list = /^Invalid '(\[.*\])' found/.exec(message)?.[1];
  if (list === undefined) return undefined;
  try {
    const names = JSON.parse(list) as unknown;
    return Array.isArray(names) && typeof names.at(-1) === "string" ? (names.at(-1) as string) : undefined;
  } catch {
    return undefined;
  }
}

/** 1-based line of `offset` in `text`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < Math.min(offset, text.length); index += 1) if (text.charCodeAt(index) === 10) line += 1;
  return line;
}
