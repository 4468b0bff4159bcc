import { describe, expect, test } from "vitest";
import { redactDeep, redactSecrets } from "../../src/providers/redact-secrets.js";

describe("redactSecrets", () => {
  test("removes keys in use and key-shaped text, and leaves ordinary text as it was", () => {
    const key = "3f9a0c1d7e5b2a4968f0e1d2c3b4a5968778695a";
    expect(redactSecrets(`account ${key} said`, [key])).toBe("account [redacted] said");
    expect(redactSecrets("key sk-proj-abcdefgh1234 leaked")).toBe("key [redacted] leaked");
    expect(redactSecrets("Authorization: Bearer abcdefgh.12345678")).toBe("Authorization: Bearer [redacted]");
    expect(redactSecrets('{"api_key": "abcdef123456"}')).toBe('{"api_key": "[redacted]"}');
    expect(redactSecrets("X-API-KEY=abcdef123456")).toBe("X-API-KEY=[redacted]");
    expect(redactSecrets("gsk_abcdefgh12 and xai-abcdefgh12")).toBe("[redacted] and [redacted]");
    // Words that start a pattern but are not keys stay.
    expect(redactSecrets("Ask for an API key in the dashboard; sk- prefixes are short here.")).toBe("Ask for an API key in the dashboard; sk- prefixes are short here.");
  });
});

describe("redactDeep", () => {
  test("redacts every nested string, copying only what changed and leaving the input as it was", () => {
    const input = { verdict: "ship", answers: [{ text: "uses sk-abcdefgh12345678" }, { text: "clean" }], usage: { calls: 2 } };
    const output = redactDeep(input);
    expect(output.answers[0]!.text).toBe("uses [redacted]");
    expect(input.answers[0]!.text).toBe("uses sk-abcdefgh12345678");
    // Untouched branches are the input's own objects.
    expect(output.answers[1]).toBe(input.answers[1]);
    expect(output.usage).toBe(input.usage);
  });

  test("gives back the very value when nothing needs redacting", () => {
    const input = { quote: "Fast and cheap.", strengths: ["docs", "speed"], confidence: 0.8, pricingRead: null };
    expect(redactDeep(input, ["a-long-secret-value"])).toBe(input);
  });
});
