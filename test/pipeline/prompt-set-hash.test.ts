import { describe, expect, test } from "vitest";
import { promptSetHash } from "../../src/pipeline/run-parts.js";

describe("promptSetHash", () => {
  test("is the hash stored runs carry (--since-last compares it), whatever order the templates come in", () => {
    const hashes = { system: "1111", dossier: "2222", review: "3333", repair: "4444", summary: "5555" };
    // The value the locale-ordered implementation gave, before the order became code-unit order.
    expect(promptSetHash(hashes, "on")).toBe("abfa4e6b2cfc7ceb");
    const reversed = Object.fromEntries(Object.entries(hashes).reverse());
    expect(promptSetHash(reversed, "on")).toBe("abfa4e6b2cfc7ceb");
    expect(promptSetHash(hashes, "off")).not.toBe("abfa4e6b2cfc7ceb");
    expect(promptSetHash({ ...hashes, review: "3334" }, "on")).not.toBe("abfa4e6b2cfc7ceb");
  });
});
