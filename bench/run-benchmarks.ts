/**
 * `npm run bench`: Panelist's speed and cost figures, each a ratio taken in one run against the
 * fake LLM server on 127.0.0.1 (see docs/performance.md).
 *   1. overhead: 1,000 tools × 4 personas, concurrency 64, 200 ms server latency: wall ÷ ideal,
 *      wall ÷ the bare SDK's wall for the same calls in the same run (bench/bare-sdk-run.mjs), each
 *      side run twice around the other, and CPU ms per call of the whole `panelist batch` process
 *      (SDK, parsing, store, reports);
 *   2. rate-limited: the server allows R = 20 and 40 requests a second (stated per minute in its
 *      headers, as OpenAI does) and answers 429 above it: achieved ÷ R, and the share of 429s;
 *   3. cache: input tokens billed per 4-persona panel with prompt caching ÷ without;
 *   4. start-up: spawn to the first request of `panelist review`, and `panelist --help`, each
 *      ÷ `node -e 0`, beside the bare SDK's own spawn to its first request and what the libraries
 *      the CLI needs before its first call add to it (bench/start-up-floor.mjs);
 *   5. memory: peak RSS of a 10,000-tool batch (bench/batch-memory.ts);
 *   6. short latency: 500 tools × 4 personas, concurrency 64, 50 ms latency: wall ÷ ideal and
 *      CPU ms per call.
 */
import { execFile, spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { once } from "node:events";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeLlmServer, type FakeCall, type FakeLlmServerOptions } from "../test/support/fake-llm-server.js";
import { PANELIST_BIN as BUILT_BIN } from "../test/support/panelist-bin.js";
import { measurePromptCache } from "./prompt-cache-figure.js";

/** The CLI under measurement: this build's bin, or another build's (`BENCH_BIN=…/panelist.js`) to compare. */
const PANELIST_BIN = process.env.BENCH_BIN ?? BUILT_BIN;
const dir = await mkdtemp(join(tmpdir(), "panelist-bench-"));
const launches = (await readFile("fixtures/launches.jsonl", "utf8")).trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);

async function toolsFile(count: number): Promise<string> {
  const path = join(dir, `tools-${count}.jsonl`);
  const lines = Array.from({ length: count }, (_, index) => {
    const base = launches[index % launches.length]!;
    return JSON.stringify({ name: `${base.name} ${index}`, tagline: base.tagline, category: base.category, pricing: base.pricing, description: base.description, url: `https://example.com/tools/${index}` });
  });
  await writeFile(path, `${lines.join("\n")}\n`);
  return path;
}

/** Runs `panelist batch` in its own process; returns wall ms, CPU ms and the summary line. */
async function batchRun(input: string, server: { openaiBaseUrl: string }, concurrency: number): Promise<{ wallMs: number; cpuMs: number; stdout: string; code: number; startedAt: number; endedAt: number }> {
  const out = await mkdtemp(join(dir, "run-"));
  const usageFile = join(out, "usage.json");
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ["--import", "./bench/report-max-rss.mjs", PANELIST_BIN, "batch", input, "--model", "openai:gpt-4.1-mini", "--store", join(out, "p.db"), "--out", join(out, "out"), "--concurrency", String(concurrency), "--format", "json"],
    { env: { PATH: process.env.PATH ?? "", OPENAI_API_KEY: "sk-bench", OPENAI_BASE_URL: server.openaiBaseUrl, PANELIST_BENCH_RSS_FILE: usageFile }, stdio: ["ignore", "pipe", "ignore"] },
  );
  let stdout = "";
  child.stdout!.on("data", (chunk: Buffer) => void (stdout += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number];
  const endedAt = performance.now();
  const usage = JSON.parse(await readFile(usageFile, "utf8")) as { userMs: number; systemMs: number };
  return { wallMs: endedAt - started, cpuMs: usage.userMs + usage.systemMs, stdout, code, startedAt: started, endedAt };
}

/** The replay file written for each list of calls: figure 1 replays the same ones four times. */
const replayFiles = new Map<readonly { body: unknown }[], string>();

/**
 * Runs bench/bare-sdk-run.mjs (plain JavaScript, no compile step) in its own process on the request
 * bodies the server received from Panelist's run (`calls`); returns its wall ms (spawn to exit, as
 * a batch run is timed: both pay their process start) and its CPU ms, less the time it took to
 * read them. `client: "http-fetch"` gives the SDK Panelist's own fetch instead of the global one.
 */
