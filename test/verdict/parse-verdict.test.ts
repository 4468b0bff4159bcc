import { describe, expect, test } from "vitest";
import { parseVerdict } from "../../src/verdict/parse-verdict.js";

const CLEAN = '{"verdict":"ship","confidence":0.8,"quote":"Installs in one line.","rationale":"Fast start.","strengths":["fast"],"risks":["young"],"pricingRead":null}';
const SKIP = '{"verdict":"skip","confidence":0.7,"quote":"Legal fog.","rationale":"Unclear origin.","strengths":[],"risks":["licence"],"pricingRead":"Free, for now."}';

interface Case {
  name: string;
  text: string;
  verdict: "ship" | "skip";
  confidence: number;
  quote?: string;
  repair?: string;
}

const cases: Case[] = [
  { name: "clean JSON", text: CLEAN, verdict: "ship", confidence: 0.8, quote: "Installs in one line." },
  { name: "clean skip with pricing read", text: SKIP, verdict: "skip", confidence: 0.7, quote: "Legal fog." },
  { name: "```json fence", text: "```json\n" + CLEAN + "\n```", verdict: "ship", confidence: 0.8, repair: "code fence" },
  { name: "bare ``` fence", text: "```\n" + SKIP + "\n```", verdict: "skip", confidence: 0.7, repair: "code fence" },
  { name: "preamble", text: "Here is the JSON output:\n" + CLEAN, verdict: "ship", confidence: 0.8, repair: "surrounding text" },
  { name: "preamble and fence", text: "Sure! Here's my review.\n\n```json\n" + SKIP + "\n```\nLet me know if you need more.", verdict: "skip", confidence: 0.7, repair: "code fence" },
  { name: "think block with braces inside", text: "<think>The user wants {json}. Let me think about {verdict: ship}...</think>\n" + SKIP, verdict: "skip", confidence: 0.7, repair: "think block" },
  { name: "unclosed think at the start", text: "<think>\nHmm, weighing it up.\n" + CLEAN, verdict: "ship", confidence: 0.8, repair: "think block" },
  { name: "trailing prose", text: CLEAN + "\n\nI hope this helps! The tool seems {promising}.", verdict: "ship", confidence: 0.8, repair: "surrounding text" },
  { name: "two objects back to back: first valid wins", text: SKIP + CLEAN, verdict: "skip", confidence: 0.7, quote: "Legal fog." },
  { name: "first object invalid, second valid", text: '{"verdict": "maybe"}\n' + CLEAN, verdict: "ship", confidence: 0.8 },
  { name: "double-encoded JSON string", text: JSON.stringify(CLEAN), verdict: "ship", confidence: 0.8, repair: "double-encoded JSON" },
  { name: "invalid escapes \\_ and \\'", text: '{"verdict":"ship","confidence":0.6,"quote":"It\\\'s the best snake\\_case tool.","rationale":"r","strengths":[],"risks":[]}', verdict: "ship", confidence: 0.6, quote: "It's the best snake_case tool.", repair: "invalid escape" },
  { name: "trailing commas", text: '{"verdict":"skip","confidence":0.5,"quote":"q","rationale":"r","strengths":["a",],"risks":[],}', verdict: "skip", confidence: 0.5, repair: "trailing comma" },
  { name: "single-quoted keys and values", text: "{'verdict': 'ship', 'confidence': 0.9, 'quote': 'Ship it \"now\".', 'rationale': 'r', 'strengths': ['x'], 'risks': []}", verdict: "ship", confidence: 0.9, quote: 'Ship it "now".', repair: "single quotes" },
  { name: "unquoted keys", text: "{verdict: \"skip\", confidence: 0.4, quote: \"Not yet.\", rationale: \"r\", strengths: [], risks: []}", verdict: "skip", confidence: 0.4, repair: "unquoted name" },
  { name: "smart quotes", text: "{“verdict”: “ship”, “confidence”: 0.75, “quote”: “Tidy.”, “rationale”: “r”, “strengths”: [], “risks”: []}", verdict: "ship", confidence: 0.75, quote: "Tidy.", repair: "smart quotes" },
  { name: "BOM before the JSON", text: "\uFEFF" + CLEAN, verdict: "ship", confidence: 0.8 },
  { name: "comments in JSON", text: '{\n  // my verdict\n  "verdict": "ship", /* sure */ "confidence": 0.8, "quote": "q", "rationale": "r", "strengths": [], "risks": []\n}', verdict: "ship", confidence: 0.8, repair: "comment" },
  { name: "raw newline inside a string", text: '{"verdict":"ship","confidence":0.8,"quote":"Line one.\nLine two.","rationale":"r","strengths":[],"risks":[]}', verdict: "ship", confidence: 0.8, quote: "Line one.\nLine two.", repair: "raw newline in string" },
  { name: "Python literals", text: "{'verdict': 'skip', 'confidence': 0.3, 'quote': 'q', 'rationale': 'r', 'strengths': [], 'risks': [], 'pricingRead': None}", verdict: "skip", confidence: 0.3, repair: "Python literal" },
  { name: '"Ship" capitalised', text: CLEAN.replace('"ship"', '"Ship"'), verdict: "ship", confidence: 0.8, repair: "verdict wording" },
  { name: '"SHIP it"', text: CLEAN.replace('"ship"', '"SHIP it"'), verdict: "ship", confidence: 0.8, repair: "verdict wording" },
  { name: '"ship." with a full stop', text: CLEAN.replace('"ship"', '"ship."'), verdict: "ship", confidence: 0.8, repair: "verdict wording" },
  { name: '"Skip"', text: SKIP.replace('"skip"', '"Skip"'), verdict: "skip", confidence: 0.7, repair: "verdict wording" },
  { name: '"don\'t ship"', text: CLEAN.replace('"ship"', '"don\'t ship"'), verdict: "skip", confidence: 0.8, repair: "verdict wording" },
  { name: '"Do not ship it"', text: CLEAN.replace('"ship"', '"Do not ship it"'), verdict: "skip", confidence: 0.8, repair: "verdict wording" },
  { name: "confidence 80 means 0.8", text: CLEAN.replace("0.8", "80"), verdict: "ship", confidence: 0.8, repair: "confidence as percentage" },
  { name: 'confidence "80%"', text: CLEAN.replace("0.8", '"80%"'), verdict: "ship", confidence: 0.8, repair: "confidence as text" },
  { name: 'confidence "0.65"', text: CLEAN.replace("0.8", '"0.65"'), verdict: "ship", confidence: 0.65, repair: "confidence as text" },
  { name: "confidence 1 stays 1", text: CLEAN.replace("0.8", "1"), verdict: "ship", confidence: 1 },
  { name: "quote as an array of strings", text: CLEAN.replace('"Installs in one line."', '["Installs in one line.", "Ship it."]'), verdict: "ship", confidence: 0.8, quote: "Installs in one line. Ship it.", repair: "text as array" },
  { name: "strengths as a single string", text: CLEAN.replace('["fast"]', '"fast"'), verdict: "ship", confidence: 0.8, repair: "list as string" },
  { name: "risks null", text: CLEAN.replace('["young"]', "null"), verdict: "ship", confidence: 0.8 },
  { name: "snake_case and capitalised keys", text: '{"Verdict":"skip","Confidence":0.55,"Quote":"q","Rationale":"r","Strengths":[],"Risks":[],"pricing_read":"Pricey."}', verdict: "skip", confidence: 0.55, repair: "key names" },
  { name: "alias keys: pull_quote, reasoning, pros, cons", text: '{"verdict":"ship","confidence":0.7,"pull_quote":"Neat.","reasoning":"r","pros":["a"],"cons":["b"]}', verdict: "ship", confidence: 0.7, quote: "Neat.", repair: "key names" },
  { name: "wrapper object", text: '{"review": ' + SKIP + "}", verdict: "skip", confidence: 0.7, repair: "wrapper object" },
  { name: "wrapper under the key verdict", text: '{"verdict": ' + CLEAN + "}", verdict: "ship", confidence: 0.8, repair: "wrapper object" },
  { name: "array of one verdict", text: "[" + CLEAN + "]", verdict: "ship", confidence: 0.8 },
  { name: "extra keys are dropped", text: CLEAN.replace("{", '{"tool":"Claw Code","score":9,'), verdict: "ship", confidence: 0.8 },
  { name: "missing strengths and risks", text: '{"verdict":"ship","confidence":0.8,"quote":"q","rationale":"r"}', verdict: "ship", confidence: 0.8 },
  { name: "braces inside strings do not confuse the scanner", text: 'Result: {"verdict":"ship","confidence":0.8,"quote":"Use {curly} braces}","rationale":"r","strengths":[],"risks":[]} done', verdict: "ship", confidence: 0.8, quote: "Use {curly} braces}" },
];

