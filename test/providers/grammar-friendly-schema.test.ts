import { describe, expect, test } from "vitest";
import { clampNumbers, grammarFriendlySchema } from "../../src/providers/grammar-friendly-schema.js";
import { verdictJsonSchema, verdictResponseSchema } from "../../src/verdict/verdict-schema.js";

const limits = { defaultMaxLength: 100, maxLengthCap: 400, defaultMaxItems: 4 };

describe("grammarFriendlySchema", () => {
  test.each([
    ["a nullable string becomes the string", { anyOf: [{ type: "string", maxLength: 60 }, { type: "null" }] }, { type: "string", maxLength: 60 }],
    ["null listed first changes nothing", { oneOf: [{ type: "null" }, { type: "integer" }] }, { type: "integer" }],
    ["a type list drops null", { type: ["number", "null"], minimum: 0 }, { type: "number" }],
    ["several non-null branches stay a choice", { anyOf: [{ type: "string" }, { type: "boolean" }, { type: "null" }] }, { oneOf: [{ type: "string", maxLength: 100 }, { type: "boolean" }] }],
    ["a string without a limit gets the cap", { type: "string" }, { type: "string", maxLength: 100 }],
    ["a string keeps its own limits", { type: "string", minLength: 1, maxLength: 300 }, { type: "string", minLength: 1, maxLength: 300 }],
    ["a longer limit is capped", { type: "string", maxLength: 2000 }, { type: "string", maxLength: 400 }],
    ["minLength above maxLength is lowered", { type: "string", minLength: 300 }, { type: "string", minLength: 100, maxLength: 100 }],
    ["pattern and unknown formats are dropped", { type: "string", pattern: "^a", format: "email" }, { type: "string", maxLength: 100 }],
    ["a date format stays", { type: "string", format: "date" }, { type: "string", format: "date" }],
    ["an array without a limit gets the cap, its items too", { type: "array", items: { type: "string" } }, { type: "array", items: { type: "string", maxLength: 100 }, maxItems: 4 }],
    ["an array keeps its own limits", { type: "array", items: { type: "string", maxLength: 300 }, minItems: 1, maxItems: 8 }, { type: "array", items: { type: "string", maxLength: 300 }, minItems: 1, maxItems: 8 }],
    ["an array of anything holds bounded strings", { type: "array" }, { type: "array", items: { type: "string", maxLength: 100 }, maxItems: 4 }],
    ["number ranges are dropped", { type: "number", minimum: 0, maximum: 1, exclusiveMaximum: 2, multipleOf: 0.1 }, { type: "number" }],
    ["enum null is dropped", { type: "string", enum: ["ship", "skip", null] }, { enum: ["ship", "skip"] }],
    ["const stays", { const: "v1" }, { const: "v1" }],
    ["a schema with no type becomes a bounded string", {}, { type: "string", maxLength: 100 }],
    ["descriptions stay", { type: "boolean", description: "why" }, { type: "boolean", description: "why" }],
  ])("%s", (_name, input, expected) => {
    expect(grammarFriendlySchema(input, limits)).toEqual(expected);
  });

  test("objects: every property is kept and nested, required and additionalProperties dropped", () => {
    const input = {
      type: "object",
      properties: { a: { type: "string" }, b: { type: "object", properties: { c: { anyOf: [{ type: "integer", maximum: 3 }, { type: "null" }] } } } },
      required: ["a"],
      additionalProperties: false,
    };
    expect(grammarFriendlySchema(input, limits)).toEqual({
      type: "object",
      properties: { a: { type: "string", maxLength: 100 }, b: { type: "object", properties: { c: { type: "integer" } } } },
    });
  });

  test("local references are inlined; a recursive one is refused", () => {
    const input = { type: "object", properties: { tag: { $ref: "#/$defs/tag" } }, $defs: { tag: { type: "string", maxLength: 9 } } };
    expect(grammarFriendlySchema(input, limits)).toEqual({ type: "object", properties: { tag: { type: "string", maxLength: 9 } } });
    const loop = { $ref: "#/definitions/node", definitions: { node: { type: "object", properties: { next: { $ref: "#/definitions/node" } } } } };
    expect(() => grammarFriendlySchema(loop, limits)).toThrow(/recursive/);
  });

  test("the verdict schema: pricingRead becomes a string, every string and array bounded", () => {
    const schema = grammarFriendlySchema(verdictJsonSchema());
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    expect(Object.keys(properties)).toEqual(["verdict", "confidence", "quote", "rationale", "strengths", "risks", "pricingRead"]);
    expect(properties.verdict).toMatchObject({ enum: ["ship", "skip"] });
    expect(properties.confidence).toMatchObject({ type: "number" });
    expect(properties.confidence).not.toHaveProperty("maximum");
    expect(properties.quote).toMatchObject({ type: "string", minLength: 1, maxLength: 600 });
    expect(properties.rationale).toMatchObject({ type: "string", minLength: 1, maxLength: 1000 });
    expect(properties.strengths).toMatchObject({ maxItems: 8, items: { type: "string", maxLength: 300 } });
    expect(properties.pricingRead).toMatchObject({ type: "string", maxLength: 600 });
    expect(JSON.stringify(schema)).not.toMatch(/anyOf|"null"|required|minimum|maximum/);
  });
});

describe("clampNumbers", () => {
  const schema = verdictJsonSchema();
  const answer = (confidence: number) => ({ verdict: "ship", confidence, quote: "q", rationale: "r", strengths: [], risks: [], pricingRead: null });

  test.each([
    ["Infinity (87E871) goes to the maximum", Number("87E871"), 1],
    ["-Infinity goes to the minimum", -Infinity, 0],
    ["above the range", 1.5, 1],
    ["below the range", -0.2, 0],
    ["inside the range is unchanged", 0.73, 0.73],
  ])("%s", (_name, confidence, expected) => {
    const clamped = clampNumbers(answer(confidence), schema) as { confidence: number };
    expect(clamped.confidence).toBe(expected);
    expect(verdictResponseSchema.safeParse(clamped).success).toBe(true);
  });

  test("integers are rounded, nested and nullable numbers are found, others untouched", () => {
    const nested = {
      type: "object",
      properties: {
        count: { type: "integer", minimum: 1, maximum: 10 },
        scores: { type: "array", items: { type: "number", maximum: 5 } },
        maybe: { anyOf: [{ type: "number", minimum: 0 }, { type: "null" }] },
        free: { type: "number" },
      },
    };
    expect(clampNumbers({ count: 3.6, scores: [9, 2, Infinity], maybe: -4, free: Infinity, extra: 99 }, nested)).toEqual({
      count: 4,
      scores: [5, 2, 5],
      maybe: 0,
      free: Number.MAX_VALUE,
      extra: 99,
    });
    expect(clampNumbers({ maybe: null, count: "three" }, nested)).toEqual({ maybe: null, count: "three" });
  });

  test("a clamped Infinity survives JSON.stringify as a number, not null", () => {
    const text = JSON.stringify(clampNumbers(JSON.parse('{"verdict":"skip","confidence":87E871,"quote":"q","rationale":"r","strengths":[],"risks":[],"pricingRead":"x"}'), schema));
    expect(JSON.parse(text).confidence).toBe(1);
  });
});
