/** The text of an input file, and how its bytes were read. */
export interface DecodedText {
  text: string;
  /** The WHATWG label of the encoding used, e.g. `utf-8`, `windows-1252`, `utf-16le`. */
  encoding: string;
  /**
   * Set when the bytes were meant to be UTF-8 and are not: where the first bad byte sits. The text
   * was then read as Windows-1252, see {@link decodeText}.
   */
  invalidUtf8?: { byte: number; line: number };
}

/**
 * Reads bytes as text. A UTF-16 byte order mark wins; then a `declared` encoding (an XML declaration, an
 * HTTP charset) other than UTF-8, when the platform knows it; else UTF-8, checked strictly. Bytes
 * that are not UTF-8 are read as Windows-1252 rather than turned into U+FFFD: a file that is not
 * UTF-8 is almost always Latin-1 or its Windows superset, where every byte is a character, so `café`
 * saved by an old editor stays `café`.
 */
export function decodeText(bytes: Uint8Array, declared?: string): DecodedText {
  const bom = utf16ByteOrderMark(bytes);
  if (bom) return { text: new TextDecoder(bom).decode(bytes), encoding: bom };
  const utf8Bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const label = utf8Bom ? undefined : declared?.trim().toLowerCase();
  // A declaration that could be read as ASCII is not in UTF-16, whatever it says.
  if (label && !/^(utf-?8|unicode-1-1-utf-8|utf-?16(le|be)?)$/.test(label)) {
    try {
      const decoder = new TextDecoder(label);
      if (decoder.encoding === "windows-1252") return { text: decodeWindows1252(bytes), encoding: "windows-1252" };
      return { text: decoder.decode(bytes), encoding: decoder.encoding };
    } catch {
      // An encoding the platform does not know: read it as undeclared.
    }
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8" };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const line = bytes.subarray(0, offset).reduce((count, byte) => (byte === 0x0a ? count + 1 : count), 1);
    return { text: decodeWindows1252(bytes), encoding: "windows-1252", invalidUtf8: { byte: bytes[offset] ?? 0, line } };
  }
}

/** Windows-1252 characters of bytes 0x80–0x9F; the five bytes it leaves undefined stay as they are, as in the WHATWG table. */
const WINDOWS_1252_HIGH = "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

/**
 * Windows-1252, by table: Node's own decoder for this label reads 0x80–0x9F as C1 controls
 * (ISO-8859-1), which would turn a Latin-1 file's curly quotes into invisible characters.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  let text = "";
  for (let start = 0; start < bytes.length; start += 8192) {
    const chunk = bytes.subarray(start, start + 8192);
    text += String.fromCharCode(...Array.from(chunk, (byte) => (byte >= 0x80 && byte <= 0x9f ? WINDOWS_1252_HIGH.charCodeAt(byte - 0x80) : byte)));
  }
  return text;
}

/** The warning for a file whose bytes are not UTF-8: `file:line: not valid UTF-8 (byte 0xE9), read as Latin-1 (Windows-1252)`. */
export function invalidUtf8Warning(file: string, decoded: DecodedText): string | undefined {
  if (!decoded.invalidUtf8) return undefined;
  const { byte, line } = decoded.invalidUtf8;
  return `${file}:${line}: not valid UTF-8 (byte 0x${byte.toString(16).toUpperCase().padStart(2, "0")}), read as Latin-1 (Windows-1252)`;
}

function utf16ByteOrderMark(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  return undefined;
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (RFC 3629), or the length. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index]!;
    if (lead < 0x80) {
      index += 1;
      continue;
    }
    // The second byte's range excludes overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    const [length, low, high] =
      lead >= 0xc2 && lead <= 0xdf ? [2, 0x80, 0xbf]
      : lead === 0xe0 ? [3, 0xa0, 0xbf]
      : lead === 0xed ? [3, 0x80, 0x9f]
      : lead >= 0xe1 && lead <= 0xef ? [3, 0x80, 0xbf]
      : lead === 0xf0 ? [4, 0x90, 0xbf]
      : lead === 0xf4 ? [4, 0x80, 0x8f]
      : lead >= 0xf1 && lead <= 0xf3 ? [4, 0x80, 0xbf]
      : [0, 0, 0];
    if (length === 0) return index;
    const second = bytes[index + 1];
    if (second === undefined || second < low || second > high) return index;
    for (let next = index + 2; next < index + length; next += 1) {
      const byte = bytes[next];
      if (byte === undefined || byte < 0x80 || byte > 0xbf) return index;
    }
    index += length;
  }
  return bytes.length;
}
