import { describe, expect, test } from "vitest";
import { parseVerdict } from "../../src/verdict/parse-verdict.js";
import { verdictSchema } from "../../src/verdict/verdict-schema.js";
import { ADVERSARIAL_ANSWERS } from "../support/adversarial-answers.js";

const CLEAN = '{"verdict":"ship","confidence":0.8,"quote":"Installs in one line.","rationale":"Fast start.","strengths":["fast"],"risks":["young"],"pricingRead":null}';
const SKIP = '{"verdict":"skip","confidence":0.7,"quote":"Legal fog.","rationale":"Unclear origin.","strengths":[],"risks":["licence"],"pricingRead":"Free, for now."}';

/** What an instruction-tuned model prints when it pretty-prints its answer. */
const PRETTY = `{
  "verdict": "ship",
  "confidence": 0.85,
  "quote": "I had it running against my repo before my coffee was cold.",
  "rationale": "Setup is one command, the defaults are sane and the docs answer the questions I had.",
  "strengths": [
    "one-line install",
    "sane defaults"
  ],
  "risks": [
    "single maintainer"
  ],
  "pricingRead": "Free and MIT; nothing to read."
}`;

interface Case {
  name: string;
  text: string;
  verdict: "ship" | "skip";
  confidence: number;
  quote?: string;
  /** Repairs that must be named; an empty list means the answer must need none. */
  repairs: string[];
  strengths?: string[];
  risks?: string[];
}

