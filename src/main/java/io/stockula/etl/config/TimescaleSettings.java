package io.stockula.etl.config;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the TimescaleDB objects in line with {@code stockula.timescale.*} after every schema migration, not only the
 * first: each setting is compared with what the database holds (timescaledb_information.dimensions and .jobs) and,
 * when it differs, applied (set_chunk_time_interval, which affects new chunks only; remove_ + add_ policy) and
 * logged. Running it again with the same settings changes nothing.
 */
public final class TimescaleSettings {

    private static final Logger LOG = LoggerFactory.getLogger(TimescaleSettings.class);

    /** A hypertable's settings: chunk interval, compress after, retention ("none": no policy). */
    record Hypertable(String table, String chunkKey, String chunkDefault, String compressKey, String compressDefault,
                      String retentionKey, String retentionDefault) {
    }

    /** A continuous aggregate's refresh policy: how far back each run refreshes, and how often it runs. */
    record Refresh(String view, String startKey, String startDefault, String scheduleKey, String scheduleDefault) {
    }

    static final List<Hypertable> HYPERTABLES = List.of(
            new Hypertable("price_history", "stockula.timescale.price-chunk-interval", "30 days",
                    "stockula.timescale.price-compress-after", "90 days", "stockula.timescale.price-retention", "none"),
            new Hypertable("options_calls", "stockula.timescale.options-chunk-interval", "7 days",
                    "stockula.timescale.options-compress-after", "30 days", "stockula.timescale.options-retention", "3 years"),
            new Hypertable("options_puts", "stockula.timescale.options-chunk-interval", "7 days",
                    "stockula.timescale.options-compress-after", "30 days", "stockula.timescale.options-retention", "3 years"));

    static final List<Refresh> REFRESHES = List.of(
            new Refresh("price_daily", "stockula.timescale.daily-refresh-window", "3 days",
                    "stockula.timescale.daily-refresh-schedule", "1 hour"),
            new Refresh("price_weekly", "stockula.timescale.weekly-refresh-window", "5 weeks",
                    "stockula.timescale.weekly-refresh-schedule", "1 day"),
            new Refresh("price_monthly", "stockula.timescale.monthly-refresh-window", "3 months",
                    "stockula.timescale.monthly-refresh-schedule", "1 day"));

    /** The end of every refresh window: the newest hour is left to the real-time part of the aggregates. */
    private static final String REFRESH_END_OFFSET = "1 hour";

    private TimescaleSettings() {
    }

