-- Plain PostgreSQL mode (no TimescaleDB): the same tables and indexes, no hypertables, and materialized views
-- with the same names and columns as TimescaleDB's continuous aggregates, refreshed by the `rollup-refresh`
-- route (routes/rollups.yaml). Buckets match time_bucket's exactly (see schema/timescaledb/V4).
CREATE MATERIALIZED VIEW IF NOT EXISTS price_daily AS
SELECT symbol,
       interval_type                                             AS source_interval,
       date_bin(INTERVAL '1 day', "timestamp", TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket,
       (array_agg(open_price ORDER BY "timestamp"))[1]           AS open_price,
       max(high_price)                                           AS high_price,
       min(low_price)                                            AS low_price,
       (array_agg(close_price ORDER BY "timestamp" DESC))[1]     AS close_price,
       sum(volume)                                               AS volume,
       count(*)                                                  AS bar_count
FROM price_history
WHERE interval_type IN ('1m', '2m', '5m', '15m', '30m', '60m', '90m', '1h')
GROUP BY 1, 2, 3
WITH NO DATA;
CREATE UNIQUE INDEX IF NOT EXISTS ux_price_daily ON price_daily (symbol, source_interval, bucket);

CREATE MATERIALIZED VIEW IF NOT EXISTS price_weekly AS
SELECT symbol,
       date_bin(INTERVAL '7 days', "timestamp", TIMESTAMPTZ '2000-01-02 10:00:00+00') AS bucket,
       (array_agg(open_price ORDER BY "timestamp"))[1]           AS open_price,
       max(high_price)                                           AS high_price,
       min(low_price)                                            AS low_price,
       (array_agg(close_price ORDER BY "timestamp" DESC))[1]     AS close_price,
       sum(volume)                                               AS volume,
       count(*)                                                  AS bar_count
FROM price_history
WHERE interval_type = '1d'
GROUP BY 1, 2
WITH NO DATA;
CREATE UNIQUE INDEX IF NOT EXISTS ux_price_weekly ON price_weekly (symbol, bucket);

CREATE MATERIALIZED VIEW IF NOT EXISTS price_monthly AS
SELECT symbol,
       date_trunc('month', "timestamp" + INTERVAL '14 hours', 'UTC') - INTERVAL '14 hours' AS bucket,
       (array_agg(open_price ORDER BY "timestamp"))[1]           AS open_price,
       max(high_price)                                           AS high_price,
       min(low_price)                                            AS low_price,
       (array_agg(close_price ORDER BY "timestamp" DESC))[1]     AS close_price,
       sum(volume)                                               AS volume,
       count(*)                                                  AS bar_count
FROM price_history
WHERE interval_type = '1d'
GROUP BY 1, 2
WITH NO DATA;
CREATE UNIQUE INDEX IF NOT EXISTS ux_price_monthly ON price_monthly (symbol, bucket);
