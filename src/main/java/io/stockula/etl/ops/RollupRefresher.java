package io.stockula.etl.ops;

import io.stockula.etl.config.SchemaMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps price_daily/price_weekly/price_monthly current. On TimescaleDB the refresh policies do it and
 * {@link #refreshAll()} is only needed after loading old history (a migration or a backfill); on plain
 * PostgreSQL the {@code rollup-refresh} route calls {@link #refreshScheduled()} on its cron.
 */
public final class RollupRefresher {

    public static final List<String> VIEWS = List.of("price_daily", "price_weekly", "price_monthly");
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
                for (String view : VIEWS) {
                    long t0 = System.nanoTime();
                    if (mode == SchemaMode.TIMESCALEDB) {
                        st.execute("CALL refresh_continuous_aggregate('" + view + "', NULL, NULL)");
                    } else {
                        st.execute("REFRESH MATERIALIZED VIEW " + (populated(st, view) ? "CONCURRENTLY " : "") + view);
                    }
                    LOG.debug("refreshed {} in {} ms", view, (System.nanoTime() - t0) / 1_000_000);
                }
            }
        }
        return VIEWS.size();
    }

    private static boolean populated(Statement st, String view) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT ispopulated FROM pg_matviews WHERE matviewname = '" + view + "'")) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
