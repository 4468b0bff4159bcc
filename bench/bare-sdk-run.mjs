/**
 * The floor figure 1 is measured against: the same number of chat completions, at the same
 * concurrency, against the same fake server, through the openai SDK alone (its own fetch, no
 * Panelist code), in a process of its own so that its start-up counts as Panelist's does.
 *
 *   node bench/bare-sdk-run.mjs <baseURL> <calls> <concurrency>
 *
 * Prints the wall milliseconds from the process's start to the last answer.
 */
import OpenAI from "openai";
import pLimit from "p-limit";

const [baseURL, callsText, concurrencyText] = process.argv.slice(2);
const calls = Number(callsText);
const client = new OpenAI({ apiKey: "sk-bench", baseURL, maxRetries: 0 });
const limit = pLimit(Number(concurrencyText));
await Promise.all(
  Array.from({ length: calls }, (_, index) =>
    limit(() =>
      client.chat.completions.create({
        model: "gpt-4.1-mini",
        messages: [
          { role: "system", content: "You are a reviewer. Answer with JSON: verdict, confidence, quote, rationale, strengths, risks, pricingRead." },
          { role: "user", content: `Name: Tool ${index}\nTagline: a tool\nDescription: a tool that does things, number ${index}.` },
        ],
        response_format: { type: "json_object" },
      }),
    ),
  ),
);
console.log(String(Math.round(performance.now())));
