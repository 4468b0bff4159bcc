/**
 * The store's schema, as numbered migrations. `PRAGMA user_version` records how many have been
 * applied; a new migration is appended, never edited, so every store can be brought forward.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'interrupted')),
    signature TEXT NOT NULL,
    command TEXT NOT NULL,
    config_json TEXT NOT NULL,
    models_json TEXT NOT NULL,
    personas_json TEXT NOT NULL,
    prompt_hashes_json TEXT NOT NULL,
    inputs_json TEXT NOT NULL
  );
  CREATE INDEX runs_by_signature ON runs (signature, started_at);

  CREATE TABLE tools (
    id INTEGER PRIMARY KEY,
    identity TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    record_json TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    UNIQUE (identity, content_hash)
  );

  CREATE TABLE run_tools (
    run_id TEXT NOT NULL REFERENCES runs (id),
    tool_id INTEGER NOT NULL REFERENCES tools (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (run_id, tool_id)
  );

  CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (id),
    tool_id INTEGER NOT NULL REFERENCES tools (id),
    persona TEXT NOT NULL,
    model TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('ship', 'skip')),
    confidence REAL NOT NULL,
    quote TEXT NOT NULL,
    rationale TEXT NOT NULL,
    strengths_json TEXT NOT NULL,
    risks_json TEXT NOT NULL,
    pricing_read TEXT,
    input_tokens INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cost_usd REAL,
    latency_ms INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    response_model TEXT NOT NULL,
    finish_reason TEXT NOT NULL,
    repairs_json TEXT,
    reasked INTEGER NOT NULL DEFAULT 0,
    from_cache INTEGER NOT NULL DEFAULT 0,
    raw_text TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (run_id, tool_id, persona, model)
  );
  CREATE INDEX reviews_by_tool ON reviews (tool_id);

  CREATE TABLE failures (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (id),
    tool_id INTEGER NOT NULL REFERENCES tools (id),
    persona TEXT NOT NULL,
    model TEXT NOT NULL,
    kind TEXT NOT NULL,
    error TEXT NOT NULL,
    raw_text TEXT,
    attempts INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cost_usd REAL,
    created_at TEXT NOT NULL,
    UNIQUE (run_id, tool_id, persona, model)
  );

  CREATE TABLE responses (
    request_hash TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    text TEXT NOT NULL,
    usage_json TEXT NOT NULL,
    finish_reason_json TEXT NOT NULL,
    response_model TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  `,
  // 2: provider batch APIs (--via batch-api). A batch's id is stored the moment the provider
  // accepts it, so a run killed between submit and download picks the batch up instead of paying twice.
  `
  ALTER TABLE reviews ADD COLUMN via_batch INTEGER NOT NULL DEFAULT 0;

  CREATE TABLE provider_batches (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (id),
    model TEXT NOT NULL,
    input_file_id TEXT,
    request_count INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('submitted', 'collected', 'failed')),
    provider_status TEXT,
    succeeded INTEGER,
    errored INTEGER,
    submitted_at TEXT NOT NULL,
    checked_at TEXT,
    collected_at TEXT
  );
  CREATE INDEX provider_batches_by_run ON provider_batches (run_id);

  CREATE TABLE provider_batch_requests (
    batch_id TEXT NOT NULL REFERENCES provider_batches (id),
    custom_id TEXT NOT NULL,
    PRIMARY KEY (batch_id, custom_id)
  );

  CREATE TABLE provider_batch_results (
    run_id TEXT NOT NULL REFERENCES runs (id),
    model TEXT NOT NULL,
    custom_id TEXT NOT NULL,
    batch_id TEXT NOT NULL REFERENCES provider_batches (id),
    result_json TEXT NOT NULL,
    PRIMARY KEY (run_id, model, custom_id)
  );
  `,
  // 3: one job identity for every command. A review's key gains its sample (batch --samples, the
  // swapped pass of compare --swap), and each review records the persona and prompt hashes that
  // made it, so --since-last notices a changed panel. Where an answer came from is one column.
  // SQLite cannot change a UNIQUE constraint in place: the two tables are rebuilt.
  `
  CREATE TABLE reviews_v3 (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (id),
    tool_id INTEGER NOT NULL REFERENCES tools (id),
    persona TEXT NOT NULL,
    model TEXT NOT NULL,
    sample INTEGER NOT NULL DEFAULT 0,
    verdict TEXT NOT NULL CHECK (verdict IN ('ship', 'skip')),
    confidence REAL NOT NULL,
    quote TEXT NOT NULL,
    rationale TEXT NOT NULL,
    strengths_json TEXT NOT NULL,
    risks_json TEXT NOT NULL,
    pricing_read TEXT,
    input_tokens INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cost_usd REAL,
    latency_ms INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    response_model TEXT NOT NULL,
    finish_reason TEXT NOT NULL,
    repairs_json TEXT,
    reasked INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT 'call' CHECK (source IN ('call', 'cache', 'batch')),
    seed INTEGER,
    persona_hash TEXT,
    prompt_hash TEXT,
    raw_text TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (run_id, tool_id, persona, model, sample)
  );
  INSERT INTO reviews_v3 (id, run_id, tool_id, persona, model, sample, verdict, confidence, quote, rationale, strengths_json, risks_json,
    pricing_read, input_tokens, cached_input_tokens, output_tokens, cost_usd, latency_ms, attempts, response_model, finish_reason,
    repairs_json, reasked, source, persona_hash, raw_text, created_at)
  SELECT r.id, r.run_id, r.tool_id, r.persona, r.model, 0, r.verdict, r.confidence, r.quote, r.rationale, r.strengths_json, r.risks_json,
    r.pricing_read, r.input_tokens, r.cached_input_tokens, r.output_tokens, r.cost_usd, r.latency_ms, r.attempts, r.response_model, r.finish_reason,
    r.repairs_json, r.reasked, CASE WHEN r.via_batch = 1 THEN 'batch' WHEN r.from_cache = 1 THEN 'cache' ELSE 'call' END,
    (SELECT p.value ->> '$.hash' FROM runs, json_each(runs.personas_json) AS p WHERE runs.id = r.run_id AND p.value ->> '$.id' = r.persona),
    r.raw_text, r.created_at
  FROM reviews r;
  DROP TABLE reviews;
  ALTER TABLE reviews_v3 RENAME TO reviews;
  CREATE INDEX reviews_by_tool ON reviews (tool_id);

  CREATE TABLE failures_v3 (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (id),
    tool_id INTEGER NOT NULL REFERENCES tools (id),
    persona TEXT NOT NULL,
    model TEXT NOT NULL,
    sample INTEGER NOT NULL DEFAULT 0,
    kind TEXT NOT NULL,
    error TEXT NOT NULL,
    raw_text TEXT,
    attempts INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cost_usd REAL,
    created_at TEXT NOT NULL,
    UNIQUE (run_id, tool_id, persona, model, sample)
  );
  INSERT INTO failures_v3 (id, run_id, tool_id, persona, model, sample, kind, error, raw_text, attempts, input_tokens, cached_input_tokens,
    output_tokens, cost_usd, created_at)
  SELECT id, run_id, tool_id, persona, model, 0, kind, error, raw_text, attempts, input_tokens, cached_input_tokens, output_tokens, cost_usd, created_at
  FROM failures;
  DROP TABLE failures;
  ALTER TABLE failures_v3 RENAME TO failures;

  -- What a run planned (panel per persona, samples, swap), what it left out, and its editor summary:
  -- enough to render its report from the store alone.
  ALTER TABLE runs ADD COLUMN plan_json TEXT;
  ALTER TABLE runs ADD COLUMN skipped_json TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE runs ADD COLUMN summary_json TEXT;
  `,
  // 4: the sources' HTTP responses that carry an ETag or Last-Modified, by the URL asked for, so
  // a later fetch of the same page or API answer is a conditional GET and a 304 costs no body.
  `
  CREATE TABLE http_cache (
    url TEXT PRIMARY KEY,
    status INTEGER NOT NULL,
    headers_json TEXT NOT NULL,
    body TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    fetched_at TEXT NOT NULL
  );
  `,
  // 5: the editors' workbench. A re-run supersedes a review instead of replacing it, so the
  // model's earlier answer stays as history: the one-current-review rule becomes a partial unique
  // index (rebuilt table, as in 3). Edits, human verdicts and acceptances are append-only rows with
  // who, when and why; the current state is the newest row.
  `
  CREATE TABLE reviews_v5 (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (id),
    tool_id INTEGER NOT NULL REFERENCES tools (id),
    persona TEXT NOT NULL,
    model TEXT NOT NULL,
    sample INTEGER NOT NULL DEFAULT 0,
    verdict TEXT NOT NULL CHECK (verdict IN ('ship', 'skip')),
    confidence REAL NOT NULL,
    quote TEXT NOT NULL,
    rationale TEXT NOT NULL,
    strengths_json TEXT NOT NULL,
    risks_json TEXT NOT NULL,
    pricing_read TEXT,
    input_tokens INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cost_usd REAL,
    latency_ms INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    response_model TEXT NOT NULL,
    finish_reason TEXT NOT NULL,
    repairs_json TEXT,
    reasked INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT 'call' CHECK (source IN ('call', 'cache', 'batch')),
    seed INTEGER,
    persona_hash TEXT,
    prompt_hash TEXT,
    raw_text TEXT,
    created_at TEXT NOT NULL,
    superseded_at TEXT,
    superseded_by INTEGER,
    rerun_id INTEGER
  );
  INSERT INTO reviews_v5 (id, run_id, tool_id, persona, model, sample, verdict, confidence, quote, rationale, strengths_json, risks_json, pricing_read, input_tokens, cached_input_tokens, output_tokens, cost_usd, latency_ms, attempts, response_model, finish_reason, repairs_json, reasked, source, seed, persona_hash, prompt_hash, raw_text, created_at)
  SELECT id, run_id, tool_id, persona, model, sample, verdict, confidence, quote, rationale, strengths_json, risks_json, pricing_read, input_tokens, cached_input_tokens, output_tokens, cost_usd, latency_ms, attempts, response_model, finish_reason, repairs_json, reasked, source, seed, persona_hash, prompt_hash, raw_text, created_at FROM reviews;
  DROP TABLE reviews;
  ALTER TABLE reviews_v5 RENAME TO reviews;
  CREATE INDEX reviews_by_tool ON reviews (tool_id);
  CREATE UNIQUE INDEX reviews_current ON reviews (run_id, tool_id, persona, model, sample) WHERE superseded_at IS NULL;

  CREATE TABLE review_edits (
    id INTEGER PRIMARY KEY,
    review_id INTEGER NOT NULL REFERENCES reviews (id),
    version INTEGER NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('edit', 'undo')),
    quote TEXT,
    verdict TEXT CHECK (verdict IN ('ship', 'skip')),
    confidence REAL,
    reason TEXT NOT NULL,
    editor TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (review_id, version)
  );

  CREATE TABLE tool_labels (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (id),
    tool_id INTEGER NOT NULL REFERENCES tools (id),
    verdict TEXT NOT NULL CHECK (verdict IN ('ship', 'skip')),
    note TEXT NOT NULL DEFAULT '',
    editor TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX tool_labels_by_run ON tool_labels (run_id, tool_id);

  CREATE TABLE tool_acceptances (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (id),
    tool_id INTEGER NOT NULL REFERENCES tools (id),
    accepted INTEGER NOT NULL,
    editor TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX tool_acceptances_by_run ON tool_acceptances (run_id, tool_id);

  CREATE TABLE reruns (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES runs (id),
    tool_id INTEGER REFERENCES tools (id),
    persona TEXT,
    model TEXT,
    editor TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'interrupted')),
    started_at TEXT NOT NULL,
    finished_at TEXT,
    failures_json TEXT NOT NULL DEFAULT '[]',
    -- USD spent on the re-run's answers that failed (its reviews carry their own cost).
    failed_cost_usd REAL NOT NULL DEFAULT 0
  );
  CREATE INDEX reruns_by_run ON reruns (run_id);
  `,
  // 6: the indexes 5's rebuilt reviews table lost. Its only run index is partial (current reviews),
  // so every count or cost of a run's reviews scanned the whole table, once per run listed; and
  // finding the review a re-run replaced scanned it once per review shown. Runs by start time let
  // a page of the newest runs count the reviews of that page only, not of every run before sorting.
  `
  CREATE INDEX reviews_by_run ON reviews (run_id, tool_id);
  CREATE INDEX reviews_by_superseding ON reviews (superseded_by) WHERE superseded_by IS NOT NULL;
  CREATE INDEX runs_by_start ON runs (started_at, id);
  `,
];
