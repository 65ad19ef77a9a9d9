package io.stockula.etl.source.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.StockulaEtl;
import io.stockula.etl.testsupport.Sql;
import io.stockula.etl.testsupport.StockulaDbGenerator;
import io.stockula.etl.testsupport.TestDatabases;
import io.stockula.etl.testsupport.TimescaleJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Migration into hypertables on the real TimescaleDB server, then the same file again over compressed chunks:
 * unchanged rows must not decompress anything, changed rows are rewritten and verify.
 */
class CompressedHistoryTest {

    private static final Path SHARED = Path.of("..", "shared", "stockula");

    @TempDir
    Path dir;

    /** Rows of price_weekly/price_monthly that differ from price_history grouped the same way (both directions). */
    static final String ROLLUP_DIFF = """
            WITH w AS (SELECT symbol, time_bucket(INTERVAL '1 week', "timestamp", "offset" => INTERVAL '-14 hours') AS bucket,
                         first(open_price, "timestamp") AS o, max(high_price) AS h, min(low_price) AS l,
                         last(close_price, "timestamp") AS c, sum(volume) AS v, count(*) AS n
                       FROM price_history WHERE interval_type = '1d' GROUP BY 1, 2),
                 m AS (SELECT symbol, time_bucket(INTERVAL '1 month', "timestamp", "offset" => INTERVAL '-14 hours') AS bucket,
                         first(open_price, "timestamp") AS o, max(high_price) AS h, min(low_price) AS l,
                         last(close_price, "timestamp") AS c, sum(volume) AS v, count(*) AS n
                       FROM price_history WHERE interval_type = '1d' GROUP BY 1, 2),
                 pw AS (SELECT symbol, bucket, open_price, high_price, low_price, close_price, volume, bar_count FROM price_weekly),
                 pm AS (SELECT symbol, bucket, open_price, high_price, low_price, close_price, volume, bar_count FROM price_monthly)
            SELECT (SELECT count(*) FROM ((TABLE w EXCEPT TABLE pw) UNION ALL (TABLE pw EXCEPT TABLE w)) x),
                   (SELECT count(*) FROM ((TABLE m EXCEPT TABLE pm) UNION ALL (TABLE pm EXCEPT TABLE m)) x),
                   (SELECT count(*) FROM pw), (SELECT count(*) FROM pm)""";

    private static int migrate(Path file, String url, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("migrate", "--sqlite", file.toString(), "--db", url,
                "-D", "stockula.db.pool-size=2"));
        args.addAll(List.of(more));
        return StockulaEtl.execute(args.toArray(String[]::new));
    }

    private static int verify(Path file, String url) {
        return StockulaEtl.execute("verify", "--sqlite", file.toString(), "--db", url, "-D", "stockula.db.pool-size=2");
    }

    private static void assertRollupsEqualGroupedHistory(Connection c) throws Exception {
        List<String> diff = Sql.rows(c, ROLLUP_DIFF).get(0);
        assertThat(diff.subList(0, 2)).as("weekly and monthly rows differing from price_history").containsExactly("0", "0");
        assertThat(Long.parseLong(diff.get(2))).isPositive();
        assertThat(Long.parseLong(diff.get(3))).isPositive();
    }

    @Test
    void dirtyFileIntoCompressedHypertablesUnchangedRerunKeepsChunksCompressedChangedRowsVerify() throws Exception {
        Path db = dir.resolve("dirty.db");
        StockulaDbGenerator.Expectation exp = StockulaDbGenerator.generate(db, 8, 400, true, 33);
        String url = TestDatabases.freshTimescale();
        assertThat(migrate(db, url, "--batch-size", "500")).isZero();
        assertThat(verify(db, url)).isZero();
        try (Connection c = DriverManager.getConnection(url)) {
            assertRollupsEqualGroupedHistory(c);
            TimescaleJobs.takeOffSchedule(c); // the compression policy must not move chunk states under the test
            TimescaleJobs.compressAll(c, "price_history");
            String allCompressed = TimescaleJobs.chunkStates(c, "price_history");
            assertThat(allCompressed).matches("compressed=[1-9][0-9]* partial=0 uncompressed=0");
            assertThat(verify(db, url)).isZero();

            // nothing changed: every row is read and compared again, none is written, no chunk is decompressed. (One
            // batch: with smaller ones, the 'aapl' row merged into AAPL's first bar would be undone by AAPL's batch
            // and redone by its own, a real rewrite of that bar.)
            assertThat(migrate(db, url, "--restart")).isZero();
            assertThat(TimescaleJobs.chunkStates(c, "price_history")).isEqualTo(allCompressed);
            assertThat(Sql.rows(c, "SELECT count(*) FROM price_history")).containsExactly(List.of(String.valueOf(exp.priceRows() - 7)));

            // changed rows (one symbol's volumes, as a rebase would rewrite them) are written into the compressed chunks
            // (not its first bar: the 'aapl' row merged into it stays the later one only while AAPL's is untouched)
            try (Connection s = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = s.createStatement()) {
                assertThat(st.executeUpdate("UPDATE price_history SET volume = volume + 1, updated_at = '2030-01-01 00:00:00'"
                        + " WHERE symbol = 'AAPL' AND date > '2015-01-02' AND date < '2015-03-01'")).isEqualTo(40);
            }
            long before = Long.parseLong(Sql.rows(c, "SELECT sum(volume) FROM price_history WHERE symbol = 'AAPL'").get(0).get(0));
            assertThat(migrate(db, url)).isZero();
            assertThat(verify(db, url)).isZero();
            assertThat(Long.parseLong(Sql.rows(c, "SELECT sum(volume) FROM price_history WHERE symbol = 'AAPL'").get(0).get(0)))
                    .isEqualTo(before + 40);
            String afterChange = TimescaleJobs.chunkStates(c, "price_history");
            System.out.println("[tsdb] chunk states: after compression " + allCompressed + "; after an unchanged re-run "
                    + allCompressed + "; after 40 changed rows " + afterChange);
            // January and February 2015 are two or three 30-day chunks: those became partial, no other chunk changed
            assertThat(afterChange).matches("compressed=[1-9][0-9]* partial=[1-3] uncompressed=0");
            assertRollupsEqualGroupedHistory(c);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stockula-2025-08-09.db", "stockula-2025-07-26-rawsql-schema.db"})
    void realStockulaFilesIntoHypertablesVerifyAndRollUp(String file) throws Exception {
        Path db = SHARED.resolve(file);
        if (!Files.isReadable(db)) {
            System.err.println("[tsdb] CompressedHistoryTest skipped for " + file + ": ../shared/stockula not present");
        }
        Assumptions.assumeTrue(Files.isReadable(db), "../shared/stockula not present");
        String url = TestDatabases.freshTimescale();
        assertThat(migrate(db, url)).isZero();
        assertThat(verify(db, url)).isZero();
        try (Connection c = DriverManager.getConnection(url)) {
            assertThat(Sql.rows(c, "SELECT count(*) > 0 FROM timescaledb_information.chunks WHERE hypertable_name = 'price_history'"))
                    .containsExactly(List.of("t"));
            assertRollupsEqualGroupedHistory(c);
            TimescaleJobs.takeOffSchedule(c);
            TimescaleJobs.compressAll(c, "price_history");
            String compressed = TimescaleJobs.chunkStates(c, "price_history");
            assertThat(migrate(db, url, "--restart")).isZero();
            assertThat(verify(db, url)).isZero();
            assertThat(TimescaleJobs.chunkStates(c, "price_history")).isEqualTo(compressed).contains("partial=0 uncompressed=0");
        }
    }
}
