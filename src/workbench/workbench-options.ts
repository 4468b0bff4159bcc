import type { RunConfig } from "../config/run-config.js";
import type { SourceOptions } from "../engine/source-context.js";
import type { Credentials } from "../providers/credentials.js";
import type { ReviewStore } from "../store/review-store.js";

/** What `panelist serve` hands the workbench: fixed when it starts. */
export interface WorkbenchOptions {
  /** Where runs are kept; the caller opens and closes it. */
  store: ReviewStore;
  /** Run settings for new reviews and re-runs (models, panel, --max-cost). */
  config: RunConfig;
  credentials: Credentials;
  /** Reading tools from where they live, for new reviews. */
  sources: SourceOptions;
  /** The access token: in the printed URL, then a cookie; scripts send it as a Bearer token. */
  token: string;
  /** The store's file, shown on the runs page. */
  storeFile?: string;
  /** Recorded with every edit, label, acceptance and re-run. */
  editor: string;
  /** The address the server listens on (default 127.0.0.1). */
  host: string;
  /** The port it listens on; 0 picks a free one (tests). */
  port: number;
  /** More values to redact from every page, answer and log line (e.g. every key in the environment). */
  secrets?: readonly string[];
  /** A line for the operator's log (the CLI writes it to stderr). */
  onLog?: (line: string) => void;
}
