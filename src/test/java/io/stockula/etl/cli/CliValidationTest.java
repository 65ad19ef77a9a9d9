package io.stockula.etl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.testsupport.StockulaDbGenerator;
import io.stockula.etl.testsupport.TestDatabases;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Bad settings end a command before it does anything: exit 2, one line naming the key, the value and what it
 * accepts, and nothing written. Unexpected exceptions exit 5 (1 stays "ran but incomplete"); error lines name
 * their root cause; no command prints the usage and exits 2.
 */
class CliValidationTest {

    @TempDir
    Path dir;

    private static String errorLine(CliHarness.Result r) {
        return r.err().lines().filter(l -> l.startsWith("error: ")).findFirst().orElse("(no error line) " + r.err());
    }

    @Test
    void batchSizeZeroOrNegativeExits2AndMigratesNothing() throws Exception {
        Path file = dir.resolve("s.db");
        StockulaDbGenerator.generate(file, 2, 5, false, 1);
        String db = TestDatabases.freshPostgres();
        for (String size : new String[] {"0", "-1"}) {
            CliHarness.Result r = CliHarness.run("migrate", "--sqlite", file.toString(), "--db", db, "--batch-size", size);
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(errorLine(r)).isEqualTo("error: --batch-size / stockula.sqlite.batch-size = " + size
                    + ": must be between 1 and 1000000 (rows per batch)");
        }
        // nothing was done: not even the schema
        try (Connection c = DriverManager.getConnection(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void badValuesNameTheKeyAndWhatItAccepts() {
        String db = "jdbc:postgresql://127.0.0.1:1/never-reached";
        assertBad(db, "stockula.quality.cron=banana",
                "error: stockula.quality.cron = banana: is not a Quartz cron expression (seconds minutes hours "
                        + "day-of-month month day-of-week, e.g. 0 0 1 * * ?)");
        assertBad(db, "stockula.schema.mode=FOO", "error: stockula.schema.mode = FOO: is not one of auto, timescaledb, postgres");
        assertBad(db, "stockula.yahoo.connect-timeout=banana",
                "error: stockula.yahoo.connect-timeout = banana: is not a duration (e.g. 1500ms, 30s, 5m, 2h, 7d)");
        assertBad(db, "stockula.db.pool-size=many", "error: stockula.db.pool-size = many: is not a whole number");
        assertBad(db, "stockula.yahoo.enabled=yes", "error: stockula.yahoo.enabled = yes: is not true or false");
        assertBad(db, "stockula.yahoo.requests-per-second=-2",
                "error: stockula.yahoo.requests-per-second = -2: must be a number from 0.0 to 1000.0 (requests per second, 0 = unpaced)");
        // a bad port given as an option
        CliHarness.Result port = CliHarness.run("run", "--db", db, "--port", "70000");
        assertThat(port.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(errorLine(port)).isEqualTo("error: --port / camel.management.port = 70000: must be between 1 and 65535 (a TCP port)");
        // not a number at all: picocli's own sentence, still exit 2
        CliHarness.Result banana = CliHarness.run("migrate", "--sqlite", "x.db", "--db", db, "--batch-size", "banana");
        assertThat(banana.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(banana.err()).contains("Invalid value for option '--batch-size': 'banana' is not an int");
    }

    private static void assertBad(String db, String setting, String line) {
        CliHarness.Result r = CliHarness.run("schema", "--db", db, "-D", setting);
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(errorLine(r)).isEqualTo(line);
    }

    @Test
    void noCommandPrintsTheUsageAndExits2() {
        CliHarness.Result r = CliHarness.run();
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).startsWith("error: no command given").contains("Usage: stockula-etl").contains("migrate");
    }

    @Test
    void unexpectedErrorsExit5AndErrorLinesNameTheRootCause() {
        CommandLine cmd = new CommandLine(new io.stockula.etl.StockulaEtl());
        java.io.StringWriter err = new java.io.StringWriter();
        cmd.setErr(new java.io.PrintWriter(err, true));
        int code = ExitCodes.handle(new IllegalStateException("Failed to execute script V1__tables.sql",
                new RuntimeException("wrapped", new AccessDeniedException("/etc/stockula/schema/V1__tables.sql"))), cmd, null);
        assertThat(code).isEqualTo(ExitCodes.INTERNAL);
        assertThat(err.toString()).startsWith("error: Failed to execute script V1__tables.sql: AccessDeniedException "
                + "/etc/stockula/schema/V1__tables.sql (internal error: the stack trace is in ").hasLineCount(1);

        err.getBuffer().setLength(0);
        code = ExitCodes.handle(new JobIncompleteException("migration stopped: x", null), cmd, null);
        assertThat(code).isEqualTo(ExitCodes.INCOMPLETE);
        assertThat(err.toString()).isEqualTo("error: migration stopped: x" + System.lineSeparator());
    }
}