    /** Applies what differs; returns one line per change (empty when the database already matched). */
    public static List<String> apply(DataSource dataSource, EtlSettings settings) {
        List<String> changes = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            // one transaction: a policy removed is never left without its replacement
            c.setAutoCommit(false);
            try {
                applyIn(c, settings, changes);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                if ("22023".equals(e instanceof SQLException se ? se.getSQLState() : null)) {
                    throw new IllegalArgumentException("stockula.timescale.*: " + e.getMessage().lines().findFirst().orElse(""), e);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot apply stockula.timescale.* settings: " + e.getMessage(), e);
        }
        changes.forEach(ch -> LOG.info("TimescaleDB setting applied: {}", ch));
        return changes;
    }

    private static void applyIn(Connection c, EtlSettings settings, List<String> changes) throws SQLException {
        for (Hypertable h : HYPERTABLES) {
            String chunk = interval(c, settings, h.chunkKey(), h.chunkDefault(), false);
            String current = one(c, "SELECT time_interval::text FROM timescaledb_information.dimensions WHERE"
                    + " hypertable_schema = current_schema() AND hypertable_name = ? AND dimension_number = 1", h.table());
            if (current != null && !current.equals(chunk)) {
                exec(c, "SELECT set_chunk_time_interval(?::regclass, ?::interval)", h.table(), chunk);
                changes.add(h.table() + ": chunk interval " + current + " -> " + chunk + " (new chunks)");
            }
            policy(c, changes, h.table(), "policy_compression", "compress_after",
                    interval(c, settings, h.compressKey(), h.compressDefault(), false),
                    "SELECT remove_compression_policy(?::regclass, if_exists => true)",
                    "SELECT add_compression_policy(?::regclass, ?::interval)");
            policy(c, changes, h.table(), "policy_retention", "drop_after",
                    interval(c, settings, h.retentionKey(), h.retentionDefault(), true),
                    "SELECT remove_retention_policy(?::regclass, if_exists => true)",
                    "SELECT add_retention_policy(?::regclass, ?::interval)");
        }
        for (Refresh r : REFRESHES) {
            refresh(c, changes, r.view(), interval(c, settings, r.startKey(), r.startDefault(), false),
                    interval(c, settings, r.scheduleKey(), r.scheduleDefault(), false));
        }
    }

    /** A setting as PostgreSQL prints the interval ("3 mons"), or null for "none" where allowed. */
    private static String interval(Connection c, EtlSettings settings, String key, String dflt, boolean noneAllowed)
            throws SQLException {
        String value = settings.get(key, dflt).trim();
        if (noneAllowed && value.equalsIgnoreCase("none")) {
            return null;
        }
        try {
            String normal = one(c, "SELECT ?::interval::text", value);
            if (normal == null || normal.startsWith("-") || normal.equals("00:00:00")) {
                throw new IllegalArgumentException(key + " must be a positive interval" + (noneAllowed ? " or none" : "")
                        + ", not '" + value + "'");
            }
            return normal;
        } catch (SQLException e) {
            if ("22007".equals(e.getSQLState()) || "22P02".equals(e.getSQLState()) || "22015".equals(e.getSQLState())) {
                throw new IllegalArgumentException(key + " is not an interval: '" + value + "'");
            }
            throw e;
        }
    }

    /** Replaces a table's policy of this kind when its interval differs (wanted null: no policy). */
    private static void policy(Connection c, List<String> changes, String table, String proc, String field, String wanted,
                               String remove, String add) throws SQLException {
        String current = one(c, "SELECT (config->>'" + field + "')::interval::text FROM timescaledb_information.jobs"
                + " WHERE hypertable_schema = current_schema() AND hypertable_name = ? AND proc_name = '" + proc + "'", table);
        if (java.util.Objects.equals(current, wanted)) {
            return;
        }
        exec(c, remove, table);
        if (wanted != null) {
            exec(c, add, table, wanted);
        }
        changes.add(table + ": " + proc + " " + field + " " + (current == null ? "none" : current) + " -> "
                + (wanted == null ? "none" : wanted));
    }

    private static void refresh(Connection c, List<String> changes, String view, String start, String schedule)
            throws SQLException {
        // the jobs view names a refresh policy's continuous aggregate as its hypertable
        String current = one(c, "SELECT (config->>'start_offset')::interval::text || ' every ' || schedule_interval::text"
                + " FROM timescaledb_information.jobs WHERE hypertable_schema = current_schema() AND hypertable_name = ?"
                + " AND proc_name = 'policy_refresh_continuous_aggregate'", view);
        if (view.equals("price_monthly") && "t".equals(one(c, "SELECT (?::interval > INTERVAL '10 months')::text", start))) {
            // TimescaleDB 2.28 loops on a refresh of more than 10 month buckets with an offset (see RollupRefresher)
            throw new IllegalArgumentException("stockula.timescale.monthly-refresh-window must be at most 10 months, not '"
                    + start + "'");
        }
        String wanted = start + " every " + schedule;
        if (wanted.equals(current)) {
            return;
        }
        exec(c, "SELECT remove_continuous_aggregate_policy(?::regclass, if_exists => true)", view);
        exec(c, "SELECT add_continuous_aggregate_policy(?::regclass, start_offset => ?::interval, end_offset => INTERVAL '"
                + REFRESH_END_OFFSET + "', schedule_interval => ?::interval)", view, start, schedule);
        changes.add(view + ": refresh policy " + (current == null ? "none" : current) + " -> " + wanted);
    }

    private static String one(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static void exec(Connection c, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            ps.execute();
        }
    }
}
