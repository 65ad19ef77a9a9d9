-- One price series Stockula can trust (issue 8): the basis of every price column, where each row came from and as
-- of when, the raw values Yahoo sent, the losing versions of merged rows, and the rebases still owed.

-- Stockula's columns keep Stockula's meaning; the new columns keep what that meaning throws away.
ALTER TABLE price_history ADD COLUMN IF NOT EXISTS raw_open  DOUBLE PRECISION;
ALTER TABLE price_history ADD COLUMN IF NOT EXISTS raw_high  DOUBLE PRECISION;
ALTER TABLE price_history ADD COLUMN IF NOT EXISTS raw_low   DOUBLE PRECISION;
ALTER TABLE price_history ADD COLUMN IF NOT EXISTS raw_close DOUBLE PRECISION;
ALTER TABLE price_history ADD COLUMN IF NOT EXISTS adj_close DOUBLE PRECISION;
ALTER TABLE price_history ADD COLUMN IF NOT EXISTS source    TEXT;
ALTER TABLE price_history ADD COLUMN IF NOT EXISTS as_of     TIMESTAMPTZ;

COMMENT ON COLUMN price_history.open_price IS 'Stockula''s basis (yfinance auto_adjust=True at as_of): daily and longer bars'
    ' open x adjclose/close (split- and dividend-adjusted); intraday bars Yahoo''s split-adjusted open. Decimal for'
    ' rate symbols (stockula.units.percent-symbols, default ^IRX).';
COMMENT ON COLUMN price_history.high_price IS 'As open_price: high x adjclose/close for daily and longer bars.';
COMMENT ON COLUMN price_history.low_price IS 'As open_price: low x adjclose/close for daily and longer bars.';
COMMENT ON COLUMN price_history.close_price IS 'Stockula''s basis: Yahoo''s adjclose (split- and dividend-adjusted at'
    ' as_of) for daily and longer bars, Yahoo''s close for intraday bars.';
COMMENT ON COLUMN price_history.volume IS 'As Yahoo gives it (split-adjusted), as yfinance stores it.';
COMMENT ON COLUMN price_history.raw_open IS 'Yahoo''s open as sent: split-adjusted only (splits known at as_of), not'
    ' dividend-adjusted. NULL for rows migrated from Stockula (it kept only the adjusted values).';
COMMENT ON COLUMN price_history.raw_high IS 'Yahoo''s high as sent (split-adjusted only); NULL for migrated rows.';
COMMENT ON COLUMN price_history.raw_low IS 'Yahoo''s low as sent (split-adjusted only); NULL for migrated rows.';
COMMENT ON COLUMN price_history.raw_close IS 'Yahoo''s close as sent (split-adjusted only); NULL for migrated rows.';
COMMENT ON COLUMN price_history.adj_close IS 'Yahoo''s adjclose as sent (split- and dividend-adjusted at as_of); NULL'
    ' for intraday bars (Yahoo sends none) and for migrated rows.';
COMMENT ON COLUMN price_history.source IS 'Where the row''s values came from: sqlite (a Stockula file) or yahoo.';
COMMENT ON COLUMN price_history.as_of IS 'When the values were true: the SQLite row''s updated_at (created_at when'
    ' it has none), or the Yahoo fetch time. A write replaces the row only with data at least as new.';

-- When two source rows collide after normalisation (aapl and AAPL on one day), the one that lost is kept here,
-- written in the transaction of the batch that merged it, so that an operator can see and undo the choice.
CREATE TABLE IF NOT EXISTS merged_records (
    id           BIGSERIAL PRIMARY KEY,
    merged_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    source       TEXT NOT NULL,            -- sqlite:/path, yahoo
    source_table TEXT NOT NULL,
    target_table TEXT NOT NULL,
    source_key   TEXT NOT NULL,            -- the losing row, e.g. rowid=41
    winner_key   TEXT NOT NULL,            -- the row kept, e.g. rowid=42
    reason       TEXT NOT NULL,            -- older_as_of, same_as_of_read_earlier
    record       JSONB NOT NULL,           -- the losing row as read from its source
    run_id       BIGINT
);
CREATE INDEX IF NOT EXISTS ix_merged_records_source ON merged_records (source, source_table, source_key);

-- A dividend or split the database did not know means the symbol's adjusted history must be reloaded. The reload
-- owed is noted here at once; the reload's own transaction writes the bars, the events and deletes the note, so a
-- reload that fails, is throttled or is killed is planned again by the next run.
CREATE TABLE IF NOT EXISTS price_rebases (
    symbol        TEXT NOT NULL,
    interval_type TEXT NOT NULL,
    reason        TEXT NOT NULL,
    detected_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT price_rebases_pkey PRIMARY KEY (symbol, interval_type)
);
