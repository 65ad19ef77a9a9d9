package io.stockula.etl.bench;

import io.stockula.etl.testsupport.Sql;
import io.stockula.etl.testsupport.StockulaDbGenerator;
import io.stockula.etl.testsupport.TestDatabases;
import io.stockula.etl.testsupport.TimescaleJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The TimescaleDB benchmark (`mvn -Pbench verify`, or `-Dit.test=TimescaleBenchmarkIT`): on the real server
 * (127.0.0.1:5433 or $STOCKULA_TEST_TSDB), the packaged jar at -Xmx512m migrates 1,200,000 generated price rows
 * into the price_history hypertable with the rollup refresh at the end, against psql \copy of the same rows into a
 * hypertable of the same shape; then every chunk is compressed and the same file migrated again with nothing changed
 * (--restart). Then a rebase: one symbol's 30-year daily history, compressed, rewritten with new values. Prints the
 * ratios and the chunk states; asserts nothing on timing (the goals are 0.70 and 0.50).
 */
@Tag("bench")
class TimescaleBenchmarkIT {

    private static final String DB = "stockula_bench_tsdb";
    private static final String SERVER = TestDatabases.TSDB;
    private static final String URL = SERVER + DB + "?user=postgres";
    private static final Pattern ROWS = Pattern.compile("([0-9]+) rows in ([0-9.]+) s");
    private static final Pattern ROLLUPS = Pattern.compile("rollups refreshed in ([0-9]+) ms");

    record Run(String label, long rows, double seconds, double wall) {
        double rate() {
            return rows / seconds;
        }
    }

    @Test
    void migrationAndUnchangedRerunOverCompressedHistoryVersusCopy() throws Exception {
        Assumptions.assumeTrue(reachable(), "no TimescaleDB at " + SERVER);
        int symbols = Integer.getInteger("bench.rows.symbols", 500);
        int days = Integer.getInteger("bench.rows.days", 2400);
        Path work = Path.of("target/bench");
        Files.createDirectories(work);
        Path sqlite = work.resolve("stockula-bench-tsdb.db");
        StockulaDbGenerator.Expectation exp = StockulaDbGenerator.generate(sqlite, symbols, days, false, 42);
        long rows = exp.priceRows();

        freshDatabase();
        // the schema first, then its policy jobs off the scheduler, so that no background compression runs during
        // the timed loads (the \copy target has none either)
        run(List.of("java", "-jar", "target/stockula-etl.jar", "schema", "--db", URL));
        try (Connection c = DriverManager.getConnection(URL)) {
            TimescaleJobs.takeOffSchedule(c);
        }
        List<Run> runs = new ArrayList<>();
        runs.add(ours("migrate, empty hypertable, rollups included", rows, List.of("java", "-Xmx512m", "-jar",
                "target/stockula-etl.jar", "migrate", "--sqlite", sqlite.toString(), "--db", URL)));

        Path csv = work.resolve("price_history_tsdb.csv").toAbsolutePath();
        psql("\\copy (SELECT * FROM price_history) TO '" + csv + "' WITH CSV",
                "DROP TABLE IF EXISTS ph_copy", "CREATE TABLE ph_copy (LIKE price_history INCLUDING ALL)",
                "SELECT create_hypertable('ph_copy', by_range('timestamp', INTERVAL '30 days'))", "CHECKPOINT");
        long t0 = System.nanoTime();
        psql("\\copy ph_copy FROM '" + csv + "' WITH CSV");
        double copySecs = secs(t0);
        Run copy = new Run("psql \\copy into a hypertable of the same shape", rows, copySecs, copySecs);
        runs.add(copy);
        psql("DROP TABLE ph_copy");

        t0 = System.nanoTime();
        String states;
        try (Connection c = DriverManager.getConnection(URL)) {
            TimescaleJobs.compressAll(c, "price_history");
            System.out.printf(Locale.ROOT, "compressed every chunk in %.1f s: %s%n", secs(t0), TimescaleJobs.chunkStates(c, "price_history"));
            runs.add(ours("migrate --restart, nothing changed, compressed history", rows, List.of("java", "-Xmx512m", "-jar",
                    "target/stockula-etl.jar", "migrate", "--sqlite", sqlite.toString(), "--db", URL, "--restart")));
            states = TimescaleJobs.chunkStates(c, "price_history");
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "%-58s %8s %8s %9s %8s%n", "price_history hypertable, " + rows + " rows", "load s",
                "wall s", "rows/s", "x \\copy");
        for (Run r : runs) {
            System.out.printf(Locale.ROOT, "%-58s %8.1f %8.1f %9.0f %8.2f%n", r.label(), r.seconds(), r.wall(), r.rate(),
                    r.rate() / copy.rate());
        }
        System.out.printf(Locale.ROOT, "migrate / \\copy = %.2f (goal >= 0.70); unchanged re-run / \\copy = %.2f (goal >= 0.50)%n",
                runs.get(0).rate() / copy.rate(), runs.get(2).rate() / copy.rate());
        System.out.println("chunk states after the unchanged re-run: " + states + " (goal: partial=0 uncompressed=0)");
        System.out.println("(load s: stockula-etl's own clock from the first read to the last commit, plus its rollup"
                + " refresh; wall s includes JVM start, Camel boot and schema checks)");
    }