describe("parseVerdict: messy real-world output", () => {
  test.each(cases)("$name", ({ text, verdict, confidence, quote, repair }) => {
    const result = parseVerdict(text);
    if (!result.ok) throw new Error(`expected a verdict, got: ${result.reason}`);
    expect(result.verdict.verdict).toBe(verdict);
    expect(result.verdict.confidence).toBeCloseTo(confidence, 10);
    if (quote !== undefined) expect(result.verdict.quote).toBe(quote);
    if (repair !== undefined) expect(result.repairs).toContain(repair);
    expect(Array.isArray(result.verdict.strengths) && Array.isArray(result.verdict.risks)).toBe(true);
  });

  test("clean JSON needs no repairs, and a null pricing read is absent", () => {
    const result = parseVerdict(CLEAN);
    expect(result).toEqual({ ok: true, repairs: [], verdict: { verdict: "ship", confidence: 0.8, quote: "Installs in one line.", rationale: "Fast start.", strengths: ["fast"], risks: ["young"] } });
  });

  test("a pricing read is kept", () => {
    const result = parseVerdict(SKIP);
    expect(result.ok && result.verdict.pricingRead).toBe("Free, for now.");
  });
});

describe("parseVerdict: answers it refuses, with a reason", () => {
  test.each([
    { name: "no JSON at all", text: "I think this tool is great and you should ship it.", reason: /no JSON object found/ },
    { name: "empty text", text: "   ", reason: /empty answer/ },
    { name: "verdict maybe", text: CLEAN.replace('"ship"', '"maybe"'), reason: /^verdict: / },
    { name: "verdict yes is ambiguous", text: CLEAN.replace('"ship"', '"yes"'), reason: /^verdict: / },
    { name: "confidence 250", text: CLEAN.replace("0.8", "250"), reason: /^confidence: / },
    { name: "confidence as a word", text: CLEAN.replace("0.8", '"high"'), reason: /^confidence: / },
    { name: "missing quote", text: '{"verdict":"ship","confidence":0.8,"rationale":"r","strengths":[],"risks":[]}', reason: /^quote: is missing/ },
    { name: "missing verdict", text: '{"confidence":0.8,"quote":"q","rationale":"r"}', reason: /^verdict: is missing/ },
    { name: "truncated mid-string", text: '{"verdict":"ship","confidence":0.8,"quote":"Installs in one', reason: /cut off/ },
    { name: "truncated inside a fence", text: '```json\n{"verdict":"skip","confidence":0.7,"quo', reason: /cut off/ },
    { name: "the JSON Schema echoed back", text: '{"type":"object","properties":{"verdict":{"type":"string","enum":["ship","skip"]}},"required":["verdict"]}', reason: /not a JSON object|verdict/ },
    { name: "a JSON array of numbers", text: "[1, 2, 3]", reason: /no JSON object found|not a JSON object/ },
  ])("$name", ({ text, reason }) => {
    const result = parseVerdict(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe("parseVerdict never throws", () => {
  test("on 600 garbled strings from a seeded generator", () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const alphabet = ['{', '}', '[', ']', '"', "'", ":", ",", "\\", "verdict", "ship", "0.8", " ", "\n", "“", "<think>", "```", "null", "quote"];
    for (let round = 0; round < 600; round += 1) {
      let text = random() < 0.3 ? CLEAN.slice(0, Math.floor(random() * CLEAN.length)) : "";
      const length = Math.floor(random() * 60);
      for (let index = 0; index < length; index += 1) text += alphabet[Math.floor(random() * alphabet.length)];
      expect(() => parseVerdict(text)).not.toThrow();
    }
  });

  test("on deep nesting and a huge answer", () => {
    expect(parseVerdict("{".repeat(50_000)).ok).toBe(false);
    expect(parseVerdict("[".repeat(50_000) + "]".repeat(50_000)).ok).toBe(false);
    const huge = "x".repeat(300_000) + CLEAN;
    expect(() => parseVerdict(huge)).not.toThrow();
  });
});
