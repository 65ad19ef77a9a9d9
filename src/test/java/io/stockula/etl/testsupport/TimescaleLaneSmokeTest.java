package io.stockula.etl.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/** Checks that the TimescaleDB lane speaks enough PostgreSQL for pgjdbc: batches, COPY, transactions, caggs. */
class TimescaleLaneSmokeTest {

    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

    @BeforeAll
    static void requireLane() {
        Assumptions.assumeTrue(TimescaleLane.available(), "node is not on the PATH: TimescaleDB lane skipped");
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(TimescaleLane.jdbcUrl());
    }

    private static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getLong(1);
        }
    }

    private static BigDecimal queryDecimal(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getBigDecimal(1);
        }
    }

    /** Creates a hypertable with the composite primary key (symbol, ts). */
    private static void createPrices(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + table + " CASCADE");
            st.execute("CREATE TABLE " + table + " (symbol text NOT NULL, ts timestamptz NOT NULL,"
                    + " close numeric(18,6) NOT NULL, volume bigint NOT NULL, PRIMARY KEY (symbol, ts))");
            st.execute("SELECT create_hypertable('" + table + "', by_range('ts', INTERVAL '7 days'))");
        }
    }

    @Test
    void timescaledbExtensionIsInstalled() throws SQLException {
        try (Connection c = connect();
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT extversion FROM pg_extension WHERE extname='timescaledb'")) {
            assertTrue(rs.next(), "timescaledb extension missing");
            String version = rs.getString(1);
            assertNotNull(version);
            assertTrue(version.matches("\\d+\\.\\d+.*"), version);
        }
    }

    @Test
    void batchUpsertIntoHypertableInsertsThenUpdates() throws SQLException {
        String sql = "INSERT INTO lane_upsert (symbol, ts, close, volume) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (symbol, ts) DO UPDATE SET close = EXCLUDED.close, volume = EXCLUDED.volume";
        try (Connection c = connect()) {
            createPrices(c, "lane_upsert");
            assertEquals(1, queryLong(c,
                    "SELECT count(*) FROM timescaledb_information.hypertables WHERE hypertable_name = 'lane_upsert'"));
            for (int pass = 1; pass <= 2; pass++) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (int i = 0; i < 2000; i++) {
                        ps.setString(1, "SYM" + (i % 4));
                        ps.setTimestamp(2, Timestamp.from(T0.plus(i, ChronoUnit.HOURS)));
                        ps.setBigDecimal(3, BigDecimal.valueOf(i * pass).movePointLeft(2));
                        ps.setLong(4, (long) i * pass);
                        ps.addBatch();
                        if (i % 500 == 499) {
                            int[] counts = ps.executeBatch();
                            assertEquals(500, counts.length);
                        }
                    }
                }
                c.commit();
                c.setAutoCommit(true);
                assertEquals(2000, queryLong(c, "SELECT count(*) FROM lane_upsert"), "pass " + pass);
                // sum(i * pass) for i < 2000 = 1999000 * pass
                assertEquals(1_999_000L * pass, queryLong(c, "SELECT sum(volume) FROM lane_upsert"), "pass " + pass);
                assertEquals(0, BigDecimal.valueOf(19_990L * pass).compareTo(
                        queryDecimal(c, "SELECT sum(close) FROM lane_upsert")), "pass " + pass);
            }
            assertTrue(queryLong(c, "SELECT count(*) FROM show_chunks('lane_upsert')") > 1, "expected several chunks");
        }
    }

    @Test
    void copyFromStdinLoadsTenThousandRows() throws Exception {
        try (Connection c = connect()) {
            createPrices(c, "lane_copy");
            StringBuilder data = new StringBuilder();
            for (int i = 0; i < 10_000; i++) {
                data.append("SYM").append(i % 7).append('\t')
                        .append(T0.plus(i, ChronoUnit.MINUTES)).append('\t')
                        .append(i).append(".5\t").append(i).append('\n');
            }
            CopyManager copy = c.unwrap(BaseConnection.class).getCopyAPI();
            long rows = copy.copyIn("COPY lane_copy (symbol, ts, close, volume) FROM STDIN", new StringReader(data.toString()));
            assertEquals(10_000, rows);
            assertEquals(10_000, queryLong(c, "SELECT count(*) FROM lane_copy"));
            assertEquals(49_995_000L, queryLong(c, "SELECT sum(volume) FROM lane_copy"));

            // a bad row fails the COPY with a proper error, and the connection stays usable
            SQLException bad = assertThrows(SQLException.class, () ->
                    copy.copyIn("COPY lane_copy FROM STDIN", new StringReader("X\tnot-a-time\t1\t1\n")));
            assertEquals("22007", bad.getSQLState());
            assertEquals(10_000, queryLong(c, "SELECT count(*) FROM lane_copy"));
        }
    }

    @Test
    void twoConnectionsUsedAlternately() throws SQLException {
        try (Connection a = connect(); Connection b = connect()) {
            createPrices(a, "lane_two");
            String insert = "INSERT INTO lane_two (symbol, ts, close, volume) VALUES (?, ?, ?, ?)";
            String count = "SELECT count(*), coalesce(sum(volume), 0) FROM lane_two WHERE symbol = ?";
            try (PreparedStatement insA = a.prepareStatement(insert);
                 PreparedStatement insB = b.prepareStatement(insert);
                 PreparedStatement cntA = a.prepareStatement(count);
                 PreparedStatement cntB = b.prepareStatement(count)) {
                // more than prepareThreshold (5) executions: both connections switch to named statements
                for (int i = 0; i < 12; i++) {
                    PreparedStatement ins = i % 2 == 0 ? insA : insB;
                    ins.setString(1, i % 2 == 0 ? "A" : "B");
                    ins.setTimestamp(2, Timestamp.from(T0.plus(i, ChronoUnit.DAYS)));
                    ins.setBigDecimal(3, BigDecimal.ONE);
                    ins.setLong(4, i);
                    assertEquals(1, ins.executeUpdate());

                    // each connection sees the other's committed rows
                    PreparedStatement cnt = i % 2 == 0 ? cntB : cntA;
                    cnt.setString(1, i % 2 == 0 ? "A" : "B");
                    try (ResultSet rs = cnt.executeQuery()) {
                        assertTrue(rs.next());
                        assertEquals(i / 2 + 1, rs.getLong(1));
                    }
                }
            }
            // a transaction on A, then B sees its result only after the commit
            a.setAutoCommit(false);
            try (Statement st = a.createStatement()) {
                st.executeUpdate("UPDATE lane_two SET volume = volume + 100 WHERE symbol = 'A'");
            }
            a.commit();
            a.setAutoCommit(true);
            assertEquals(600 + 0 + 2 + 4 + 6 + 8 + 10, queryLong(b, "SELECT sum(volume) FROM lane_two WHERE symbol = 'A'"));
            assertEquals(12, queryLong(a, "SELECT count(*) FROM lane_two"));
        }
    }

    @Test
    void rollbackLeavesNothingAndAbortedTransactionRecovers() throws SQLException {
        try (Connection c = connect()) {
            createPrices(c, "lane_rollback");
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO lane_rollback (symbol, ts, close, volume) VALUES (?, ?, 1, 1)")) {
                for (int i = 0; i < 100; i++) {
                    ps.setString(1, "R");
                    ps.setTimestamp(2, Timestamp.from(T0.plus(i, ChronoUnit.HOURS)));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            assertEquals(100, queryLong(c, "SELECT count(*) FROM lane_rollback"));
            c.rollback();
            assertEquals(0, queryLong(c, "SELECT count(*) FROM lane_rollback"));

            // an error inside a transaction: 25P02 until rollback, then the connection works again
            try (Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO lane_rollback VALUES ('E', now(), 1, 1)");
                SQLException dup = assertThrows(SQLException.class, () ->
                        st.executeUpdate("INSERT INTO lane_rollback SELECT * FROM lane_rollback"));
                assertEquals("23505", dup.getSQLState());
                SQLException aborted = assertThrows(SQLException.class, () -> st.executeQuery("SELECT 1"));
                assertEquals("25P02", aborted.getSQLState());
            }
            c.rollback();
            c.setAutoCommit(true);
            assertEquals(0, queryLong(c, "SELECT count(*) FROM lane_rollback"));
        }
    }

    @Test
    void multiStatementScriptsAndContinuousAggregate() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            // a Flyway-style script: several statements and a DO block in one string
            st.execute("DROP MATERIALIZED VIEW IF EXISTS lane_cagg_daily CASCADE;"
                    + " DROP TABLE IF EXISTS lane_cagg CASCADE;"
                    + " CREATE TABLE lane_cagg (symbol text NOT NULL, ts timestamptz NOT NULL, close numeric(18,6),"
                    + "   PRIMARY KEY (symbol, ts));"
                    + " SELECT create_hypertable('lane_cagg', by_range('ts', INTERVAL '7 days'));"
                    + " DO $$ BEGIN"
                    + "   INSERT INTO lane_cagg SELECT 'S', t, extract(hour FROM t)"
                    + "   FROM generate_series(timestamptz '2024-01-01', timestamptz '2024-01-03 23:00', interval '1 hour') t;"
                    + " END $$;");
            assertEquals(72, queryLong(c, "SELECT count(*) FROM lane_cagg"));

            // continuous aggregates must be created outside a transaction block: autocommit
            assertTrue(c.getAutoCommit());
            st.execute("CREATE MATERIALIZED VIEW lane_cagg_daily WITH (timescaledb.continuous) AS"
                    + " SELECT symbol, time_bucket('1 day', ts) AS day, max(close) AS high, count(*) AS n"
                    + " FROM lane_cagg GROUP BY symbol, time_bucket('1 day', ts) WITH NO DATA");
            st.execute("CALL refresh_continuous_aggregate('lane_cagg_daily', NULL, NULL)");
            assertEquals(3, queryLong(c, "SELECT count(*) FROM lane_cagg_daily"));
            assertEquals(72, queryLong(c, "SELECT sum(n) FROM lane_cagg_daily"));
            assertEquals(0, BigDecimal.valueOf(23).compareTo(queryDecimal(c, "SELECT max(high) FROM lane_cagg_daily")));

            // a failing statement in the middle of a script reports the error and leaves the connection usable
            SQLException e = assertThrows(SQLException.class,
                    () -> st.execute("SELECT 1; SELECT 1/0; SELECT 2"));
            assertEquals("22012", e.getSQLState());
            assertEquals(1, queryLong(c, "SELECT 1"));
        }
    }

    @Test
    void simpleQueryProtocolScripts() throws SQLException {
        String url = TimescaleLane.jdbcUrl();
        url += (url.contains("?") ? "&" : "?") + "preferQueryMode=simple";
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS lane_simple; CREATE TABLE lane_simple (id int PRIMARY KEY, v text);"
                    + " INSERT INTO lane_simple VALUES (1, 'a'), (2, 'b');"
                    + " DO $$ BEGIN UPDATE lane_simple SET v = v || '!'; END $$");
            assertEquals(2, queryLong(c, "SELECT count(*) FROM lane_simple WHERE v LIKE '%!'"));
            SQLException e = assertThrows(SQLException.class,
                    () -> st.execute("INSERT INTO lane_simple VALUES (3, 'c'); SELECT 1/0; INSERT INTO lane_simple VALUES (4, 'd')"));
            assertEquals("22012", e.getSQLState());
            // one simple query is one implicit transaction: nothing of it remains
            assertEquals(2, queryLong(c, "SELECT count(*) FROM lane_simple"));
            assertFalse(c.isClosed());
        }
    }
}
