import { describe, expect, test } from "vitest";
import { toolIdentity } from "../../src/tools/tool-identity.js";
import type { Tool } from "../../src/tools/tool.js";

const tool = (url: string | undefined, name = "Claw Code"): Tool => ({ name, description: "d", community: null, source: { file: "tools.jsonl" }, ...(url === undefined ? {} : { url }) });
const CLAW = "url:https://github.com/example/claw-code";

describe("toolIdentity: one tool, however it is linked", () => {
  test.each([
    { url: "https://github.com/example/claw-code", expected: CLAW },
    { url: "https://github.com/example/claw-code/", expected: CLAW },
    { url: "https://github.com/example/claw-code#readme", expected: CLAW },
    { url: "https://GitHub.com/Example/Claw-Code", expected: CLAW },
    { url: "https://github.com/example/claw-code?utm_source=producthunt", expected: CLAW },
    { url: "https://github.com/example/claw-code?utm_source=ph&utm_medium=feed&utm_campaign=launch&utm_content=x&utm_term=y", expected: CLAW },
    { url: "https://github.com/example/claw-code?UTM_Source=ph", expected: CLAW },
    { url: "https://github.com/example/claw-code?ref=producthunt", expected: CLAW },
    { url: "https://github.com/example/claw-code?source=hn", expected: CLAW },
    { url: "https://github.com/example/claw-code/?ref=hn&utm_source=x#top", expected: CLAW },
  ])("$url", ({ url, expected }) => {
    expect(toolIdentity(tool(url))).toBe(expected);
  });

  test.each([
    // Parameters that name a different page are kept; only tracking is dropped around them.
    { url: "https://example.com/app?id=42&utm_source=ph", expected: "url:https://example.com/app?id=42" },
    { url: "https://example.com/app?id=42&ref=hn", expected: "url:https://example.com/app?id=42" },
    { url: "https://example.com/app?id=42", expected: "url:https://example.com/app?id=42" },
    // Only the exact names ref and source: a parameter that merely starts with them is the page's own.
    { url: "https://example.com/app?reference=a&sources=b", expected: "url:https://example.com/app?reference=a&sources=b" },
    { url: "https://example.com/app?utm=1", expected: "url:https://example.com/app?utm=1" },
  ])("keeps what is not tracking: $url", ({ url, expected }) => {
    expect(toolIdentity(tool(url))).toBe(expected);
  });

  test("tracked and untracked links to one tool are one identity; two tools stay two", () => {
    expect(toolIdentity(tool("https://claw.dev/?utm_source=a&ref=b&source=c"))).toBe(toolIdentity(tool("https://claw.dev")));
    expect(toolIdentity(tool("https://claw.dev/?id=1"))).not.toBe(toolIdentity(tool("https://claw.dev/?id=2")));
  });

  test.each([
    { url: undefined, name: "Claw Code", expected: "name:claw code" },
    { url: "not a url", name: "Claw  Code!", expected: "name:claw code" },
    { url: "ftp://example.com/claw", name: "Café Tool", expected: "name:cafe tool" },
  ])("without an http(s) URL, the folded name: $name", ({ url, name, expected }) => {
    expect(toolIdentity(tool(url, name))).toBe(expected);
  });
});