async function bareSdkRun(
  server: { openaiBaseUrl: string },
  calls: readonly { body: unknown }[],
  concurrency: number,
  client: "global-fetch" | "http-fetch" = "global-fetch",
): Promise<{ wallMs: number; cpuMs: number; startedAt: number; endedAt: number }> {
  let requests = replayFiles.get(calls);
  if (requests === undefined) {
    requests = join(dir, `requests-${replayFiles.size}.jsonl`);
    // Asked whole, as every call but Panelist's streamed first one was: the bare SDK has no limiter to probe for.
    const whole = calls.map(({ body }) => {
      const { stream: _stream, stream_options: _options, ...rest } = body as Record<string, unknown>;
      return JSON.stringify(rest);
    });
    await writeFile(requests, `${whole.join("\n")}\n`);
    replayFiles.set(calls, requests);
  }
  const usageFile = join(dir, "bare-usage.json");
  const started = performance.now();
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "./bench/report-max-rss.mjs", "bench/bare-sdk-run.mjs", server.openaiBaseUrl, requests, String(concurrency), client], {
    env: { PATH: process.env.PATH ?? "", PANELIST_BENCH_RSS_FILE: usageFile },
    maxBuffer: 1024 * 1024,
  });
  const endedAt = performance.now();
  // Reading the replayed bodies is the stand-in's own input, not the SDK's work: off its wall and CPU.
  const { loadMs } = JSON.parse(stdout) as { loadMs: number };
  const usage = JSON.parse(await readFile(usageFile, "utf8")) as { userMs: number; systemMs: number };
  return { wallMs: endedAt - started - loadMs, cpuMs: usage.userMs + usage.systemMs - loadMs, startedAt: started + loadMs, endedAt };
}

/**
 * Where a run's wall went, from the server's side: spawn to its first request, first request to
 * last answer, last answer to exit (ms).
 */
function phases(run: { startedAt: number; endedAt: number }, calls: readonly FakeCall[]): string {
  const first = Math.min(...calls.map((call) => call.arrivedAt));
  const last = Math.max(...calls.map((call) => call.answeredAt ?? call.arrivedAt));
  return `${(first - run.startedAt).toFixed(0)} ms + ${((last - first) / 1000).toFixed(2)} s + ${(run.endedAt - last).toFixed(0)} ms`;
}

/**
 * From spawning `panelist review` to its first request reaching a bare HTTP server (which answers
 * 500, so the run ends there): what a user waits before anything is asked.
 */
async function spawnToFirstRequest(round: number, command: "panelist" | "bare-sdk" = "panelist"): Promise<number> {
  const out = await mkdtemp(join(dir, "first-"));
  const oneRequest = join(out, "one-request.jsonl");
  await writeFile(oneRequest, `${JSON.stringify({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "Review this tool." }] })}\n`);
  return new Promise((resolve) => {
    let started = 0;
    let child: ReturnType<typeof spawn> | undefined;
    const server = createServer((_request, response) => {
      const elapsed = performance.now() - started;
      response.writeHead(500, { "content-type": "application/json" }).end("{}");
      child?.kill();
      server.close();
      resolve(elapsed);
    });
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      const baseUrl = `http://127.0.0.1:${port}/v1`;
      // The bound: the openai SDK alone, in a process of its own, from spawn to its first request.
      const args =
        command === "bare-sdk"
          ? ["bench/bare-sdk-run.mjs", baseUrl, oneRequest, "1"]
          : [PANELIST_BIN, "review", "fixtures/tools/claw-code.md", "--model", "openai:gpt-4.1-mini", "--store", join(out, `p${round}.db`), "--out", join(out, "out"), "--max-retries", "0"];
      started = performance.now();
      child = spawn(process.execPath, args, { stdio: "ignore", env: { PATH: process.env.PATH ?? "", OPENAI_API_KEY: "sk-bench", OPENAI_BASE_URL: baseUrl } });
    });
  });
}

async function withServer<T>(options: FakeLlmServerOptions, run: (server: Awaited<ReturnType<typeof startFakeLlmServer>>) => Promise<T>): Promise<T> {
  const server = await startFakeLlmServer(options);
  try {
    return await run(server);
  } finally {
    await server.close();
  }
}

/** `npx tsx bench/run-benchmarks.ts 2 4` runs only those figures. */
const only = process.argv.slice(2).map(Number);
const want = (figure: number): boolean => only.length === 0 || only.includes(figure);
const results: string[] = [];
const report = (line: string): void => {
  results.push(line);
  console.log(line);
};

