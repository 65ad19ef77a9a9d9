package io.stockula.etl.source.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.StockulaEtl;
import io.stockula.etl.testsupport.ChildCommand;
import io.stockula.etl.testsupport.RestartablePostgres;
import io.stockula.etl.testsupport.StockulaDbGenerator;
import io.stockula.etl.testsupport.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `migrate` in a child process while its target fails under it: a server that restarts, a server that stays
 * down, connections killed, a user without INSERT. Each run ends (redelivered and complete, or exit 3 with one
 * line, in bounded time), and after the fault a plain re-run leaves exactly the source's rows: verify exit 0,
 * no row lost, none duplicated, the checkpoint at the last row. Each test prints what it measured.
 */
class MigrateDatabaseFaultsTest {

    /** fast redeliveries (4 attempts over about 3.5 s) and a 2 s wait for a connection */
    private static final String[] FAST = {"-D", "stockula.redelivery.maximum-redeliveries=3",
            "-D", "stockula.redelivery.delay=500", "-D", "stockula.redelivery.maximum-delay=2000",
            "-D", "stockula.db.connect-timeout=2s"};

    @TempDir
    Path dir;

    Path sqlite;
    long expected;

    @BeforeEach
    void source() throws Exception {
        sqlite = dir.resolve("big.db");
        expected = StockulaDbGenerator.generate(sqlite, 100, 1200, false, 11).priceRows();
    }

    @Test
    void serverRestartMidMigrationIsRedeliveredAndLosesNothing() throws Exception {
        try (RestartablePostgres pg = RestartablePostgres.start(dir.resolve("pg"))) {
            String url = pg.jdbcUrl();
            try (ChildCommand m = migrate(url, "migrate-restart")) {
                long at = awaitCheckpoint(url, 20_000, m);
                long t0 = System.nanoTime();
                pg.stop();
                Thread.sleep(2_000); // down for 2 s: within the redeliveries (0.5 + 1 + 2 s)
                pg.start();
                int exit = m.waitFor(Duration.ofMinutes(3));
                report("restart at " + at + " rows: first run exit " + exit + ", " + m.took().toSeconds()
                        + " s in all, " + (System.nanoTime() - t0) / 1_000_000 + " ms from the stop to the end");
                assertThat(exit).as(m.tail()).isZero();
                assertThat(m.stdout()).as("the fault hit a write").contains("On delivery attempt");
            }
            assertRerunComplete(url);
        }
    }

    @Test
    void serverDownLongerThanTheRedeliveriesStopsWithExit3AndOneLineThenTheRerunLosesNothing() throws Exception {
        try (RestartablePostgres pg = RestartablePostgres.start(dir.resolve("pg"))) {
            String url = pg.jdbcUrl();
            long t0;
            try (ChildCommand m = migrate(url, "migrate-down")) {
                long at = awaitCheckpoint(url, 20_000, m);
                pg.stop();
                t0 = System.nanoTime();
                int exit = m.waitFor(Duration.ofMinutes(2));
                long stopMillis = (System.nanoTime() - t0) / 1_000_000;
                report("server stopped at " + at + " rows: exit " + exit + " " + stopMillis + " ms after the stop; "
                        + m.errorLines());
                assertThat(exit).as(m.tail()).isEqualTo(3);
                assertThat(m.errorLines()).hasSize(1);
                assertThat(m.errorLines().get(0)).startsWith("error: migration stopped: price_history: batch (rowid ")
                        .contains("not written after 4 attempt(s)").contains("refused")
                        .contains("run the same command again to resume");
                assertThat(stopMillis).as("stops within the redeliveries plus the shutdown").isLessThan(30_000);
            }
            pg.start();
            assertRerunComplete(url);
        }
    }

