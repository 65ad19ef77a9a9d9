-- The ETL's own bookkeeping: checkpoints, run history, dead letters, rejected records, quality results.

-- Where each source table's reading stands. Advanced in the same transaction as the batch it covers,
-- compare-and-set on last_rowid, so a crash or a stale batch can neither skip nor repeat rows.
CREATE TABLE IF NOT EXISTS etl_checkpoints (
    source       TEXT NOT NULL,            -- e.g. sqlite:/data/stockula.db
    source_table TEXT NOT NULL,
    last_rowid   BIGINT NOT NULL DEFAULT 0,
    -- changed rows are followed in (updated_at, rowid) order: the last pair read and committed
    watermark       TEXT,
    watermark_rowid BIGINT NOT NULL DEFAULT 0,
    rows_done    BIGINT NOT NULL DEFAULT 0,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT etl_checkpoints_pkey PRIMARY KEY (source, source_table)
);

CREATE TABLE IF NOT EXISTS etl_run_history (
    run_id        BIGSERIAL PRIMARY KEY,
    job           TEXT NOT NULL,           -- migrate, sync, backfill, yahoo-prices, quality, ...
    started_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at   TIMESTAMPTZ,
    status        TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed', 'partial')),
    rows_in       BIGINT NOT NULL DEFAULT 0,
    rows_out      BIGINT NOT NULL DEFAULT 0,
    rows_merged   BIGINT NOT NULL DEFAULT 0,
    rows_rejected BIGINT NOT NULL DEFAULT 0,
    details       JSONB,
    error         TEXT
);
CREATE INDEX IF NOT EXISTS ix_etl_run_history_job ON etl_run_history (job, started_at DESC);

-- Messages whose processing failed after the redeliveries: persisted so that nothing disappears, replayable.
CREATE TABLE IF NOT EXISTS etl_dead_letters (
    id                BIGSERIAL PRIMARY KEY,
    failed_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    route_id          TEXT,
    endpoint          TEXT,                -- where it failed
    replay_uri        TEXT,                -- where a replay sends it (the route's entry)
    category          TEXT NOT NULL,       -- transient, data, system, business
    attempts          INT NOT NULL,
    exception_class   TEXT,
    exception_message TEXT,
    stacktrace        TEXT,
    headers           JSONB,
    body              TEXT,
    status            TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'replayed', 'replay_failed')),
    replayed_at       TIMESTAMPTZ,
    replay_count      INT NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS ix_etl_dead_letters_route ON etl_dead_letters (route_id, failed_at DESC);

-- Records that broke a rule: quarantined with machine-readable reasons and the original record, never dropped.
CREATE TABLE IF NOT EXISTS rejected_records (
    id           BIGSERIAL PRIMARY KEY,
    rejected_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    source       TEXT NOT NULL,            -- sqlite:/path, yahoo
    source_table TEXT NOT NULL,            -- the source's table (or Yahoo endpoint)
    target_table TEXT NOT NULL,
    source_key   TEXT NOT NULL,            -- e.g. rowid=42, or AAPL/1d/2024-01-02
    reason_codes TEXT[] NOT NULL,
    record       JSONB NOT NULL,
    run_id       BIGINT
);
CREATE INDEX IF NOT EXISTS ix_rejected_records_source ON rejected_records (source, source_table, source_key);
CREATE INDEX IF NOT EXISTS ix_rejected_records_time ON rejected_records (rejected_at DESC);

CREATE TABLE IF NOT EXISTS quality_results (
    id           BIGSERIAL PRIMARY KEY,
    run_id       BIGINT,
    checked_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    table_name   TEXT NOT NULL,
    dimension    TEXT NOT NULL,            -- completeness, accuracy, consistency, uniqueness, freshness, overall
    check_name   TEXT NOT NULL,
    subject      TEXT,                     -- a field, a symbol/interval, ...
    value        DOUBLE PRECISION,
    threshold    DOUBLE PRECISION,
    passed       BOOLEAN NOT NULL,
    details      JSONB
);
CREATE INDEX IF NOT EXISTS ix_quality_results_time ON quality_results (checked_at DESC, table_name);
