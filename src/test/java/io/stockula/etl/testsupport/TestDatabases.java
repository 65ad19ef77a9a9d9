package io.stockula.etl.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;

/**
 * Real databases for tests, each test its own: a fresh database on the local PostgreSQL (127.0.0.1:5432, or
 * $STOCKULA_TEST_PG), or a fresh database with the timescaledb extension on the real TimescaleDB server
 * (127.0.0.1:5433, the cluster {@code ../shared/timescaledb/install.sh} starts, or $STOCKULA_TEST_TSDB /
 * {@code -Dstockula.test.tsdb}). Both kinds are dropped when the test JVM exits.
 */
public final class TestDatabases {

    private static final String PG = System.getenv().getOrDefault("STOCKULA_TEST_PG", "jdbc:postgresql://127.0.0.1:5432/");
    /** Server URL (ending in '/') of the TimescaleDB server the tests use. */
    public static final String TSDB = tsdbServer();
    private static final Path TSDB_INSTALLER = Path.of("..", "shared", "timescaledb", "install.sh");

    private static final List<String[]> CREATED = new CopyOnWriteArrayList<>();
    private static volatile String tsdbUnavailable;

    static {
        // the databases of this test JVM are dropped when it exits (FORCE: pools and TimescaleDB's job scheduler
        // may still hold connections)
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (String[] db : CREATED) {
                try (Connection c = DriverManager.getConnection(db[0] + "postgres?user=postgres");
                     Statement st = c.createStatement()) {
                    st.execute("DROP DATABASE IF EXISTS " + db[1] + " WITH (FORCE)");
                } catch (SQLException e) {
                    System.err.println("test database " + db[1] + " not dropped: " + e.getMessage());
                }
            }
        }, "drop-test-databases"));
    }

    private TestDatabases() {
    }

    private static String tsdbServer() {
        String url = System.getProperty("stockula.test.tsdb", System.getenv("STOCKULA_TEST_TSDB"));
        url = url == null || url.isBlank() ? "jdbc:postgresql://127.0.0.1:5433/" : url.trim();
        return url.endsWith("/") ? url : url + "/";
    }

    /** Creates an empty database and returns its JDBC URL (user postgres, trust auth). */
    public static String freshPostgres() {
        String name = create(PG, "PostgreSQL on " + PG + " is needed for this test");
        return PG + name + "?user=postgres";
    }

    /**
     * Creates an empty database with {@code CREATE EXTENSION timescaledb} on the TimescaleDB server and returns its
     * JDBC URL. Skips the test (with a message in the build output) when the server does not answer and
     * {@code ../shared/timescaledb} is absent (a clone without it cannot install the server); fails when the installer
     * is there, since then CI ran it and a missing server is a fault.
     */
    public static String freshTimescale() {
        String reason = tsdbUnavailable;
        if (reason == null) {
            try (Connection c = DriverManager.getConnection(TSDB + "postgres?user=postgres&connectTimeout=5")) {
                reason = "";
            } catch (SQLException e) {
                reason = e.getMessage();
            }
            tsdbUnavailable = reason;
        }
        if (!reason.isEmpty()) {
            if (!Files.exists(TSDB_INSTALLER)) {
                String msg = "TimescaleDB tests skipped: no server at " + TSDB + " and no " + TSDB_INSTALLER
                        + " to install one (" + reason + ")";
                System.err.println("[tsdb] " + msg);
                Assumptions.abort(msg);
            }
            throw new IllegalStateException("TimescaleDB server " + TSDB + " is needed for this test (run "
                    + TSDB_INSTALLER + " as root, or set STOCKULA_TEST_TSDB): " + reason);
        }
        String name = create(TSDB, "TimescaleDB on " + TSDB);
        String url = TSDB + name + "?user=postgres";
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS timescaledb");
        } catch (SQLException e) {
            throw new IllegalStateException("CREATE EXTENSION timescaledb on " + TSDB + ": " + e.getMessage(), e);
        }
        return url;
    }

    private static String create(String server, String what) {
        String name = "stockula_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(server + "postgres?user=postgres");
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
            CREATED.add(new String[] {server, name});
        } catch (SQLException e) {
            throw new IllegalStateException(what + " is needed for this test: " + e.getMessage(), e);
        }
        return name;
    }
}