// 1. Overhead.
if (want(1)) {
  const calls = 1000 * 4;
  const concurrency = 64;
  const latency = 200;
  const input = await toolsFile(1000);
  // Each side twice, in the order Panelist, bare SDK, floor, floor, bare SDK, Panelist: a machine
  // whose load drifts during the run (this one's does, by a few per cent a minute) weighs on both
  // sides alike, instead of on whichever ran later. The figure is the ratio of the sums.
  const { runs, bares, floors } = await withServer({ latencyMs: latency }, async (server) => {
    const taken = (): FakeCall[] => server.calls.splice(0);
    const first = await batchRun(input, server, concurrency);
    // The same calls: the bodies Panelist sent, and only those (none from an earlier figure).
    const sent = taken();
    const timed = async <T extends { startedAt: number; endedAt: number }>(run: Promise<T>) => {
      const result = await run;
      return { ...result, phases: phases(result, taken()) };
    };
    const runs = [{ ...first, phases: phases(first, sent) }];
    const bares = [await timed(bareSdkRun(server, sent, concurrency))];
    // The floor of CPU per call: the SDK over the HTTP client Panelist gives it, no Panelist code.
    const floors = [await timed(bareSdkRun(server, sent, concurrency, "http-fetch"))];
    floors.push(await timed(bareSdkRun(server, sent, concurrency, "http-fetch")));
    bares.push(await timed(bareSdkRun(server, sent, concurrency)));
    runs.push(await timed(batchRun(input, server, concurrency)));
    return { runs, bares, floors };
  });
  const ideal = Math.ceil(calls / concurrency) * latency;
  const sum = (list: readonly { wallMs: number }[]): number => list.reduce((total, run) => total + run.wallMs, 0);
  const cpu = (list: readonly { cpuMs: number }[]): string => (list.reduce((total, run) => total + run.cpuMs, 0) / list.length / calls).toFixed(2);
  const seconds = (list: readonly { wallMs: number }[]): string => list.map((run) => (run.wallMs / 1000).toFixed(2)).join(" and ");
  report(
    `1. overhead: ${calls} calls at concurrency ${concurrency}, ${latency} ms latency, each side run twice: Panelist ${seconds(runs)} s ÷ ideal ${(ideal / 1000).toFixed(2)} s = ${(sum(runs) / 2 / ideal).toFixed(3)}; ` +
      `÷ the bare SDK's ${seconds(bares)} s (${(sum(bares) / 2 / ideal).toFixed(3)} of ideal) = ${(sum(runs) / sum(bares)).toFixed(3)} (target ≤ 1.02; the two pairs apart ${(runs[0]!.wallMs / bares[0]!.wallMs).toFixed(3)} and ${(runs[1]!.wallMs / bares[1]!.wallMs).toFixed(3)}); ` +
      `÷ the SDK over Panelist's fetch ${seconds(floors)} s = ${(sum(runs) / sum(floors)).toFixed(3)}; ` +
      `spawn to first request + first request to last answer + to exit: Panelist ${runs.map((run) => run.phases).join(", ")}; the bare SDK ${bares.map((run) => run.phases).join(", ")}; ` +
      `CPU ${cpu(runs)} ms per call (target ≤ 1.1; the bare SDK ${cpu(bares)}; the SDK over Panelist's fetch ${cpu(floors)}); exit ${runs.map((run) => run.code).join(", ")}`,
  );
}

// 6. Short latency: the process's own CPU is most of the wall.
if (want(6)) {
  const calls = 500 * 4;
  const concurrency = 64;
  const latency = 50;
  const input = await toolsFile(500);
  const { run, bare } = await withServer({ latencyMs: latency }, async (server) => {
    const run = await batchRun(input, server, concurrency);
    return { run, bare: await bareSdkRun(server, server.calls.slice(), concurrency) };
  });
  const ideal = Math.ceil(calls / concurrency) * latency;
  report(
    `6. short latency: ${calls} calls at concurrency ${concurrency}, ${latency} ms latency: wall ${(run.wallMs / 1000).toFixed(2)} s ÷ ideal ${(ideal / 1000).toFixed(2)} s = ${(run.wallMs / ideal).toFixed(3)} (target ≤ 1.3); ` +
      `CPU ${(run.cpuMs / calls).toFixed(2)} ms per call; the bare SDK on the same calls: ${(bare.wallMs / ideal).toFixed(3)} of ideal, CPU ${(bare.cpuMs / calls).toFixed(2)} ms per call; exit ${run.code}`,
  );
}

