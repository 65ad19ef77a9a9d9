package io.stockula.etl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.testsupport.Sql;
import io.stockula.etl.testsupport.StockulaDbGenerator;
import io.stockula.etl.testsupport.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rollup refresh that fails after the rows are in: the summary is still printed, the step is named, exit 1. */
class MigrateRollupFailureTest {

    @TempDir
    Path dir;

    @Test
    void failedRollupStepStillPrintsTheSummaryAndNamesTheStep() throws Exception {
        Path db = dir.resolve("small.db");
        StockulaDbGenerator.Expectation exp = StockulaDbGenerator.generate(db, 3, 40, false, 5);
        String url = TestDatabases.freshPostgres();
        assertThat(CliHarness.run("schema", "--db", url).exit()).isZero();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("DROP MATERIALIZED VIEW price_monthly"); // the refresh of the last rollup will fail
        }
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CliHarness.Result r;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            r = CliHarness.run("migrate", "--sqlite", db.toString(), "--db", url);
        } finally {
            System.setOut(saved);
        }
        String printed = out.toString(StandardCharsets.UTF_8) + r.out();
        assertThat(r.exit()).isEqualTo(ExitCodes.INCOMPLETE);
        assertThat(printed).containsPattern("price_history\\s+" + exp.priceRows() + "\\s+" + exp.priceRows())
                .contains("every row loaded, merged or rejected");
        assertThat(r.err()).contains("error: migration done, but the step \"refresh rollups\" failed:")
                .contains("price_monthly");
        try (Connection c = DriverManager.getConnection(url)) {
            assertThat(Sql.rows(c, "SELECT count(*) FROM price_history")).containsExactly(List.of(String.valueOf(exp.priceRows())));
            assertThat(Sql.rows(c, "SELECT status, error FROM etl_run_history WHERE job = 'migrate'").get(0).get(0))
                    .isEqualTo("partial");
        }
    }
}
