/**
 * The floor figure 1 is measured against: the same number of chat completions, at the same
 * concurrency, against the same fake server, through the openai SDK alone (its own fetch, no
 * Panelist code), in a process of its own so that its start-up counts as Panelist's does.
 *
 *   node bench/bare-sdk-run.mjs <baseURL> <requests.jsonl> <concurrency> [http-fetch]
 *
 * With `http-fetch`, the SDK is given Panelist's own fetch (dist/providers/http-fetch.js, after
 * `npm run build`) instead of the global one: the floor of the SDK's work over the client
 * Panelist uses, which is cheaper than the global fetch.
 *
 * The requests file holds the request bodies Panelist sent in the same run (as the fake server
 * received them), one JSON object a line, so that both send the same calls: the same ~10 KB
 * prompts and JSON schema, not a short stand-in that would cost the SDK and the server less.
 *
 * Prints how long it spent reading the requests file (ms), which the caller takes off its wall: a
 * stand-in's own input is not the SDK's start-up (43 MB of JSON for figure 1's 4,000 calls).
 */
import OpenAI from "openai";
import pLimit from "p-limit";
import { readFileSync } from "node:fs";

const [baseURL, requestsFile, concurrencyText, client] = process.argv.slice(2);
const fetchOption = client === "http-fetch" ? { fetch: (await import("../dist/providers/http-fetch.js")).createHttpFetch() } : {};
const loading = performance.now();
const requests = readFileSync(requestsFile, "utf8").trim().split("\n").map((line) => JSON.parse(line));
const loadMs = performance.now() - loading;
const openai = new OpenAI({ apiKey: "sk-bench", baseURL, maxRetries: 0, ...fetchOption });
const limit = pLimit(Number(concurrencyText));
await Promise.all(
  requests.map((body) => limit(() => openai.chat.completions.create(body))),
);
console.log(JSON.stringify({ loadMs }));