    /** One symbol's 30 years of daily bars, compressed, then every bar rewritten (as a rebase after a split does). */
    @Test
    void rebaseOfThirtyYearsIntoCompressedChunks() throws Exception {
        Assumptions.assumeTrue(reachable(), "no TimescaleDB at " + SERVER);
        Path work = Path.of("target/bench");
        Files.createDirectories(work);
        Path sqlite = work.resolve("stockula-rebase.db");
        // 30 years of weekdays up to about now
        StockulaDbGenerator.Expectation exp = StockulaDbGenerator.generate(sqlite, 1, 7800, false, 7,
                java.time.LocalDate.now().minusYears(30));
        freshDatabase();
        run(List.of("java", "-jar", "target/stockula-etl.jar", "schema", "--db", URL));
        try (Connection c = DriverManager.getConnection(URL)) {
            TimescaleJobs.takeOffSchedule(c);
        }
        ours("rebase: first load", exp.priceRows(), List.of("java", "-Xmx512m", "-jar", "target/stockula-etl.jar",
                "migrate", "--sqlite", sqlite.toString(), "--db", URL));
        try (Connection c = DriverManager.getConnection(URL)) {
            TimescaleJobs.compressAll(c, "price_history");
            String before = TimescaleJobs.chunkStates(c, "price_history");
            try (Connection s = DriverManager.getConnection("jdbc:sqlite:" + sqlite); Statement st = s.createStatement()) {
                // a 2:1 split: every price halves, volumes double, each row changed
                st.executeUpdate("UPDATE price_history SET open_price = open_price / 2, high_price = high_price / 2,"
                        + " low_price = low_price / 2, close_price = close_price / 2, volume = volume * 2,"
                        + " updated_at = '2030-01-01 00:00:00'");
            }
            Run rebase = ours("rebase: every bar rewritten into compressed chunks", exp.priceRows(), List.of("java",
                    "-Xmx512m", "-jar", "target/stockula-etl.jar", "migrate", "--sqlite", sqlite.toString(), "--db", URL));
            String after = TimescaleJobs.chunkStates(c, "price_history");
            long t0 = System.nanoTime();
            for (String job : TimescaleJobs.takeOffSchedule(c)) {
                if (!Sql.rows(c, "SELECT 1 FROM timescaledb_information.jobs WHERE job_id = " + job
                        + " AND proc_name = 'policy_compression' AND hypertable_name = 'price_history'").isEmpty()) {
                    try (Statement st = c.createStatement()) {
                        st.execute("CALL run_job(" + job + ")");
                    }
                }
            }
            double recompress = secs(t0);
            List<String> check = Sql.rows(c, "SELECT count(*), sum(volume) FROM price_history").get(0);
            System.out.printf(Locale.ROOT, "%nrebase of %d daily bars (one symbol, 30 years) over compressed history: %.1f s"
                            + " (%.0f rows/s); chunks before %s, after %s; the compression policy job recompressed them"
                            + " in %.1f s: %s; rows %s%n", exp.priceRows(), rebase.seconds(), rebase.rate(), before, after,
                    recompress, TimescaleJobs.chunkStates(c, "price_history"), check.get(0));
        }
    }

    private static boolean reachable() {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres?user=postgres&connectTimeout=5")) {
            return true;
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    private static void freshDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres?user=postgres"); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
            st.execute("CREATE DATABASE " + DB);
        }
    }

    private static Run ours(String label, long rows, List<String> command) throws Exception {
        psql("CHECKPOINT");
        long t0 = System.nanoTime();
        String out = run(command);
        double wall = secs(t0);
        Matcher m = ROWS.matcher(out);
        double seconds = wall;
        if (m.find()) {
            // the job's own clock, scaled to price_history's rows, plus the rollup refresh that follows it
            seconds = Double.parseDouble(m.group(2)) * rows / Double.parseDouble(m.group(1));
            Matcher r = ROLLUPS.matcher(out);
            if (r.find()) {
                seconds += Long.parseLong(r.group(1)) / 1000.0;
                System.out.println(label + ": " + r.group());
            }
        }
        System.out.println(out.lines().filter(l -> !l.contains(" INFO ")).reduce("", (a, b) -> a + b + "\n"));
        return new Run(label, rows, seconds, wall);
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void psql(String... statements) throws Exception {
        java.net.URI uri = java.net.URI.create(SERVER.substring("jdbc:".length()));
        for (String s : statements) {
            run(List.of("psql", "-h", uri.getHost(), "-p", String.valueOf(uri.getPort()), "-U", "postgres", "-d", DB,
                    "-v", "ON_ERROR_STOP=1", "-q", "-c", s));
        }
    }
}
