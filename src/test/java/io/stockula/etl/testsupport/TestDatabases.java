package io.stockula.etl.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * Real databases for tests: a fresh database on the local PostgreSQL (127.0.0.1:5432, or $STOCKULA_TEST_PG),
 * and a fresh schema on the TimescaleDB lane (the WASM TimescaleDB behind src/test/tsdb/tsdb-server.mjs).
 */
public final class TestDatabases {

    private static final String PG = System.getenv().getOrDefault("STOCKULA_TEST_PG", "jdbc:postgresql://127.0.0.1:5432/");

    private static final java.util.List<String> CREATED = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        // the databases of this test JVM are dropped when it exits (FORCE: pools may still hold connections)
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Connection c = DriverManager.getConnection(PG + "postgres?user=postgres"); Statement st = c.createStatement()) {
                for (String name : CREATED) {
                    st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                }
            } catch (SQLException e) {
                System.err.println("test databases not dropped: " + e.getMessage());
            }
        }, "drop-test-databases"));
    }

    private TestDatabases() {
    }

    /** Creates an empty database and returns its JDBC URL (user postgres, trust auth). */
    public static String freshPostgres() {
        String name = "stockula_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(PG + "postgres?user=postgres");
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
            CREATED.add(name);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL on " + PG + " is needed for this test: " + e.getMessage(), e);
        }
        return PG + name + "?user=postgres";
    }

    /**
     * A fresh schema on the TimescaleDB lane: the URL puts it first on the search path (then public, where the
     * timescaledb functions live). Skips the test when Node.js is not installed.
     */
    public static String freshTimescale() {
        Assumptions.assumeTrue(TimescaleLane.available(), "node is not installed: TimescaleDB lane skipped");
        String base = TimescaleLane.jdbcUrl();
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = DriverManager.getConnection(base); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("TimescaleDB lane: " + e.getMessage(), e);
        }
        return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema + ",public";
    }
}