    @Test
    void killedConnectionsAreRedeliveredAndTheMigrationCompletes() throws Exception {
        String url = TestDatabases.freshPostgres();
        String db = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        int killed = 0;
        try (ChildCommand m = migrate(url, "migrate-kill")) {
            long next = 20_000;
            try (Connection c = DriverManager.getConnection(url)) {
                while (m.isAlive() && killed < 3) {
                    awaitCheckpoint(url, next, m);
                    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(pg_terminate_backend(pid))"
                            + " FROM pg_stat_activity WHERE datname = '" + db + "' AND application_name = 'stockula-etl'")) {
                        rs.next();
                        killed += rs.getInt(1) > 0 ? 1 : 0;
                    }
                    next += 30_000;
                }
            }
            int exit = m.waitFor(Duration.ofMinutes(3));
            report("connections killed " + killed + " times: first run exit " + exit + " in " + m.took().toSeconds() + " s");
            assertThat(killed).isGreaterThan(0);
            assertThat(exit).as(m.tail()).isZero();
            assertThat(m.stdout()).as("a killed connection failed a write").contains("On delivery attempt");
        }
        assertRerunComplete(url);
    }

    @Test
    void aUserWithoutInsertStopsWithExit3AndOneLineNamingTheCause() throws Exception {
        String url = TestDatabases.freshPostgres();
        String role = "stockula_noinsert_" + Long.toHexString(System.nanoTime());
        assertThat(StockulaEtl.execute("schema", "--db", url)).isZero();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + role + " LOGIN");
            st.execute("GRANT USAGE ON SCHEMA public TO " + role);
            st.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role);
            st.execute("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + role);
            st.execute("REVOKE INSERT ON price_history FROM " + role);
        }
        try {
            String asRole = url.replace("user=postgres", "user=" + role);
            try (ChildCommand m = migrate(asRole, "migrate-denied")) {
                int exit = m.waitFor(Duration.ofMinutes(2));
                report("no INSERT on price_history: exit " + exit + " after " + m.took().toMillis() + " ms; " + m.errorLines());
                assertThat(exit).as(m.tail()).isEqualTo(3);
                assertThat(m.errorLines()).hasSize(1);
                assertThat(m.errorLines().get(0)).startsWith("error: migration stopped: price_history: batch (rowid 0 -> ")
                        .contains("not written after 4 attempt(s)").contains("permission denied for table price_history");
            }
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                assertThat(count(c, "SELECT count(*) FROM price_history")).isZero();
                st.execute("GRANT INSERT ON price_history TO " + role);
            }
            assertThat(StockulaEtl.execute("migrate", "--sqlite", sqlite.toString(), "--db", asRole, "--skip-rollups")).isZero();
            assertRerunComplete(url);
        } finally {
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                st.execute("DROP OWNED BY " + role);
                st.execute("DROP ROLE " + role);
            }
        }
    }

    @Test
    void aSecondMigrateOfTheSameFileIntoTheSameTargetIsRefusedWithOneLine() throws Exception {
        String url = TestDatabases.freshPostgres();
        try (ChildCommand first = migrate(url, "migrate-first")) {
            awaitCheckpoint(url, 10_000, first);
            // frozen (SIGSTOP) so that it is certainly still at work, holding its connections, while the second starts
            signal("STOP", first);
            long t0 = System.nanoTime();
            PrintStream old = System.err;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int second;
            try {
                second = StockulaEtl.execute("migrate", "--sqlite", sqlite.toString(), "--db", url, "--skip-rollups");
            } finally {
                System.setErr(old);
            }
            long refusedMillis = (System.nanoTime() - t0) / 1_000_000;
            signal("CONT", first);
            List<String> lines = err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("error: ")).toList();
            int exit = first.waitFor(Duration.ofMinutes(3));
            report("second migrate while the first runs: exit " + second + " after " + refusedMillis + " ms " + lines
                    + "; the first: exit " + exit + " in " + first.took().toSeconds() + " s");
            assertThat(second).isEqualTo(1);
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).startsWith("error: another process is writing sqlite:" + sqlite + " into this database"
                    + " (PostgreSQL backend ").contains("of stockula-etl");
            assertThat(exit).as(first.tail()).isZero();
            assertThat(first.stdout()).doesNotContain("stale batch");
        }
        assertRerunComplete(url);
    }

    private static void signal(String name, ChildCommand child) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(child.process().pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }

    private ChildCommand migrate(String url, String name, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("migrate", "--sqlite", sqlite.toString(), "--db", url,
                "--skip-rollups"));
        args.addAll(List.of(FAST));
        args.addAll(more.length == 0 ? List.of("--batch-size", "1000") : List.of(more));
        return ChildCommand.start(dir, name, args.toArray(String[]::new));
    }

    /** Another plain run finishes the job: verify passes, every row once, the checkpoint at the end. */
    private void assertRerunComplete(String url) throws Exception {
        assertThat(StockulaEtl.execute("migrate", "--sqlite", sqlite.toString(), "--db", url, "--skip-rollups")).isZero();
        assertThat(StockulaEtl.execute("verify", "--sqlite", sqlite.toString(), "--db", url)).isZero();
        try (Connection c = DriverManager.getConnection(url)) {
            long rows = count(c, "SELECT count(*) FROM price_history");
            long duplicated = count(c, "SELECT count(*) FROM (SELECT symbol, interval_type, \"timestamp\" FROM price_history"
                    + " GROUP BY 1, 2, 3 HAVING count(*) > 1) d");
            report("after the re-run: " + rows + " of " + expected + " rows, lost " + (expected - rows) + ", duplicated "
                    + duplicated);
            assertThat(rows).isEqualTo(expected);
            assertThat(duplicated).isZero();
            assertThat(count(c, "SELECT last_rowid FROM etl_checkpoints WHERE source_table = 'price_history'"))
                    .isEqualTo(expected);
        }
    }

    /** Waits until the child has committed at least {@code rows} price rows; returns how many. */
    private static long awaitCheckpoint(String url, long rows, ChildCommand m) throws Exception {
        for (int i = 0; i < 1200; i++) {
            assertThat(m.isAlive()).as("migrate still running before the fault; log:\n%s", m.tail()).isTrue();
            try (Connection c = DriverManager.getConnection(url)) {
                long done = count(c, "SELECT coalesce(max(last_rowid), 0) FROM etl_checkpoints WHERE source_table = 'price_history'");
                if (done >= rows) {
                    return done;
                }
            } catch (SQLException notYet) {
                // the schema is not there yet
            }
            Thread.sleep(50);
        }
        throw new AssertionError("migrate did not reach " + rows + " rows within 60 s:\n" + m.tail());
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static void report(String line) {
        System.out.println("[measured] " + line);
    }
}
