/** Progress of a run, reported after every stored review or failure. */
export interface RunProgress {
  /** Reviews this run covers. */
  total: number;
  /** Reviews done (stored before this session included). */
  done: number;
  failed: number;
  /** Served from the response store. */
  cached: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}
