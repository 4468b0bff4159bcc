import { KEYS_PARAGRAPH, runOptions } from "./run-options-help.js";

/** Help shown by `panelist --help`. */
export const MAIN_HELP = `panelist — put software tools in front of a panel of LLM reviewer personas

Usage:
  panelist review <tool-file>... [options]      review one or more tools
  panelist compare <tool-file> <tool-file>... [options]
                                                head-to-head, with a pick
  panelist batch <input>... [options]           unattended reviews of many tools, resumable
  panelist intake <source>... [--out <dir>]     write editable tool files from GitHub, npm,
                                                PyPI, Hugging Face or any page, with facts
  panelist runs [--store <db>] [--tool <name>] [--limit <n>] [--json]
                                                the stored runs, newest first
  panelist report [<run-id>] [--format <list>] [--out <dir>]
                                                render a stored run again, no calls
  panelist rerun <run-id> [--tool <name>] [--persona <id>] [--model <m>]
                                                ask reviews of a stored run again; the old
                                                ones are kept as history
  panelist stats <report.json> | --store <db> [--run <id>]
                                                ship rates, agreement, bias checks
  panelist calibrate --labels <file|community|store> [<report.json> | --store <db> [--run <id>]]
                                                how far the panel agrees with people
  panelist export [--store <db>] [--run <id>] --format jsonl|csv
                                                a run's reviews, flat
  panelist personas [--personas-dir <dir>]      list the reviewer personas
  panelist mcp [--model <m>] [--max-cost <usd>] [--store <db>]
                                                a Model Context Protocol server on stdio:
                                                agents and chat clients ask the panel
  panelist serve [--store <db>] [--port <n>] [--editor <name>]
                                                the editors' workbench: the verdict pages of
                                                the store in a browser, to edit and re-run

Run 'panelist <command> --help' for a command's options. Every command keeps its runs in one
SQLite store (--store, else PANELIST_STORE, else ./panelist.db): a paid answer is stored as it
arrives, and running the same command again asks only for what is missing.

Exit codes: 0 every review succeeded; 1 some reviews failed, were not started (--max-cost)
or some tools were skipped for bad input (the report lists them); 2 usage, configuration or
input error, nothing called; 3 internal error; 4 batch --via batch-api: provider batches
still running (run the same command again to collect them); 130 interrupted by Ctrl-C (what
finished is stored; the same command again finishes the run).
`;

