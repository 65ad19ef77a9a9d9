package io.stockula.etl.source.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.StockulaEtl;
import io.stockula.etl.testsupport.Sql;
import io.stockula.etl.testsupport.StockulaDbGenerator;
import io.stockula.etl.testsupport.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same migration into a real TimescaleDB (hypertables, compression settings, continuous aggregates). */
class MigrationTimescaleTest {

    @TempDir
    Path dir;

    @Test
    void dirtyFileMigratesIntoHypertablesAndVerifies() throws Exception {
        Path db = dir.resolve("dirty.db");
        StockulaDbGenerator.Expectation exp = StockulaDbGenerator.generate(db, 6, 120, true, 21);
        String url = TestDatabases.freshTimescale();
        assertThat(StockulaEtl.execute("migrate", "--sqlite", db.toString(), "--db", url, "--batch-size", "300",
                "-D", "stockula.db.pool-size=2")).isZero();
        assertThat(StockulaEtl.execute("verify", "--sqlite", db.toString(), "--db", url, "-D", "stockula.db.pool-size=2"))
                .isZero();
        try (Connection c = DriverManager.getConnection(url)) {
            assertThat(Sql.rows(c, "SELECT count(*) FROM price_history"))
                    .containsExactly(List.of(String.valueOf(exp.priceRows() - 7)));
            assertThat(Sql.rows(c, "SELECT count(*) > 1 FROM timescaledb_information.chunks WHERE hypertable_schema ="
                    + " current_schema() AND hypertable_name = 'price_history'")).containsExactly(List.of("t"));
            // migrate refreshed the continuous aggregates over the whole history
            assertThat(Sql.rows(c, "SELECT sum(bar_count) FROM price_weekly"))
                    .containsExactly(List.of(String.valueOf(exp.priceRows() - 7)));
        }
    }
}
