import { describe, expect, test } from "vitest";
import { findSource, isSourceSpec, SOURCES } from "../../src/sources/sources.js";

describe("SOURCES, findSource and isSourceSpec", () => {
  test("the sources, in order", () => {
    expect(SOURCES.map((source) => source.id)).toEqual(["github", "npm", "pypi", "huggingface", "page"]);
  });

  test.each([
    ["https://github.com/sindresorhus/ky", "github"],
    ["github:sindresorhus/ky", "github"],
    ["npm:@sindresorhus/is", "npm"],
    ["https://www.npmjs.com/package/ky", "npm"],
    ["pypi:requests", "pypi"],
    ["https://pypi.org/project/requests/", "pypi"],
    ["hf:Qwen/Qwen2.5-7B-Instruct", "huggingface"],
    ["https://huggingface.co/spaces/black-forest-labs/FLUX.1-dev", "huggingface"],
    ["https://example.com/tool", "page"],
    ["tools/acme.md", undefined],
  ])("%s is read by %s", (spec, id) => {
    expect(findSource(spec)?.id).toBe(id);
  });

  test.each([
    ["npm:ky", true],
    ["PyPI:requests", true],
    ["hf:gpt2", true],
    ["github:a/b", true],
    ["https://github.com/sindresorhus", true],
    ["http://www.npmjs.com/", true],
    ["https://huggingface.co/datasets/x/y", true],
    ["https://example.com/", false],
    ["https://github.com.evil.example/a/b", false],
    ["tools/acme.md", false],
    ["C:\\tools\\acme.md", false],
  ])("isSourceSpec(%s) is %s", (spec, expected) => {
    expect(isSourceSpec(spec)).toBe(expected);
  });
});