const cases: Case[] = [
  // Clean answers.
  { name: "clean JSON (strict structured output)", text: CLEAN, verdict: "ship", confidence: 0.8, quote: "Installs in one line.", repairs: [] },
  { name: "clean skip with a pricing read", text: SKIP, verdict: "skip", confidence: 0.7, quote: "Legal fog.", repairs: [] },
  { name: "pretty-printed", text: PRETTY, verdict: "ship", confidence: 0.85, repairs: [], strengths: ["one-line install", "sane defaults"] },
  { name: "pretty-printed with CRLF line ends", text: PRETTY.replace(/\n/g, "\r\n"), verdict: "ship", confidence: 0.85, repairs: [] },
  { name: "confidence 1 stays 1", text: CLEAN.replace("0.8", "1"), verdict: "ship", confidence: 1, repairs: [] },
  { name: "confidence 0 stays 0", text: CLEAN.replace("0.8", "0"), verdict: "ship", confidence: 0, repairs: [] },
  { name: "extra keys are dropped without a repair", text: CLEAN.replace("{", '{"tool":"Claw Code","score":9,'), verdict: "ship", confidence: 0.8, repairs: [] },
  { name: "missing strengths and risks become empty lists", text: '{"verdict":"ship","confidence":0.8,"quote":"q","rationale":"r"}', verdict: "ship", confidence: 0.8, repairs: [], strengths: [], risks: [] },
  { name: "risks null becomes an empty list", text: CLEAN.replace('["young"]', "null"), verdict: "ship", confidence: 0.8, repairs: [], risks: [] },

  // Where the JSON sits.
  { name: "```json fence", text: "```json\n" + CLEAN + "\n```", verdict: "ship", confidence: 0.8, repairs: ["code fence"] },
  { name: "bare ``` fence", text: "```\n" + SKIP + "\n```", verdict: "skip", confidence: 0.7, repairs: ["code fence"] },
  { name: "Llama-style preamble", text: "Here is the JSON output:\n\n" + PRETTY, verdict: "ship", confidence: 0.85, repairs: ["surrounding text"] },
  { name: "chatty preamble, fence and sign-off", text: "Sure! Here's my review of Claw Code.\n\n```json\n" + SKIP + "\n```\n\nLet me know if you'd like me to elaborate on any of these points!", verdict: "skip", confidence: 0.7, repairs: ["code fence", "surrounding text"] },
  { name: "markdown verdict above the fenced JSON", text: "### My verdict\n\n**Ship it** ✅ — with one caveat {see risks}.\n\n```json\n" + PRETTY + "\n```", verdict: "ship", confidence: 0.85, repairs: ["code fence", "surrounding text"] },
  { name: "trailing prose with braces", text: CLEAN + "\n\nI hope this helps! The tool seems {promising}.", verdict: "ship", confidence: 0.8, repairs: ["surrounding text"] },
  { name: "chat-template token after the JSON", text: CLEAN + "<|eot_id|>", verdict: "ship", confidence: 0.8, repairs: ["surrounding text"] },
  { name: "BOM before the JSON", text: "\uFEFF" + CLEAN, verdict: "ship", confidence: 0.8, repairs: ["byte order mark"] },
  { name: "braces inside strings do not confuse the scanner", text: 'Result: {"verdict":"ship","confidence":0.8,"quote":"Use {curly} braces}","rationale":"r","strengths":[],"risks":[]} done', verdict: "ship", confidence: 0.8, quote: "Use {curly} braces}", repairs: ["surrounding text"] },
  { name: "a prose brace with an apostrophe before single-quoted JSON", text: "Okay, so {it's simple}: {'verdict': 'ship', 'confidence': 0.8, 'quote': 'Close the } brace.', 'rationale': 'r', 'strengths': [], 'risks': []} Hope that helps", verdict: "ship", confidence: 0.8, quote: "Close the } brace.", repairs: ["single quotes", "surrounding text"] },
  { name: "an unclosed prose brace before the JSON", text: "The options were {ship, skip. I pick:\n" + SKIP, verdict: "skip", confidence: 0.7, repairs: ["surrounding text"] },

  // Reasoning blocks.
  { name: "Qwen-style think block with braces inside", text: "<think>\nThe user wants {json}. Let me think about {verdict: ship}... The licence worries me.\n</think>\n\n" + SKIP, verdict: "skip", confidence: 0.7, repairs: ["think block"] },
  { name: "DeepSeek-R1 style: only the closing tag", text: "Okay, let me weigh {pros} against {cons}. The install is quick.\n</think>\n\n" + CLEAN, verdict: "ship", confidence: 0.8, repairs: ["think block"] },
  { name: "unclosed think at the start", text: "<think>\nHmm, weighing it up.\n" + CLEAN, verdict: "ship", confidence: 0.8, repairs: ["think block"] },
  { name: "unclosed think with many brace asides", text: "<think>" + "Consider {x} and {y}. ".repeat(40) + "\n" + SKIP, verdict: "skip", confidence: 0.7, repairs: ["think block"] },
  { name: "<thinking> tags and a fence", text: "<thinking>Should I say {ship}?</thinking>\n```json\n" + CLEAN + "\n```", verdict: "ship", confidence: 0.8, repairs: ["think block", "code fence"] },

  // Several objects.
  { name: "two objects back to back: the first valid one wins", text: SKIP + CLEAN, verdict: "skip", confidence: 0.7, quote: "Legal fog.", repairs: ["surrounding text"] },
  { name: "a draft that fails, then the corrected answer", text: 'Draft: {"verdict": "maybe"}\nCorrected:\n' + CLEAN, verdict: "ship", confidence: 0.8, repairs: ["surrounding text"] },
  { name: "an array of one verdict", text: "[" + CLEAN + "]", verdict: "ship", confidence: 0.8, repairs: ["surrounding text"] },

  // Double encoding.
  { name: "the whole answer is a JSON string", text: JSON.stringify(CLEAN), verdict: "ship", confidence: 0.8, repairs: ["double-encoded JSON"] },
  { name: "a JSON string after a preamble", text: "Output: " + JSON.stringify(SKIP), verdict: "skip", confidence: 0.7, repairs: ["double-encoded JSON"] },
  { name: "escaped JSON without its outer quotes", text: JSON.stringify(CLEAN).slice(1, -1), verdict: "ship", confidence: 0.8, repairs: ["double-encoded JSON"] },
  { name: "a tool call whose arguments are a JSON string", text: JSON.stringify({ name: "submit_verdict", arguments: SKIP }), verdict: "skip", confidence: 0.7, repairs: ["wrapper object", "double-encoded JSON"] },

  // Near-JSON.
  { name: "invalid escapes \\_ and \\'", text: '{"verdict":"ship","confidence":0.6,"quote":"It\\\'s the best snake\\_case tool.","rationale":"r","strengths":[],"risks":[]}', verdict: "ship", confidence: 0.6, quote: "It's the best snake_case tool.", repairs: ["invalid escape"] },
  { name: "markdown escapes \\* in a string", text: CLEAN.replace("Installs in one line.", "The \\*best\\* CLI I tried."), verdict: "ship", confidence: 0.8, quote: "The *best* CLI I tried.", repairs: ["invalid escape"] },
  { name: "trailing commas", text: '{"verdict":"skip","confidence":0.5,"quote":"q","rationale":"r","strengths":["a",],"risks":[],}', verdict: "skip", confidence: 0.5, repairs: ["trailing comma"] },
  { name: "single-quoted keys and values (a Python dict)", text: "{'verdict': 'ship', 'confidence': 0.9, 'quote': 'Ship it \"now\".', 'rationale': 'r', 'strengths': ['x'], 'risks': []}", verdict: "ship", confidence: 0.9, quote: 'Ship it "now".', repairs: ["single quotes"] },
  { name: "an apostrophe inside a single-quoted string", text: "{'verdict': 'ship', 'confidence': 0.7, 'quote': 'It's fast, and it's free.', 'rationale': 'r', 'strengths': [], 'risks': []}", verdict: "ship", confidence: 0.7, quote: "It's fast, and it's free.", repairs: ["single quotes"] },
  { name: "Python literals", text: "{'verdict': 'skip', 'confidence': 0.3, 'quote': 'q', 'rationale': 'r', 'strengths': [], 'risks': [], 'pricingRead': None}", verdict: "skip", confidence: 0.3, repairs: ["Python literal"] },
  { name: "unquoted keys (a JS object literal)", text: '{verdict: "skip", confidence: 0.4, quote: "Not yet.", rationale: "r", strengths: [], risks: []}', verdict: "skip", confidence: 0.4, repairs: ["unquoted name"] },
  { name: "unquoted keys and an unquoted verdict", text: '{verdict: ship, confidence: 0.7, quote: "Good.", rationale: "r", strengths: [], risks: []}', verdict: "ship", confidence: 0.7, repairs: ["unquoted name", "unquoted value"] },
  { name: "smart quotes", text: "{“verdict”: “ship”, “confidence”: 0.75, “quote”: “Tidy.”, “rationale”: “r”, “strengths”: [], “risks”: []}", verdict: "ship", confidence: 0.75, quote: "Tidy.", repairs: ["smart quotes"] },
  { name: "smart quotes on keys, a typographic apostrophe inside", text: "{“verdict”: \"skip\", “confidence”: 0.6, “quote”: \"It’s not there yet.\", “rationale”: \"r\", “strengths”: [], “risks”: []}", verdict: "skip", confidence: 0.6, quote: "It’s not there yet.", repairs: ["smart quotes"] },
  { name: "comments in JSON", text: '{\n  // my verdict\n  "verdict": "ship", /* sure */ "confidence": 0.8, "quote": "q", "rationale": "r", "strengths": [], "risks": []\n}', verdict: "ship", confidence: 0.8, repairs: ["comment"] },
  { name: "raw newline inside a string", text: '{"verdict":"ship","confidence":0.8,"quote":"Line one.\nLine two.","rationale":"r","strengths":[],"risks":[]}', verdict: "ship", confidence: 0.8, quote: "Line one.\nLine two.", repairs: ["raw newline in string"] },
  { name: "unescaped quotes inside a string", text: CLEAN.replace("Installs in one line.", 'They call it "magic", and it is.'), verdict: "ship", confidence: 0.8, quote: 'They call it "magic", and it is.', repairs: ["unescaped quote"] },
  { name: "a missing comma between lines", text: PRETTY.replace('"ship",', '"ship"'), verdict: "ship", confidence: 0.85, repairs: ["missing comma"] },
  { name: "a leading-dot number", text: CLEAN.replace("0.8", ".8"), verdict: "ship", confidence: 0.8, repairs: ["number format"] },

  // Verdict wording.
  { name: '"Ship" capitalised', text: CLEAN.replace('"ship"', '"Ship"'), verdict: "ship", confidence: 0.8, repairs: ["verdict wording"] },
  { name: '"SHIP it"', text: CLEAN.replace('"ship"', '"SHIP it"'), verdict: "ship", confidence: 0.8, repairs: ["verdict wording"] },
  { name: '"ship." with a full stop', text: CLEAN.replace('"ship"', '"ship."'), verdict: "ship", confidence: 0.8, repairs: ["verdict wording"] },
  { name: '"**Skip**" in markdown bold', text: SKIP.replace('"skip"', '"**Skip**"'), verdict: "skip", confidence: 0.7, repairs: ["verdict wording"] },
  { name: '"Skip"', text: SKIP.replace('"skip"', '"Skip"'), verdict: "skip", confidence: 0.7, repairs: ["verdict wording"] },
  { name: '"don\'t ship"', text: CLEAN.replace('"ship"', '"don\'t ship"'), verdict: "skip", confidence: 0.8, repairs: ["verdict wording"] },
  { name: '"No ship"', text: CLEAN.replace('"ship"', '"No ship"'), verdict: "skip", confidence: 0.8, repairs: ["verdict wording"] },
  { name: '"Do not ship it"', text: CLEAN.replace('"ship"', '"Do not ship it"'), verdict: "skip", confidence: 0.8, repairs: ["verdict wording"] },
  { name: '"Won’t ship" with a typographic apostrophe', text: CLEAN.replace('"ship"', '"Won’t ship"'), verdict: "skip", confidence: 0.8, repairs: ["verdict wording"] },

  // Confidence.
  { name: "confidence 80 means 0.8", text: CLEAN.replace("0.8", "80"), verdict: "ship", confidence: 0.8, repairs: ["confidence as percentage"] },
  { name: 'confidence "80%"', text: CLEAN.replace("0.8", '"80%"'), verdict: "ship", confidence: 0.8, repairs: ["confidence as text"] },
  { name: 'confidence "0.65"', text: CLEAN.replace("0.8", '"0.65"'), verdict: "ship", confidence: 0.65, repairs: ["confidence as text"] },
  { name: "confidence 85% unquoted", text: CLEAN.replace("0.8", "85%"), verdict: "ship", confidence: 0.85, repairs: ["unquoted value", "confidence as text"] },
  { name: 'confidence "8/10"', text: CLEAN.replace("0.8", '"8/10"'), verdict: "ship", confidence: 0.8, repairs: ["confidence as text"] },

  // Field shapes and names.
  { name: "quote as an array of strings", text: CLEAN.replace('"Installs in one line."', '["Installs in one line.", "Ship it."]'), verdict: "ship", confidence: 0.8, quote: "Installs in one line. Ship it.", repairs: ["text as array"] },
  { name: "quote wrapped in its own quotation marks", text: CLEAN.replace('"Installs in one line."', '"\\"Installs in one line.\\""'), verdict: "ship", confidence: 0.8, quote: "Installs in one line.", repairs: ["quote marks"] },
  { name: "strengths as a single string", text: CLEAN.replace('["fast"]', '"fast"'), verdict: "ship", confidence: 0.8, repairs: ["list as string"], strengths: ["fast"] },
  { name: "snake_case and capitalised keys", text: '{"Verdict":"skip","Confidence":0.55,"Quote":"q","Rationale":"r","Strengths":[],"Risks":[],"pricing_read":"Pricey."}', verdict: "skip", confidence: 0.55, repairs: ["key names"] },
  { name: "keys with spaces", text: '{"Verdict":"ship","Confidence":0.6,"Pull Quote":"Neat.","Rationale":"r","Strengths":[],"Risks":[],"Pricing Read":"Cheap."}', verdict: "ship", confidence: 0.6, quote: "Neat.", repairs: ["key names"] },
  { name: "alias keys: pull_quote, reasoning, pros, cons", text: '{"verdict":"ship","confidence":0.7,"pull_quote":"Neat.","reasoning":"r","pros":["a"],"cons":["b"]}', verdict: "ship", confidence: 0.7, quote: "Neat.", repairs: ["key names"], strengths: ["a"], risks: ["b"] },

  // Wrappers.
  { name: "wrapper object", text: '{"review": ' + SKIP + "}", verdict: "skip", confidence: 0.7, repairs: ["wrapper object"] },
  { name: "wrapper under the key verdict", text: '{"verdict": ' + CLEAN + "}", verdict: "ship", confidence: 0.8, repairs: ["wrapper object"] },
  { name: "wrapper with metadata beside it", text: '{"tool": "Claw Code", "persona": "staff engineer", "review": ' + CLEAN + "}", verdict: "ship", confidence: 0.8, repairs: ["wrapper object"] },
  { name: "a wrapper beside an explanation", text: '{"explanation": "Here is my structured review.", "verdict": ' + SKIP + "}", verdict: "skip", confidence: 0.7, repairs: ["wrapper object"] },
  { name: "only alias names: decision, reasoning, pros, cons", text: '{"decision":"Skip","confidence":0.6,"pull_quote":"Not yet.","reasoning":"r","pros":[],"cons":["beta"]}', verdict: "skip", confidence: 0.6, repairs: ["key names", "verdict wording"], risks: ["beta"] },
  { name: "a list of one under a key", text: '{"reviews": [' + SKIP + "]}", verdict: "skip", confidence: 0.7, repairs: ["wrapper object"] },
  { name: "the schema echoed with its values filled in", text: '{"type": "object", "properties": ' + CLEAN + ', "required": ["verdict"]}', verdict: "ship", confidence: 0.8, repairs: ["wrapper object"] },
  { name: "a properties wrapper", text: '{"properties": ' + SKIP + "}", verdict: "skip", confidence: 0.7, repairs: ["wrapper object"] },

  // Size.
  { name: "a 1 MB answer keeps its head and tail", text: "Let me reason step by step. ".repeat(40_000) + "\n" + CLEAN, verdict: "ship", confidence: 0.8, repairs: ["input capped", "surrounding text"] },
];

