import { describe, expect, test } from "vitest";
import { cutDescription, stripFrontMatter } from "../../src/sources/source-text.js";

describe("cutDescription and stripFrontMatter", () => {
  test("hidden characters go; the cut falls at a word break near the limit and never splits a surrogate pair", () => {
    expect(cutDescription("  a\u200Bb\r\nc  ", 100)).toBe("ab\nc");
    expect(cutDescription("one two three four five six", 20)).toBe("one two three four");
    expect(cutDescription("abcdefghi😀", 10)).toBe("abcdefghi");
  });

  test("front matter is removed, a rule further down is kept", () => {
    expect(stripFrontMatter("---\nlicense: mit\n---\n# Card\n\n---\nmore")).toBe("# Card\n\n---\nmore");
    expect(stripFrontMatter("# Card\n---\nx\n---\n")).toBe("# Card\n---\nx\n---\n");
  });
});
