package io.stockula.etl.source.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.StockulaEtl;
import io.stockula.etl.testsupport.StockulaDbGenerator;
import io.stockula.etl.testsupport.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real child process running `migrate` is killed with SIGKILL half-way; the committed rows match the
 * committed checkpoint exactly (no partial batch), and running the command again finishes with no duplicate
 * and no lost row.
 */
class ResumeAfterKillTest {

    @TempDir
    Path dir;

    @Test
    void sigkillMidMigrationThenRerunLosesAndDuplicatesNothing() throws Exception {
        Path db = dir.resolve("big.db");
        StockulaDbGenerator.Expectation exp = StockulaDbGenerator.generate(db, 100, 1500, false, 3);
        String url = TestDatabases.freshPostgres();
        Process p = new ProcessBuilder("java", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                StockulaEtl.class.getName(), "migrate", "--sqlite", db.toString(), "--db", url, "--batch-size", "1000",
                "--skip-rollups")
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        long done = 0;
        try (Connection c = DriverManager.getConnection(url)) {
            for (int i = 0; i < 6000 && p.isAlive(); i++) {
                done = checkpoint(c);
                if (done >= 20_000) {
                    break;
                }
                Thread.sleep(10);
            }
            p.destroyForcibly(); // SIGKILL
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("killed, not finished").isEqualTo(137);
            long committed = checkpoint(c);
            assertThat(committed).isGreaterThan(0).isLessThan(exp.priceRows());
            // what is committed is exactly what the checkpoint says: no partial batch
            assertThat(count(c, "SELECT count(*) FROM price_history")).isEqualTo(committed);
        }
        assertThat(StockulaEtl.execute("migrate", "--sqlite", db.toString(), "--db", url)).isZero();
        assertThat(StockulaEtl.execute("verify", "--sqlite", db.toString(), "--db", url)).isZero();
        try (Connection c = DriverManager.getConnection(url)) {
            assertThat(count(c, "SELECT count(*) FROM price_history")).isEqualTo(exp.priceRows());
            assertThat(count(c, "SELECT count(*) FROM (SELECT symbol, interval_type, \"timestamp\" FROM price_history"
                    + " GROUP BY 1, 2, 3 HAVING count(*) > 1) d")).isZero();
            assertThat(checkpoint(c)).isEqualTo(exp.priceRows());
        }
    }

    private static long checkpoint(Connection c) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'etl_checkpoints'")) {
            rs.next();
            if (rs.getLong(1) == 0) {
                return 0; // the child has not applied the schema yet
            }
        }
        return count(c, "SELECT coalesce(max(rows_done), 0) FROM etl_checkpoints WHERE source_table = 'price_history'");
    }

    private static long count(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