describe("parseVerdict: messy real-world output", () => {
  test.each(cases)("$name", ({ text, verdict, confidence, quote, repairs, strengths, risks }) => {
    const result = parseVerdict(text);
    if (!result.ok) throw new Error(`expected a verdict, got: ${result.reason}`);
    expect(result.verdict.verdict).toBe(verdict);
    expect(result.verdict.confidence).toBeCloseTo(confidence, 10);
    if (quote !== undefined) expect(result.verdict.quote).toBe(quote);
    if (repairs.length === 0) expect(result.repairs).toEqual([]);
    else expect(result.repairs).toEqual(expect.arrayContaining(repairs));
    if (strengths !== undefined) expect(result.verdict.strengths).toEqual(strengths);
    if (risks !== undefined) expect(result.verdict.risks).toEqual(risks);
    expect(verdictSchema.safeParse(result.verdict).success).toBe(true);
  });

  test("has the cases it promises", () => {
    expect(cases.length).toBeGreaterThanOrEqual(35);
  });

  test("clean JSON needs no repairs, and a null pricing read is absent", () => {
    expect(parseVerdict(CLEAN)).toEqual({ ok: true, repairs: [], verdict: { verdict: "ship", confidence: 0.8, quote: "Installs in one line.", rationale: "Fast start.", strengths: ["fast"], risks: ["young"] } });
  });

  test("a pricing read is kept, an empty one dropped, and unknown keys never reach the verdict", () => {
    const kept = parseVerdict(SKIP);
    expect(kept.ok && kept.verdict.pricingRead).toBe("Free, for now.");
    const empty = parseVerdict(SKIP.replace('"Free, for now."', '"  "').replace("{", '{"score": 9, '));
    expect(empty.ok && Object.keys(empty.verdict).sort()).toEqual(["confidence", "quote", "rationale", "risks", "strengths", "verdict"]);
  });
});

