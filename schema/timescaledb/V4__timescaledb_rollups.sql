-- Continuous aggregates (created outside a transaction: see V4__timescaledb_rollups.sql.conf).
--
-- price_daily: daily bars from intraday bars, per symbol and source interval (a 1h and a 5m series of the same
-- symbol are not added together), bucketed by UTC day, which is the trading day for every regular session
-- except late US after-hours bars.
-- price_weekly / price_monthly: from daily bars. A daily bar sits at local midnight of its trading date, i.e.
-- between 10:00Z the day before (UTC+14) and 10:00Z that day (UTC-10), so buckets are shifted by -14 hours:
-- each daily bar then falls into the week/month of its own local date, whatever the exchange's zone.
-- bucket + 14 hours is UTC midnight of the period's first local date.
-- price_monthly is materialized-only: TimescaleDB 2.23's real-time union double-counts the newest month when
-- a month bucket has an offset (seen in SchemaTimescaleTest); its refresh policy runs daily.
CREATE MATERIALIZED VIEW IF NOT EXISTS price_daily
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT symbol,
       interval_type                          AS source_interval,
       time_bucket(INTERVAL '1 day', "timestamp") AS bucket,
       first(open_price, "timestamp")          AS open_price,
       max(high_price)                         AS high_price,
       min(low_price)                          AS low_price,
       last(close_price, "timestamp")          AS close_price,
       sum(volume)                             AS volume,
       count(*)                                AS bar_count
FROM price_history
WHERE interval_type IN ('1m', '2m', '5m', '15m', '30m', '60m', '90m', '1h')
GROUP BY symbol, interval_type, time_bucket(INTERVAL '1 day', "timestamp")
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS price_weekly
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT symbol,
       time_bucket(INTERVAL '1 week', "timestamp", "offset" => INTERVAL '-14 hours') AS bucket,
       first(open_price, "timestamp")  AS open_price,
       max(high_price)                 AS high_price,
       min(low_price)                  AS low_price,
       last(close_price, "timestamp")  AS close_price,
       sum(volume)                     AS volume,
       count(*)                        AS bar_count
FROM price_history
WHERE interval_type = '1d'
GROUP BY symbol, time_bucket(INTERVAL '1 week', "timestamp", "offset" => INTERVAL '-14 hours')
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS price_monthly
WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
SELECT symbol,
       time_bucket(INTERVAL '1 month', "timestamp", "offset" => INTERVAL '-14 hours') AS bucket,
       first(open_price, "timestamp")  AS open_price,
       max(high_price)                 AS high_price,
       min(low_price)                  AS low_price,
       last(close_price, "timestamp")  AS close_price,
       sum(volume)                     AS volume,
       count(*)                        AS bar_count
FROM price_history
WHERE interval_type = '1d'
GROUP BY symbol, time_bucket(INTERVAL '1 month', "timestamp", "offset" => INTERVAL '-14 hours')
WITH NO DATA;

-- Refresh windows: each covers at least two buckets and ends an hour ago; older history (a migration, a
-- backfill) is refreshed explicitly by those jobs with refresh_continuous_aggregate.
SELECT add_continuous_aggregate_policy('price_daily', start_offset => INTERVAL '3 days',
       end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('price_weekly', start_offset => INTERVAL '5 weeks',
       end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '1 day', if_not_exists => TRUE);
SELECT add_continuous_aggregate_policy('price_monthly', start_offset => INTERVAL '3 months',
       end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '1 day', if_not_exists => TRUE);