// 2. Rate-limited: the server states its limit per minute, as OpenAI does, and enforces it per second.
if (want(2)) {
  for (const perSecond of [20, 40]) {
    const input = await toolsFile(100);
    const calls = 100 * 4;
    const outcome = await withServer({ requestsPerSecond: perSecond }, async (server) => {
      const arrivals: number[] = [];
      server.setHandler(() => {
        arrivals.push(performance.now());
        return { kind: "json", value: { verdict: "ship", confidence: 0.8, quote: "q", rationale: "r", strengths: [], risks: [], pricingRead: null } };
      });
      const run = await batchRun(input, server, 64);
      return { run, requests: server.calls.length, answered: arrivals.length, windowMs: arrivals.at(-1)! - arrivals[0]! };
    });
    const failed = Number(/failed (\d+)/.exec(outcome.run.stdout)?.[1] ?? "-1");
    const refused = outcome.requests - outcome.answered;
    const endToEnd = calls / (outcome.run.wallMs / 1000);
    // At the server: from the first answered request to the last, the window the limit applies to.
    const atServer = (outcome.answered - 1) / (outcome.windowMs / 1000);
    report(
      `2. rate-limited: server allows ${perSecond} req/s (${perSecond * 60} a minute in its headers); at the server ${atServer.toFixed(1)} req/s, achieved ÷ R = ${(atServer / perSecond).toFixed(3)} (target ≥ 0.95); ` +
        `end to end with process start-up ${endToEnd.toFixed(1)} req/s = ${(endToEnd / perSecond).toFixed(3)}; ${refused} of ${outcome.requests} requests answered 429 = ${((100 * refused) / outcome.requests).toFixed(1)}% (target ≤ 2%); ${failed} failed reviews (target 0); exit ${outcome.run.code}`,
    );
  }
}

// 3. Cache (bench/prompt-cache-figure.ts).
if (want(3)) {
  for (const line of await measurePromptCache(dir, launches)) report(line);
}

// 4. Start-up.
if (want(4)) {
  const median = async (args: string[]): Promise<number> => {
    const times: number[] = [];
    for (let round = 0; round < 11; round += 1) {
      const started = performance.now();
      const child = spawn(process.execPath, args, { stdio: "ignore" });
      await once(child, "exit");
      times.push(performance.now() - started);
    }
    return times.sort((a, b) => a - b)[5]!;
  };
  const help = await median([PANELIST_BIN, "--help"]);
  const bare = await median(["-e", "0"]);
  const first: number[] = [];
  const sdkFirst: number[] = [];
  // Interleaved, so that both see the same machine.
  for (let round = 0; round < 11; round += 1) {
    first.push(await spawnToFirstRequest(round));
    sdkFirst.push(await spawnToFirstRequest(round, "bare-sdk"));
  }
  const firstMedian = first.sort((a, b) => a - b)[5]!;
  const sdkMedian = sdkFirst.sort((a, b) => a - b)[5]!;
  // The libraries of the fixed stack the CLI needs before its first call (bench/start-up-floor.mjs).
  const { stdout: floor } = await promisify(execFile)(process.execPath, ["bench/start-up-floor.mjs"]);
  const librariesMs = Number(/together: ([\d.]+) ms/.exec(floor)?.[1] ?? Number.NaN);
  report(
    `4. start-up: spawn to the first request of panelist review ${firstMedian.toFixed(0)} ms (range ${first[0]!.toFixed(0)}–${first.at(-1)!.toFixed(0)}, target ≤ 150) ÷ node -e 0 ${bare.toFixed(0)} ms = ${(firstMedian / bare).toFixed(2)}; ` +
      `the bare SDK's own spawn to first request ${sdkMedian.toFixed(0)} ms, plus zod, yaml, Handlebars and better-sqlite3 ${librariesMs.toFixed(0)} ms = a floor of ${(sdkMedian + librariesMs).toFixed(0)} ms; panelist --help ${help.toFixed(0)} ms = ${(help / bare).toFixed(2)} (medians of 11)`,
  );
}

// 5. Memory: its own script, since it runs 40,000 reviews twice.
if (want(5)) {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/batch-memory.ts"], { stdio: ["ignore", "pipe", "ignore"] });
  let stdout = "";
  child.stdout!.on("data", (chunk: Buffer) => void (stdout += chunk.toString()));
  await once(child, "exit");
  for (const line of stdout.trim().split("\n").filter((entry) => entry.startsWith("batch memory"))) report(`5. ${line}`);
}
