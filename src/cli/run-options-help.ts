import { DEFAULT_MODEL_VENDORS, FALLBACK_MODEL, variablesPickingDefault } from "../providers/default-model.js";
import { VENDORS } from "../providers/vendors.js";

// The run commands' options in their help, written from the vendor registry and wrapped to the
// help's width; each command's help (help-text.ts) takes the lines tagged for it.

/** Help lines are wrapped to this many characters. */
const WIDTH = 94;
/** Where option descriptions start. */
const DESCRIPTION_COLUMN = 30;

/**
 * Words of `text` in lines of at most {@link WIDTH} characters, for text that starts at column
 * `indent`: lines after the first are indented by as many spaces.
 */
function wrap(text: string, indent: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && indent + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.join(`\n${" ".repeat(indent)}`);
}

// The provider lists come from the vendor registry, so a new vendor shows up here by itself.
const MODEL_OPTION = wrap(
  `model(s) to review with; repeat or comma-separate for several (${VENDORS.map((vendor) => `${vendor.id}:`).join(", ")}). Default: ${DEFAULT_MODEL_VENDORS.map(
    (vendor) => `${vendor.id}:${vendor.defaultModel} when ${variablesPickingDefault(vendor).join(" or ")} is set, else`,
  ).join(" ")} ${FALLBACK_MODEL} on this machine (downloaded once, 1.1 GB)`,
  DESCRIPTION_COLUMN,
);
/** Where keys and base URLs come from, one paragraph for every command that calls a model. */
export const KEYS_PARAGRAPH = wrap(
  `Keys come from the environment or a .env file in the current folder: ${VENDORS.flatMap((vendor) => (vendor.apiKeyVariable ? [vendor.apiKeyVariable] : [])).join(", ")}; base URLs from ${VENDORS.flatMap((vendor) => (vendor.baseUrlVariable ? [vendor.baseUrlVariable] : [])).join(", ")}.`,
  0,
);

/** The run options, each line tagged by the commands that take it (untagged: every run command). */
const RUN_OPTIONS_TAGGED = `Options:
  --model <provider:model>    ${MODEL_OPTION}
  --out <dir>                 output folder (default ./panelist-out)
  --allow-private-hosts       sources: fetch from private and loopback addresses too
  --store <file>              SQLite store every run is kept in (default ./panelist.db,
                              or PANELIST_STORE); a re-run asks only for what is missing
  --no-cache                  call the provider even for a request already answered
  --new-run                   start a new run even if an unfinished one of the same job exists
  --format <list>             md,json,html,csv (default md,json)
  --samples <n>               ask each (tool, persona, model) n times (default 1)
  --seed <n>                  seed of the first sample (then seed+1, …) where the provider takes one
  --assign <list>             per-persona models: skeptic=anthropic:…,futurist=openai:…
  --spotlight <mode>          datamark|delimit|off: how tool text is marked in prompts (default datamark)
[compare]  --swap                      run again with the tools reversed; report a pick that flips
[review]  --replay <report.json>      re-render recorded reviews (with --format, --out); no calls
[review,compare]  --summary, --no-summary     a moderator's 2-4 sentence editor summary (default: on for
[review,compare]                              compare, off for review); it never changes the pick
  --personas <ids>            subset of personas, comma-separated, in panel order
  --personas-dir <dir>        use your own persona files instead of the built-in panel
  --concurrency <n>           calls in flight at once (default 8)
  --base-url <url>            server address for every provider (OpenAI-compatible servers)
  --temperature <t>           sampling temperature (provider default when unset)
  --max-output-tokens <n>     output token limit per call (default 1024)
  --timeout <seconds>         per-call timeout; a hung call is abandoned and retried (default 120,
                              600 when a local: model is in the run)
  --max-retries <n>           retries of 408/409/429/5xx/529, timeouts, dropped connections (default 4)
  --structured <mode>         auto|json_schema|json_object|tool|prompt (default auto: the
                              strongest the endpoint accepts, falling back when it refuses)
  --repair-attempts <n>       re-asks after an unusable or cut-off answer (default 1)
  --max-cost <usd>            start no call that could take spending past this
  --rpm <n>, --tpm <n>        requests / tokens per minute per model, paced evenly from the
                              first call; where the server's headers state a lower limit,
                              the lower wins
  --prices <file.json>        prices overriding the built-in table (USD per million tokens)
  --max-description-chars <n> cut longer descriptions, with a warning (default 20000)
  --threads <n>               CPU threads for local: models (default: half the logical cores)
  --models-dir <dir>          where local: models are downloaded (default ~/.cache/panelist/models)
[review,compare]  --dry-run                   list the planned calls with token and cost estimates; call nothing
[batch]  --dry-run                   list the tools and planned calls with token and cost estimates (the
[batch]                              tools --since-last would skip left out); call nothing, store nothing
  -v, --verbose               one line per call on stderr
  --log-json                  one JSON line per call on stderr (for scheduled jobs)
  -h, --help                  show this help

${KEYS_PARAGRAPH}
local: takes a .gguf file, hf:<user>/<repo>/<file>.gguf, an https:// URL or a known name
(qwen2.5-1.5b-instruct); it needs the optional node-llama-cpp package. PANELIST_MODELS_DIR,
PANELIST_THREADS, HF_ENDPOINT (a mirror) and HF_TOKEN (gated models) apply to it.
`;

/** The options a command takes: lines tagged for other commands are left out. */
export function runOptions(command: "review" | "compare" | "batch"): string {
  return RUN_OPTIONS_TAGGED.split("\n")
    .flatMap((line) => {
      const tag = /^\[([a-z,]+)\]/.exec(line);
      if (!tag) return [line];
      return tag[1]!.split(",").includes(command) ? [line.slice(tag[0].length)] : [];
    })
    .join("\n");
}
