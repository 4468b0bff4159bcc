#!/usr/bin/env node
import { limitHeapGrowth } from "./heap-growth.js";
import { main } from "./main.js";

limitHeapGrowth(process.execArgv, process.env.NODE_OPTIONS);

// A reader that stops early (`panelist export | head`) closes the pipe: stop quietly, as git does,
// rather than die on an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

// The only place that reads process.argv and process.env and decides the exit code.
const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  progressStream: process.stderr,
  protocolStreams: { input: process.stdin, output: process.stdout },
  onInterrupt: (listener) => {
    process.on("SIGINT", listener);
    return () => process.off("SIGINT", listener);
  },
});
process.exitCode = code;
