-- TimescaleDB mode (chosen at runtime when the extension is available). Placeholders come from
-- application.properties (stockula.timescale.*).
CREATE EXTENSION IF NOT EXISTS timescaledb;

-- price_history holds daily and intraday bars in one hypertable, chunked by ${priceChunkInterval} (default 30 days):
--  * daily bars, 1,000 symbols: ~21k rows a chunk; 30 years of history stay at ~365 chunks (7-day chunks would
--    make ~1,560 tiny chunks for the planner to walk for every long backtest query);
--  * hourly bars, 1,000 symbols: ~150k rows a chunk; 1-minute bars: ~8M rows (~1 GB with its index), the upper
--    end of TimescaleDB's advice (recent chunks and their indexes within ~25% of memory). A deployment that
--    keeps 1-minute bars for many more symbols should lower it (it only applies to new chunks).
SELECT create_hypertable('price_history', by_range('timestamp', INTERVAL '${priceChunkInterval}'),
                         create_default_indexes => FALSE, if_not_exists => TRUE, migrate_data => TRUE);
-- Options snapshots: ~1,000 symbols x ~2,000 contracts a day; 7-day chunks keep a chunk near 14M rows.
SELECT create_hypertable('options_calls', by_range('snapshot_at', INTERVAL '${optionsChunkInterval}'),
                         create_default_indexes => FALSE, if_not_exists => TRUE, migrate_data => TRUE);
SELECT create_hypertable('options_puts', by_range('snapshot_at', INTERVAL '${optionsChunkInterval}'),
                         create_default_indexes => FALSE, if_not_exists => TRUE, migrate_data => TRUE);

-- Compression: one segment per symbol (and interval: a 1m series and a 1d series compress separately),
-- ordered by time so that range scans of one symbol decompress one segment.
ALTER TABLE price_history SET (timescaledb.compress,
    timescaledb.compress_segmentby = 'symbol, interval_type',
    timescaledb.compress_orderby = '"timestamp" DESC');
ALTER TABLE options_calls SET (timescaledb.compress,
    timescaledb.compress_segmentby = 'symbol',
    timescaledb.compress_orderby = 'snapshot_at DESC, expiration_date, strike, contract_symbol');
ALTER TABLE options_puts SET (timescaledb.compress,
    timescaledb.compress_segmentby = 'symbol',
    timescaledb.compress_orderby = 'snapshot_at DESC, expiration_date, strike, contract_symbol');

-- Compress once a chunk is unlikely to be rewritten (Yahoo revises recent bars; a split rewrites a symbol's
-- history, which TimescaleDB handles in compressed chunks too, only slower).
SELECT add_compression_policy('price_history', INTERVAL '${priceCompressAfter}', if_not_exists => TRUE);
SELECT add_compression_policy('options_calls', INTERVAL '${optionsCompressAfter}', if_not_exists => TRUE);
SELECT add_compression_policy('options_puts', INTERVAL '${optionsCompressAfter}', if_not_exists => TRUE);

-- Retention: option snapshots expire (default 3 years). Price history is kept forever by default: backtests
-- need the whole daily history; set stockula.timescale.price-retention to an interval to drop old chunks.
SELECT add_retention_policy('options_calls', INTERVAL '${optionsRetention}', if_not_exists => TRUE);
SELECT add_retention_policy('options_puts', INTERVAL '${optionsRetention}', if_not_exists => TRUE);
DO $$
BEGIN
    IF '${priceRetention}' <> 'none' THEN
        PERFORM add_retention_policy('price_history', INTERVAL '${priceRetention}', if_not_exists => TRUE);
    END IF;
END $$;