/** Help for each command. */
export const COMMAND_HELP: Readonly<Record<string, string>> = {
  review: `Usage: panelist review <tool-file>... [options]

Every persona reviews every tool; writes report.md and report.json to --out.
Tool files: Markdown with YAML front matter (.md), JSON (.json) or JSON Lines (.jsonl).

${runOptions("review")}`,
  compare: `Usage: panelist compare <tool-file> <tool-file>... [options]

Like review, plus a side-by-side table and a pick: the higher panel ship %, then the
higher mean confidence of ship verdicts, then the higher community ship %.

${runOptions("compare")}`,
  batch: `Usage: panelist batch <input>... [--store <db>] [--out dir] [options]

Inputs: tool files (.md, .json, .jsonl), folders of them, RSS 2.0 / Atom / JSON Feed files
(.xml, .rss, .atom) or feed URLs. Every review is stored as it finishes; an interrupted run is
resumed by running the same command again (or --resume <run-id>). Writes tools/<slug>.md|json
per tool, index.md|json sorted by panel ship %, and results.jsonl as reviews finish.

Batch options:
  --enrich                    feed items whose link is a GitHub repo, npm or PyPI package or a
                              Hugging Face model get that source's facts (their text stays)
  --since-last                skip tools already reviewed, unchanged, by the same persona files,
                              prompts and models
  --resume <run-id>           finish that run: only the reviews not yet stored
  --via <direct|batch-api>    batch-api: send the reviews through OpenAI's Batch API or
                              Anthropic's Message Batches (half price, results within 24 h);
                              repairs and unanswered requests go as ordinary calls
  --wait                      with --via batch-api: poll until the batches end, then finish
                              (without it the run exits 4 while they run; run it again later)
  --poll-seconds <n>          first wait between batch status checks (default 30, grows to 10 min)
  --status                    show the provider batches of the latest run (or --resume <id>)

${runOptions("batch")}`,
  stats: `Usage: panelist stats <report.json> [--out <dir>]
       panelist stats --store <db> [--run <run-id>]

Ship rate per persona, per model and per persona × model with 95% Wilson intervals; Fleiss'
kappa, Krippendorff's alpha and Gwet's AC1 across personas, across models for each persona and
across samples; the pairwise persona agreement matrix; mean confidence of ship vs skip; and the
bias checks (positivity, verbosity, indistinct personas, position). Writes stats.json.
`,
  export: `Usage: panelist export --store <db> [--run <run-id>] --format jsonl|csv [--output <file>]

Writes a run's reviews one per line (default: the newest run, to stdout).
`,
  runs: `Usage: panelist runs [--store <db>] [--tool <name>] [--limit <n>] [--json]

Lists the runs of every command kept in the store (default ./panelist.db, or PANELIST_STORE),
newest first: id, command, start, state, tools, models, reviews done and failed, cost.
--tool keeps runs with a tool whose name contains the text; --json prints one object per line.
`,
  report: `Usage: panelist report [<run-id>] [--format md,json,html,csv] [--out <dir>] [--store <db>]

Renders a stored run again from the store alone, with no calls (default: the newest run):
report.<format> (and stats.json for a study) for a review or comparison; results.jsonl, the
tool pages and the index for a batch.
`,
  intake: `Usage: panelist intake <source>... [--out <dir>] [--allow-private-hosts]

Reads each tool from where it lives and writes <slug>.md tool files to --out (default ./tools):
front matter with name, tagline, url, pricing (only what a source states: an open-source
licence gives "Open source") and facts with their sources and dates, the README, model card or
page text as the body. Correct them, then review them. Calls no model.

Sources: https://github.com/<owner>/<repo> or github:<owner>/<repo>; npm:<package>; pypi:<project>;
hf:<owner>/<model>, hf:spaces/<owner>/<space> or a huggingface.co URL; any other http(s) page
(its title, description and readable text); a feed (each item). review, compare and batch take
the same sources directly.

  --allow-private-hosts       fetch from loopback, private and link-local addresses too (off:
                              such addresses are refused after DNS and on every redirect)

GITHUB_TOKEN raises GitHub's rate limit; GITHUB_API_URL, npm_config_registry and HF_ENDPOINT
point at other servers (trusted, even on a private address); HF_TOKEN reads gated models.
`,
  calibrate: `Usage: panelist calibrate --labels <file.jsonl|file.csv|community|store> [<report.json>] [options]
       panelist calibrate --labels <…> --store <db> [--run <run-id>]

Sets a run's panel against human verdicts and writes calibration.json, calibration.md and
calibration.html (reliability diagram, ROC curve, persona bars) to --out (default: beside the
report, or ./panelist-out). The panel says ship above 50%, skip below, abstains at exactly 50%.

  --labels <file>             JSON Lines or CSV rows: tool (URL or name), verdict (ship|skip),
                              labeller, note; matched by URL, else by name
  --labels community          each tool's launch-day community vote as a weak label (ship when
                              at least half said ship)
  --labels store              the editors' own verdicts, recorded in the store by 'panelist
                              serve' (each editor's newest verdict per tool, matched by name)
  --min-votes <n>             fewest community votes that make a label (default 10)
  --store <db>, --run <id>    calibrate a stored run (default: the newest) instead of a report.json
  --out <dir>                 where the calibration files go

Prints accuracy, balanced accuracy, Cohen's kappa and Gwet's AC1 with 95% intervals, ROC AUC,
Brier score and expected calibration error of ship %, the same per persona and per model, the
effective number of votes, and the panel's kappa without each persona.
`,
  mcp: `Usage: panelist mcp [--model <provider:model>] [--max-cost <usd>] [--store <db>] [options]
       panelist mcp --http [--port <n>] [--host <addr>] [--token <t>] [options]

A Model Context Protocol server on stdin/stdout for agents and chat clients (stdout carries
protocol messages only; logs go to stderr). Tools: review_tools and compare_tools (tool files,
URLs, npm:, pypi:, hf:, github: or inline {name, description, …}; optional personas, a subset of
the panel), list_runs, get_run (md or json) and rerun_review (one persona of a stored run asked
again, with the run's model or another of the server's). Resources:
panelist://runs/{id}/report.md and report.json.

Every request runs with this server's settings: its models, panel and --max-cost (a cap per
request; reviews it would exceed are not started and the answer says so) and
--max-session-cost <usd> (a cap over the server's whole session: each request gets what is
left). A request can narrow the panel, never widen it or raise a limit. Runs are kept in the store, as the CLI keeps them.
The run options of compare apply (--model, --personas, --max-cost, --concurrency, --store, …);
--out, --format and --dry-run do not: answers go to the client, not to files.

  --http                      Streamable HTTP at http://127.0.0.1:4478/mcp instead of stdio,
                              until Ctrl-C; prints the address and a random token that every
                              request must send as Authorization: Bearer <token>
  --port <n>, --host <addr>   where --http listens (default 4478 on 127.0.0.1; any other
                              address needs --token)
  --token <t>                 the token (at least 16 characters; default: a random one)

${KEYS_PARAGRAPH}
`,
  serve: `Usage: panelist serve [--store <db>] [--port <n>] [--host <addr>] [--token <t>] [--editor <name>] [options]

The editors' workbench: a local web page over the store. Prints the address to open (it carries
a random access token, which becomes a cookie); serves until Ctrl-C, which stops re-runs in
flight (what they got is stored) and closes the store.

Runs are listed newest first; a run opens as its verdict page, live from the store. Edit a
review's quote, verdict or confidence with a reason (the model's answer is kept; undo restores
it), re-run a persona or a tool with another model, record your own ship/skip and accept a
page, export md, html or json as edited, paste a tool to review, compare stored tools.
Scripts use the JSON API under /api/ with Authorization: Bearer <token> (see docs/workbench.md).

  --port <n>                  port to listen on (default 4477; 0 picks a free one)
  --host <addr>               address to listen on (default 127.0.0.1, this machine only); any
                              other address needs --token
  --token <t>                 the access token (at least 16 characters; default: a random one)
  --editor <name>             the name every edit, verdict and re-run is recorded under
                              (default: the OS user)
  --store <file>              the store (default ./panelist.db, or PANELIST_STORE)
  --model <provider:model>    models for new reviews and re-runs (a re-run may also use the
                              run's own); the run options of compare apply (--personas,
                              --max-cost per job, --concurrency, …)

${KEYS_PARAGRAPH}
`,
  rerun: `Usage: panelist rerun <run-id> [--tool <name|id>] [--persona <id>] [--model <provider:model>] [options]

Asks some of a stored run's reviews again, as new reviews of the same run: one persona of one
tool, every persona of a tool, or the whole run, with the run's models or another one. The
reviews they replace stay in the store as superseded history ('panelist serve' shows it); the
panel, the pick, the editor summary and every export follow the new verdicts. A review that
fails leaves the earlier one current. Nothing is served from the response store: every review
named is asked again. Then renders the run's report files again.

  --tool <name|id>            one tool of the run, by name or store id (default: every tool)
  --persona <id>              one persona (default: the run's whole panel)
  --model <provider:model>    the model to ask in place of the run's own (default: the run's)
  --editor <name>             who asked, kept with the re-run (default: the OS user)
  --out <dir>                 where the report files go (default: the run's own --out; a
                              relative one from the current folder)
  --store <file>              the store (default ./panelist.db, or PANELIST_STORE)

The run's personas, prompts, samples, temperature, seed and output limit are used as stored;
the call options of compare apply (--concurrency, --max-cost, --timeout, --max-retries, --rpm,
…). Exit codes as for review: 0 all asked came back, 1 some failed, 2 a bad run, tool, persona
or model (nothing called), 130 interrupted.

${KEYS_PARAGRAPH}
`,
  personas: `Usage: panelist personas [--personas-dir <dir>]

Lists the reviewer personas: id, name and lens.
`,
};
