import { describe, expect, test } from "vitest";
import { decodeText, firstInvalidUtf8, invalidUtf8Warning } from "../../src/tools/decode-text.js";

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe("firstInvalidUtf8", () => {
  test.each([
    { name: "ASCII", input: utf8("plain"), offset: 5 },
    { name: "two, three and four byte characters", input: utf8("é€😀"), offset: 9 },
    { name: "a Latin-1 é", input: bytes(0x63, 0x61, 0x66, 0xe9), offset: 3 },
    { name: "a lone continuation byte", input: bytes(0x41, 0x80), offset: 1 },
    { name: "an overlong slash (C0 AF)", input: bytes(0xc0, 0xaf), offset: 0 },
    { name: "an overlong three-byte form (E0 80 AF)", input: bytes(0xe0, 0x80, 0xaf), offset: 0 },
    { name: "a UTF-16 surrogate (ED A0 80)", input: bytes(0xed, 0xa0, 0x80), offset: 0 },
    { name: "past U+10FFFF (F4 90 80 80)", input: bytes(0xf4, 0x90, 0x80, 0x80), offset: 0 },
    { name: "a sequence cut at the end", input: bytes(0x41, 0xe2, 0x82), offset: 1 },
  ])("$name", ({ input, offset }) => {
    expect(firstInvalidUtf8(input)).toBe(offset);
    // The platform's strict decoder agrees on where valid text ends.
    const strict = new TextDecoder("utf-8", { fatal: true });
    expect(() => strict.decode(input.subarray(0, offset))).not.toThrow();
    if (offset < input.length) expect(() => strict.decode(input)).toThrow(TypeError);
  });
});

describe("decodeText", () => {
  test("valid UTF-8 is read as UTF-8, its byte order mark dropped", () => {
    expect(decodeText(utf8("\uFEFFcafé"))).toEqual({ text: "café", encoding: "utf-8" });
  });

  test("bytes that are not UTF-8 are read as Windows-1252, with where the first bad byte was", () => {
    const decoded = decodeText(bytes(0x6f, 0x6b, 0x0a, 0x63, 0x61, 0x66, 0xe9, 0x20, 0x93, 0x71, 0x94));
    expect(decoded).toEqual({ text: "ok\ncafé “q”", encoding: "windows-1252", invalidUtf8: { byte: 0xe9, line: 2 } });
    expect(invalidUtf8Warning("café.md", decoded)).toBe("café.md:2: not valid UTF-8 (byte 0xE9), read as Latin-1 (Windows-1252)");
  });

  test("a declared single-byte encoding is honoured without a warning", () => {
    expect(decodeText(bytes(0x63, 0x61, 0x66, 0xe9), "ISO-8859-1")).toEqual({ text: "café", encoding: "windows-1252" });
  });

  test("declared UTF-8 that is not is still caught", () => {
    expect(decodeText(bytes(0xe9), "utf-8").invalidUtf8).toEqual({ byte: 0xe9, line: 1 });
  });

  test("an unknown declared encoding falls back to strict UTF-8", () => {
    expect(decodeText(utf8("é"), "x-klingon")).toEqual({ text: "é", encoding: "utf-8" });
  });

  test("a UTF-16 byte order mark wins over everything", () => {
    expect(decodeText(bytes(0xff, 0xfe, 0x68, 0x00, 0xe9, 0x00), "iso-8859-1")).toEqual({ text: "hé", encoding: "utf-16le" });
    expect(decodeText(bytes(0xfe, 0xff, 0x00, 0x68, 0x00, 0xe9))).toEqual({ text: "hé", encoding: "utf-16be" });
  });

  test("valid text gives no warning", () => {
    expect(invalidUtf8Warning("ok.md", decodeText(utf8("fine")))).toBeUndefined();
  });
});
