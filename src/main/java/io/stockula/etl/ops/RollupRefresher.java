package io.stockula.etl.ops;

import io.stockula.etl.config.SchemaMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps price_daily/price_weekly/price_monthly current. On TimescaleDB the refresh policies do it and
 * {@link #refreshAll()} is only needed after loading old history (a migration or a backfill); on plain
 * PostgreSQL the {@code rollup-refresh} route calls {@link #refreshScheduled()} on its cron.
 *
 * <p>On TimescaleDB the whole range is refreshed in windows, never with {@code (NULL, NULL)}: TimescaleDB 2.28's
 * batched refresh of a month bucket with an offset stops advancing on a window wider than 10 buckets and loops
 * until {@code invalid memory alloc request size} (ignoring statement_timeout). A window of at most 10 buckets
 * works on every version from 2.23 on (2.28's {@code buckets_per_batch => 0} would too, but 2.23 lacks it), and
 * each window is its own transaction, so time and memory per call stay bounded by the window, not the history.
 */
public final class RollupRefresher {

    /** A continuous aggregate: its bucket expression (as in schema/timescaledb) and the span of one refresh call. */
    record Rollup(String view, String bucket, String window) {
        String bucketOf(String ts) {
            return bucket.formatted(ts);
        }
    }

    static final List<Rollup> ROLLUPS = List.of(
            // fixed-width buckets batch fine on every version: wide windows, few calls
            new Rollup("price_daily", "time_bucket(INTERVAL '1 day', %s)", "365 days"),
            new Rollup("price_weekly", "time_bucket(INTERVAL '1 week', %s, \"offset\" => INTERVAL '-14 hours')", "260 weeks"),
            // 9 months between edges, each snapped down to a bucket start: never more than 10 buckets a window
            new Rollup("price_monthly", "time_bucket(INTERVAL '1 month', %s, \"offset\" => INTERVAL '-14 hours')", "9 months"));
    public static final List<String> VIEWS = ROLLUPS.stream().map(Rollup::view).toList();
    private static final Logger LOG = LoggerFactory.getLogger(RollupRefresher.class);

    private final DataSource dataSource;
    private final SchemaMode mode;

    public RollupRefresher(DataSource dataSource, SchemaMode mode) {
        this.dataSource = dataSource;
        this.mode = mode;
    }

    /** The scheduled refresh: materialized views on plain PostgreSQL; nothing on TimescaleDB (its policies run). */
    public int refreshScheduled() throws SQLException {
        return mode == SchemaMode.POSTGRES ? refreshAll() : 0;
    }

    /** Refreshes every rollup over its whole range. Returns the number of views refreshed. */
    public int refreshAll() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true); // refresh_continuous_aggregate refuses to run inside a transaction
            try (Statement st = c.createStatement()) {
                for (Rollup rollup : ROLLUPS) {
                    long t0 = System.nanoTime();
                    int calls = 1;
                    if (mode == SchemaMode.TIMESCALEDB) {
                        calls = refreshInWindows(st, rollup);
                    } else {
                        st.execute("REFRESH MATERIALIZED VIEW " + (populated(st, rollup.view()) ? "CONCURRENTLY " : "")
                                + rollup.view());
                    }
                    LOG.debug("refreshed {} in {} ms ({} call(s))", rollup.view(), (System.nanoTime() - t0) / 1_000_000, calls);
                }
            }
        }
        return ROLLUPS.size();
    }

    /** Refreshes a continuous aggregate over the range of price_history's chunks, window by window; returns the calls. */
    private static int refreshInWindows(Statement st, Rollup rollup) throws SQLException {
        List<OffsetDateTime> edges = new ArrayList<>();
        // edges every `window` from the first chunk's start to one bucket past the last chunk's end (UTC, so that
        // month arithmetic does not depend on the session's time zone), each snapped down to a bucket boundary
        String g = "(g AT TIME ZONE 'UTC')";
        try (ResultSet rs = st.executeQuery("WITH r AS (SELECT min(range_start) AS lo, max(range_end) AS hi"
                + " FROM timescaledb_information.chunks WHERE hypertable_schema = current_schema()"
                + " AND hypertable_name = 'price_history')"
                + " SELECT DISTINCT " + rollup.bucketOf(g) + " AS edge FROM r,"
                + " generate_series(r.lo AT TIME ZONE 'UTC', r.hi AT TIME ZONE 'UTC' + INTERVAL '" + rollup.window()
                + "' + INTERVAL '1 month', INTERVAL '" + rollup.window() + "') AS g ORDER BY 1")) {
            while (rs.next()) {
                edges.add(rs.getObject(1, OffsetDateTime.class));
            }
        }
        for (int i = 1; i < edges.size(); i++) {
            st.execute("CALL refresh_continuous_aggregate('" + rollup.view() + "', '" + edges.get(i - 1) + "'::timestamptz, '"
                    + edges.get(i) + "'::timestamptz)");
        }
        return Math.max(edges.size() - 1, 0);
    }

    private static boolean populated(Statement st, String view) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT ispopulated FROM pg_matviews WHERE matviewname = '" + view + "'")) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
