package io.stockula.etl.bench;

import io.stockula.etl.testsupport.StockulaDbGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The migration benchmark (`mvn -Pbench verify`): a generated 1,200,000-row price_history (500 symbols x 2,400
 * weekdays, plus the other tables) migrated from empty into PostgreSQL on 127.0.0.1:5432 by the packaged jar at
 * -Xmx512m, then again over the loaded table with nothing changed (--restart); measured in the same run against
 * psql \copy of the same rows (CSV) and pgloader (staging + upsert into the same pre-created target shape).
 * Prints rows/s, ratios and where the CPU went (JVM vs PostgreSQL). Not a pass/fail test: the figures are the
 * output. Set -Dbench.rows.symbols / -Dbench.rows.days to change the size.
 */
@Tag("bench")
class MigrationBenchmarkIT {

    private static final String DB = "stockula_bench";
    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/" + DB + "?user=postgres";

    record Run(String label, long rows, double seconds, double processSeconds, double clientCpu, double pgCpu) {
        double rate() {
            return rows / seconds;
        }
    }

    @Test
    void migrationVersusCopyAndPgloader() throws Exception {
        int symbols = Integer.getInteger("bench.rows.symbols", 500);
        int days = Integer.getInteger("bench.rows.days", 2400);
        Path work = Path.of("target/bench");
        Files.createDirectories(work);
        Path sqlite = work.resolve("stockula-bench.db");
        long t0 = System.nanoTime();
        StockulaDbGenerator.Expectation exp = StockulaDbGenerator.generate(sqlite, symbols, days, false, 42);
        System.out.printf(Locale.ROOT, "generated %s: %d price rows in %.1f s%n", sqlite, exp.priceRows(), secs(t0));
        long rows = exp.priceRows();
        List<Run> runs = new ArrayList<>();

        psql("postgres", "DROP DATABASE IF EXISTS " + DB, "CREATE DATABASE " + DB);
        runs.add(timed("stockula-etl migrate (empty target)", rows, List.of("java", "-Xmx512m", "-jar", "target/stockula-etl.jar",
                "migrate", "--sqlite", sqlite.toString(), "--db", URL, "--skip-rollups"), true));
        runs.add(timed("stockula-etl migrate --restart (nothing changed)", rows, List.of("java", "-Xmx512m", "-jar",
                "target/stockula-etl.jar", "migrate", "--sqlite", sqlite.toString(), "--db", URL, "--skip-rollups",
                "--restart"), true));

        Path csv = work.resolve("price_history.csv").toAbsolutePath();
        // every column, in table order: ph_copy is LIKE price_history
        psql(DB, "\\copy (SELECT * FROM price_history) TO '" + csv + "' WITH CSV",
                "DROP TABLE IF EXISTS ph_copy", "CREATE TABLE ph_copy (LIKE price_history INCLUDING ALL)", "CHECKPOINT");
        runs.add(timed("psql \\copy (CSV of the same rows)", rows, List.of("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DB,
                "-c", "\\copy ph_copy FROM '" + csv + "' WITH CSV"), false));

        Run pgloader = null;
        if (new java.io.File("/usr/bin/pgloader").canExecute()) {
            psql(DB, "DROP TABLE IF EXISTS ph_pgloader", "CREATE TABLE ph_pgloader (LIKE price_history INCLUDING ALL)", "CHECKPOINT");
            String load = new String(getClass().getResourceAsStream("/bench/pgloader-price-history.load").readAllBytes())
                    .replace("{{SQLITE}}", sqlite.toAbsolutePath().toString()).replace("{{DB}}", DB);
            Path loadFile = work.resolve("price-history.load");
            Files.writeString(loadFile, load);
            pgloader = timed("pgloader (staging + upsert)", rows, List.of("pgloader", "--root-dir", work.toAbsolutePath()
                    .toString(), loadFile.toString()), false);
            runs.add(pgloader);
            try (Connection c = DriverManager.getConnection(URL); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM ph_pgloader")) {
                rs.next();
                System.out.println("pgloader loaded " + rs.getLong(1) + " rows");
            }
        } else {
            System.out.println("pgloader not installed (apt-get install -y pgloader): its column is skipped");
        }

        Run copy = runs.get(2);
        System.out.println();
        System.out.printf(Locale.ROOT, "%-48s %8s %10s %9s %8s %10s %10s%n", "price_history, " + rows + " rows", "load s",
                "process s", "rows/s", "x \\copy", "client CPU", "PG CPU");
        for (Run r : runs) {
            System.out.printf(Locale.ROOT, "%-48s %8.1f %10.1f %9.0f %8.2f %10.1f %10.1f%n", r.label(), r.seconds(),
                    r.processSeconds(), r.rate(), r.rate() / copy.rate(), r.clientCpu(), r.pgCpu());
        }
        if (pgloader != null) {
            System.out.printf(Locale.ROOT, "migrate / pgloader = %.2f (goal >= 1.5)%n", runs.get(0).rate() / pgloader.rate());
        }
        System.out.printf(Locale.ROOT, "migrate / \\copy = %.2f (goal >= 0.50); re-run / \\copy = %.2f (goal >= 0.40)%n",
                runs.get(0).rate() / copy.rate(), runs.get(1).rate() / copy.rate());
        System.out.println("(load s: for stockula-etl its own 'rows in N s' clock, from the first read to the last commit,"
                + " scaled to price_history's rows; process s includes JVM start, Camel boot, schema and SQLite checks."
                + " CPU in seconds: the client process tree and the whole PostgreSQL cluster)");
    }

    /** Runs a command, measuring wall time, its CPU (via /proc of the child) and PostgreSQL's CPU. */
    private static Run timed(String label, long rows, List<String> command, boolean ours) throws Exception {
        psql(DB, "CHECKPOINT");
        double pg0 = postgresCpu();
        long t0 = System.nanoTime();
        List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-f", "CPU %U %S"));
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(label + " failed:\n" + out);
        }
        double wall = secs(t0);
        double pg = postgresCpu() - pg0;
        Matcher cpu = Pattern.compile("CPU ([0-9.]+) ([0-9.]+)").matcher(out);
        double client = cpu.find() ? Double.parseDouble(cpu.group(1)) + Double.parseDouble(cpu.group(2)) : Double.NaN;
        double seconds = wall;
        if (ours) {
            Matcher m = Pattern.compile("([0-9]+) rows in ([0-9.]+) s").matcher(out);
            if (m.find()) {
                // the job's own clock: reading + validating + writing, after start-up
                seconds = Double.parseDouble(m.group(2)) * rows / Double.parseDouble(m.group(1));
            }
            System.out.println(out.lines().filter(l -> !l.contains(" INFO ")).reduce("", (a, b) -> a + b + "\n"));
        }
        return new Run(label, rows, seconds, wall, client, pg);
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void psql(String db, String... statements) throws IOException, InterruptedException {
        for (String s : statements) {
            Process p = new ProcessBuilder("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1",
                    "-q", "-c", s).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("psql failed: " + s + "\n" + out);
            }
        }
    }

    /** CPU seconds of the whole PostgreSQL cluster: live processes plus the reaped backends the postmaster accounts. */
    private static double postgresCpu() throws IOException {
        double ticks = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String comm = Files.readString(p.resolve("comm")).strip();
                    if (!comm.startsWith("postgres")) {
                        continue;
                    }
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
                } catch (IOException | RuntimeException gone) {
                    // a backend that ended between list and read
                }
            }
        }
        return ticks / 100.0;
    }
}
