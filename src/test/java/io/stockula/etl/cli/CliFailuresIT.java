package io.stockula.etl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.testsupport.TestDatabases;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as a user runs it: a failure is one line on stderr and its stack trace in the log file (on
 * stderr too with --verbose); a SIGTERMed `run` closes the run it was in the middle of instead of leaving it
 * `running`.
 */
class CliFailuresIT {

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    private Run jar(String... args) throws Exception {
        return jarWithHeap("-Xmx384m", args);
    }

    private Run jarWithHeap(String heap, String... args) throws Exception {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(commandWithHeap(heap, args)).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("STOCKULA_LOG_FILE", dir.resolve("logs/etl.log").toString());
        Process p = pb.start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static List<String> command(String... args) {
        return commandWithHeap("-Xmx384m", args);
    }

    private static List<String> commandWithHeap(String heap, String... args) {
        List<String> cmd = new ArrayList<>(List.of("java", heap, "-jar", "target/stockula-etl.jar"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void aFailureIsOneLineOnStderrWithItsStackTraceInTheLogFile() throws Exception {
        String db = TestDatabases.freshPostgres();
        Path missing = dir.resolve("nope.db");
        Run quiet = jar("migrate", "--sqlite", missing.toString(), "--db", db);
        assertThat(quiet.exit()).isEqualTo(ExitCodes.SOURCE);
        assertThat(quiet.err()).contains("error: SQLite file not found: " + missing).doesNotContain("\tat ");
        String log = Files.readString(dir.resolve("logs/etl.log"));
        assertThat(log).contains("migrate failed (exit 4)").contains("SourceUnavailableException: SQLite file not found")
                .contains("\tat io.stockula.etl.");

        Run verbose = jar("migrate", "--verbose", "--sqlite", missing.toString(), "--db", db);
        assertThat(verbose.exit()).isEqualTo(ExitCodes.SOURCE);
        assertThat(verbose.err()).contains("error: SQLite file not found: " + missing).contains("\tat io.stockula.etl.");
    }

    @Test
    void sigtermClosesTheRunInProgress() throws Exception {
        String db = TestDatabases.freshPostgres();
        try (ServerSocket silentYahoo = new ServerSocket(0)) { // accepts connections (backlog), never answers
            String yahoo = "http://127.0.0.1:" + silentYahoo.getLocalPort();
            Path log = dir.resolve("run.txt");
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            Process p = new ProcessBuilder(command("run", "--db", db, "--port", String.valueOf(port),
                    "-D", "stockula.yahoo.query1-url=" + yahoo, "-D", "stockula.yahoo.query2-url=" + yahoo,
                    "-D", "stockula.yahoo.fc-url=" + yahoo, "-D", "stockula.yahoo.symbols=AAPL",
                    "-D", "stockula.yahoo.catch-up-delay=1s", "-D", "stockula.yahoo.response-timeout=10m",
                    "-D", "stockula.quality.run-on-start=false", "-D", "camel.main.shutdown-timeout=3"))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (runs(db, "running") == 0) {
                    assertThat(p.isAlive()).as("runtime died: %s", Files.readString(log)).isTrue();
                    assertThat(System.nanoTime()).as("a yahoo-prices run in progress within 3 min").isLessThan(deadline);
                    Thread.sleep(500);
                }
                long t0 = System.nanoTime();
                p.destroy(); // SIGTERM
                assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("stopped").isTrue();
                System.out.println("CliFailuresIT: run stopped " + (System.nanoTime() - t0) / 1_000_000 + " ms after SIGTERM, exit "
                        + p.exitValue());
            } finally {
                p.destroyForcibly();
            }
            assertThat(runs(db, "running")).as("runs left running:\n%s", Files.readString(log)).isZero();
            try (Connection c = DriverManager.getConnection(db); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT status, error, finished_at IS NOT NULL FROM etl_run_history WHERE job = 'yahoo-prices'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isIn("failed", "partial");
                assertThat(rs.getBoolean(3)).isTrue();
            }
        }
    }

    /** 60 dead letters of 4 MB each (240 MB) replayed by a JVM with 96 MB of heap: one body at a time. */
    @Test
    void replayAllStreamsABacklogLargerThanTheHeap() throws Exception {
        String db = TestDatabases.freshPostgres();
        assertThat(io.stockula.etl.StockulaEtl.execute("schema", "--db", db)).isZero();
        try (Connection c = DriverManager.getConnection(db); Statement st = c.createStatement()) {
            st.execute("INSERT INTO etl_dead_letters (route_id, category, attempts, body)"
                    + " SELECT 'big', 'data', 1, repeat(md5(i::text), 125000) FROM generate_series(1, 60) i");
        }
        long t0 = System.nanoTime();
        Run r = jarWithHeap("-Xmx96m", "dlq", "replay", "--all", "--db", db);
        System.out.println("CliFailuresIT: dlq replay --all over 240 MB of bodies at -Xmx96m: exit " + r.exit() + " in "
                + (System.nanoTime() - t0) / 1_000_000 + " ms");
        // no replay_uri: each is skipped (exit 1), but every one was read and answered, none ran out of memory
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.INCOMPLETE);
        assertThat(r.out()).contains("#60: skipped - no replay_uri").endsWith("0 replayed, 60 not" + System.lineSeparator());
        assertThat(r.err()).doesNotContain("OutOfMemoryError");
    }

    private static long runs(String db, String status) throws Exception {
        try (Connection c = DriverManager.getConnection(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT to_regclass('etl_run_history') IS NULL")) {
            rs.next();
            if (rs.getBoolean(1)) {
                return 0; // the schema is not there yet
            }
        }
        try (Connection c = DriverManager.getConnection(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM etl_run_history WHERE status = '" + status + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