const QUOTE_700 = "x".repeat(700);

describe("parseVerdict: answers it refuses, with a reason", () => {
  test.each([
    { name: "no JSON at all", text: "I think this tool is great and you should ship it.", reason: /^no JSON object found$/ },
    { name: "empty text", text: "", reason: /^empty answer$/ },
    { name: "only whitespace", text: "  \n\t ", reason: /^empty answer$/ },
    { name: "only a think block", text: "<think>I should answer {something}.</think>\n", reason: /^empty answer$/ },
    { name: "verdict maybe", text: CLEAN.replace('"ship"', '"maybe"'), reason: /^verdict: expected "ship" or "skip", got "maybe"$/ },
    { name: "verdict yes is ambiguous", text: CLEAN.replace('"ship"', '"yes"'), reason: /^verdict: expected "ship" or "skip", got "yes"$/ },
    { name: "verdict no is ambiguous", text: CLEAN.replace('"ship"', '"No"'), reason: /^verdict: .*got "No"$/ },
    { name: "verdict with a hedge", text: CLEAN.replace('"ship"', '"Ship, with caveats"'), reason: /^verdict: / },
    { name: "confidence 250", text: CLEAN.replace("0.8", "250"), reason: /^confidence: expected a number ≤ 1, got 250$/ },
    { name: "confidence negative", text: CLEAN.replace("0.8", "-0.2"), reason: /^confidence: expected a number ≥ 0, got -0.2$/ },
    { name: "confidence as a word", text: CLEAN.replace("0.8", '"high"'), reason: /^confidence: expected number, got "high"$/ },
    { name: "missing quote", text: '{"verdict":"ship","confidence":0.8,"rationale":"r","strengths":[],"risks":[]}', reason: /^quote: is missing$/ },
    { name: "missing verdict", text: '{"confidence":0.8,"quote":"q","rationale":"r"}', reason: /^verdict: is missing$/ },
    { name: "empty quote", text: CLEAN.replace('"Installs in one line."', '""'), reason: /^quote: expected a length ≥ 1/ },
    { name: "quote too long", text: CLEAN.replace("Installs in one line.", QUOTE_700), reason: /^quote: expected a length ≤ 600, got .*\(700 characters\)$/ },
    { name: "quote that is a number", text: CLEAN.replace('"Installs in one line."', "5"), reason: /^quote: expected string, got 5$/ },
    { name: "nine strengths", text: CLEAN.replace('["fast"]', JSON.stringify(Array.from({ length: 9 }, (_, index) => `s${index}`))), reason: /^strengths: expected an item count ≤ 8/ },
    { name: "truncated mid-string", text: '{"verdict":"ship","confidence":0.8,"quote":"Installs in one', reason: /^the JSON is cut off before it ends \(inside a string\)$/ },
    { name: "truncated inside a fence", text: '```json\n{"verdict":"skip","confidence":0.7,"quo', reason: /cut off/ },
    { name: "truncated before the closing brace", text: PRETTY.slice(0, -2), reason: /cut off/ },
    { name: "the JSON Schema echoed back", text: '{"type":"object","properties":{"verdict":{"type":"string","enum":["ship","skip"]},"confidence":{"type":"number"}},"required":["verdict","confidence"]}', reason: /JSON Schema itself/ },
    { name: "the schema's properties without a wrapper", text: '{"verdict":{"type":"string","enum":["ship","skip"]},"quote":{"type":"string"}}', reason: /JSON Schema itself/ },
    { name: "an object with no verdict fields", text: '{"answer": 42, "note": "see above"}', reason: /^no verdict fields in the JSON object$/ },
    { name: "two candidate wrappers are ambiguous", text: '{"first": ' + CLEAN + ', "second": ' + SKIP + "}", reason: /^no verdict fields/ },
    { name: "prose in braces only", text: "I weighed {speed} against {safety}.", reason: /^invalid JSON: / },
    { name: "a JSON array of numbers", text: "[1, 2, 3]", reason: /^no JSON object found$/ },
  ])("$name", ({ text, reason }) => {
    const result = parseVerdict(text);
    if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.verdict)}`);
    expect(result.reason).toMatch(reason);
    expect(result.reason).not.toMatch(/\n/);
  });
});

/** Mulberry32: a small seeded generator, so a failing input can be reproduced. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = ["{", "}", "[", "]", '"', "'", "“", "”", "’", ":", ",", "\\", "\\\"", "/*", "*/", "//", "\n", " ", "verdict", "ship", "skip", "0.8", "80%", "null", "None", "quote", "<think>", "</think>", "```json", "```", "\uFEFF", "\u0000", "\uD83D", "é", "__proto__", "constructor", "-", ".", "e", "9"];

/** Garbles a realistic answer: cut it, repeat a slice, splice tokens in, or build token soup. */
function garbled(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const base = pick(cases).text.slice(0, 4000);
  let text = random() < 0.5 ? base : "";
  const edits = Math.floor(random() * 12);
  for (let edit = 0; edit < edits; edit += 1) {
    const at = Math.floor(random() * (text.length + 1));
    const kind = random();
    if (kind < 0.4) text = text.slice(0, at) + pick(TOKENS) + text.slice(at);
    else if (kind < 0.7) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 20));
    else if (kind < 0.85) text = text.slice(0, at);
    else text = text.slice(0, at) + text.slice(at, at + 30).repeat(1 + Math.floor(random() * 5)) + text.slice(at);
  }
  const soup = Math.floor(random() * 40);
  for (let index = 0; index < soup; index += 1) text += pick(TOKENS);
  return text;
}

describe("parseVerdict never throws", () => {
  test("on 500 garbled answers from a seeded generator, and every result keeps its promise", () => {
    const random = seededRandom(20_260_125);
    for (let round = 0; round < 500; round += 1) {
      const text = garbled(random);
      let result: ReturnType<typeof parseVerdict> | undefined;
      expect(() => (result = parseVerdict(text)), text).not.toThrow();
      if (result?.ok) {
        expect(verdictSchema.safeParse(result.verdict).success, text).toBe(true);
        expect(result.repairs.every((repair) => typeof repair === "string")).toBe(true);
      } else {
        expect(result?.reason, text).toMatch(/^\S[^\n]*$/);
      }
    }
  });

  // How long each takes is a benchmark (bench/parse-verdict-time.ts), not a test: a wall-clock
  // limit fails on a slow machine. A parser gone exponential still fails here, at the test timeout.
  test.each(ADVERSARIAL_ANSWERS)("on $name: refused, without throwing", ({ text }) => {
    expect(parseVerdict(text).ok).toBe(false);
  });

  test("on a value that is not a string at run time", () => {
    expect(parseVerdict(undefined as unknown as string).ok).toBe(false);
  });
});
