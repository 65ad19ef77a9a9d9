-- Stockula's eleven tables, with Stockula's table and column names.
--
-- Types: prices, ratios, strikes and market caps are DOUBLE PRECISION. Every source value is an IEEE-754
-- double (SQLite REAL, Yahoo float32 widened to double), and float8 stores each double bit for bit, so a
-- value round-trips exactly (NUMERIC(12,4) would round 13-decimal adjusted prices and 1e-5 crypto prices).
-- float8 is also what TimescaleDB compresses best (Gorilla). Volumes reach 5e10: BIGINT.
-- Time-series tables are keyed by their natural key (no surrogate id): the key is what an upsert and a
-- hypertable need. Reference tables (strategies, autots_*) keep Stockula's integer ids because other rows
-- refer to them. There are no foreign keys on the data tables: orphans are loaded (their stock row is created)
-- and reported by the quality checks instead of blocking a load.

CREATE TABLE IF NOT EXISTS stocks (
    symbol            TEXT PRIMARY KEY,
    name              TEXT,
    sector            TEXT,
    industry          TEXT,
    market_cap        DOUBLE PRECISION,
    exchange          TEXT,
    currency          TEXT,
    -- additions: the IANA zone that dates a daily bar, the instrument type, and whether ingestion pulls it
    exchange_timezone TEXT,
    instrument_type   TEXT,
    is_active         BOOLEAN NOT NULL DEFAULT TRUE,
    inactive_reason   TEXT,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The design's shape. A daily (or longer) bar is stamped at midnight of its trading date in the exchange's
-- zone; an intraday bar at its exact instant. The key includes the time column, as a hypertable requires.
CREATE TABLE IF NOT EXISTS price_history (
    symbol        TEXT NOT NULL,
    "timestamp"   TIMESTAMPTZ NOT NULL,
    interval_type TEXT NOT NULL DEFAULT '1d',
    open_price    DOUBLE PRECISION,
    high_price    DOUBLE PRECISION,
    low_price     DOUBLE PRECISION,
    close_price   DOUBLE PRECISION,
    volume        BIGINT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT price_history_pkey PRIMARY KEY (symbol, interval_type, "timestamp")
);

CREATE TABLE IF NOT EXISTS dividends (
    symbol     TEXT NOT NULL,
    date       DATE NOT NULL,
    amount     DOUBLE PRECISION NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT dividends_pkey PRIMARY KEY (symbol, date)
);

CREATE TABLE IF NOT EXISTS splits (
    symbol     TEXT NOT NULL,
    date       DATE NOT NULL,
    ratio      DOUBLE PRECISION NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT splits_pkey PRIMARY KEY (symbol, date)
);

-- Options keep every snapshot: snapshot_at is when the quote was taken (Stockula overwrote its quotes and only
-- updated_at told when; a migrated row takes that time). contract_symbol is '' when the source had none, so
-- that the key has no NULLs (SQLite treats NULLs in a UNIQUE key as distinct, PostgreSQL's ON CONFLICT cannot).
CREATE TABLE IF NOT EXISTS options_calls (
    symbol             TEXT NOT NULL,
    expiration_date    DATE NOT NULL,
    strike             DOUBLE PRECISION NOT NULL,
    last_price         DOUBLE PRECISION,
    bid                DOUBLE PRECISION,
    ask                DOUBLE PRECISION,
    volume             BIGINT,
    open_interest      BIGINT,
    implied_volatility DOUBLE PRECISION,
    in_the_money       BOOLEAN,
    contract_symbol    TEXT NOT NULL DEFAULT '',
    snapshot_at        TIMESTAMPTZ NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT options_calls_pkey PRIMARY KEY (symbol, expiration_date, strike, contract_symbol, snapshot_at)
);

CREATE TABLE IF NOT EXISTS options_puts (
    symbol             TEXT NOT NULL,
    expiration_date    DATE NOT NULL,
    strike             DOUBLE PRECISION NOT NULL,
    last_price         DOUBLE PRECISION,
    bid                DOUBLE PRECISION,
    ask                DOUBLE PRECISION,
    volume             BIGINT,
    open_interest      BIGINT,
    implied_volatility DOUBLE PRECISION,
    in_the_money       BOOLEAN,
    contract_symbol    TEXT NOT NULL DEFAULT '',
    snapshot_at        TIMESTAMPTZ NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT options_puts_pkey PRIMARY KEY (symbol, expiration_date, strike, contract_symbol, snapshot_at)
);

-- info_json is queryable JSONB. Stockula wrote Python's json.dumps output, which may hold bare NaN/Infinity
-- tokens that JSONB rejects: those become null in info_json and the exact original text is kept in
-- info_json_raw (NULL when the source was valid JSON), so nothing is lost.
CREATE TABLE IF NOT EXISTS stock_info (
    symbol        TEXT PRIMARY KEY,
    info_json     JSONB NOT NULL,
    info_json_raw TEXT,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS strategies (
    id          BIGINT PRIMARY KEY,
    name        TEXT NOT NULL,
    class_name  TEXT NOT NULL,
    module_path TEXT NOT NULL,
    description TEXT,
    category    TEXT,
    is_active   BOOLEAN NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS ix_strategies_name ON strategies (name);

CREATE TABLE IF NOT EXISTS strategy_presets (
    id              BIGINT PRIMARY KEY,
    strategy_id     BIGINT NOT NULL,
    name            TEXT NOT NULL,
    parameters_json JSONB NOT NULL,
    description     TEXT,
    is_default      BOOLEAN NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS ix_strategy_presets_strategy_id ON strategy_presets (strategy_id);

CREATE TABLE IF NOT EXISTS autots_models (
    id                 BIGINT PRIMARY KEY,
    name               TEXT,
    categories         JSONB,
    is_slow            BOOLEAN,
    is_gpu_enabled     BOOLEAN,
    requires_regressor BOOLEAN,
    min_data_points    BIGINT,
    description        TEXT,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS autots_presets (
    id          BIGINT PRIMARY KEY,
    name        TEXT,
    models      JSONB,
    description TEXT,
    use_case    TEXT,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Read paths: latest bars of a symbol, and a day across symbols.
CREATE INDEX IF NOT EXISTS ix_price_history_time ON price_history ("timestamp" DESC);
CREATE INDEX IF NOT EXISTS ix_dividends_date ON dividends (date);
CREATE INDEX IF NOT EXISTS ix_splits_date ON splits (date);
CREATE INDEX IF NOT EXISTS ix_options_calls_snapshot ON options_calls (snapshot_at DESC);
CREATE INDEX IF NOT EXISTS ix_options_puts_snapshot ON options_puts (snapshot_at DESC);
