package io.stockula.etl.source.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.testsupport.StockulaDbGenerator;
import io.stockula.etl.testsupport.TestRuntime;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stockula's UPDATEs stamp whole seconds while its inserts carry microseconds, and a later commit can carry an
 * earlier stamp: an update in the watermark's second, and one stamped below it, must still reach the target. With
 * the look-back off (the control) they do not: the changed-rows cursor alone compares past them.
 */
class SyncLookBackTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(longs = {300_000, 0})
    void updatesStampedAtOrBelowTheWatermarkArrive(long lookBackMillis) throws Exception {
        Path db = dir.resolve("live.db");
        // with dirty rows: rejected and merged rows are read again by the look-back too, and must not be kept twice
        StockulaDbGenerator.Expectation exp = StockulaDbGenerator.generate(db, 4, 30, true, 9);
        long loaded = exp.priceRows() - 6 - 1;
        try (TestRuntime t = TestRuntime.postgres("stockula.sqlite.path", db.toString(),
                "stockula.sqlite.poll-interval", "300", "stockula.sqlite.look-back", String.valueOf(lookBackMillis))
                .start("sqlite-migration.yaml", "sqlite-sync.yaml")) {
            await(() -> count(t, "SELECT count(*) FROM price_history") == loaded);
            await(() -> count(t, "SELECT count(*) FROM merged_records") == 1);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
                // an insert (microseconds) becomes the watermark
                st.execute("INSERT INTO price_history (symbol, date, open_price, high_price, low_price, close_price, volume,"
                        + " interval, created_at, updated_at) VALUES ('AAPL', '2025-11-24', 230.1, 231.5, 229.0, 231.25,"
                        + " 42000000, '1d', '2099-01-01 00:00:05.500000', '2099-01-01 00:00:05.500000')");
            }
            await(() -> watermark(t).equals("2099-01-01 00:00:05.500000"));
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
                // an UPDATE in the same second (whole seconds sort below the watermark as text) and one below it
                st.execute("UPDATE price_history SET close_price = low_price, updated_at = '2099-01-01 00:00:05'"
                        + " WHERE symbol = 'MSFT' AND date = '2015-01-05'");
                st.execute("UPDATE price_history SET close_price = high_price, updated_at = '2099-01-01 00:00:03'"
                        + " WHERE symbol = 'MSFT' AND date = '2015-01-06'");
                // then a later insert: once it has arrived, the changed-rows cursor has passed the two updates
                st.execute("INSERT INTO price_history (symbol, date, open_price, high_price, low_price, close_price, volume,"
                        + " interval, created_at, updated_at) VALUES ('AAPL', '2025-11-25', 230.1, 231.5, 229.0, 231.0,"
                        + " 41000000, '1d', '2099-01-01 00:00:09.000001', '2099-01-01 00:00:09.000001')");
            }
            await(() -> watermark(t).equals("2099-01-01 00:00:09.000001"));
            String sameSecond = "SELECT count(*) FROM price_history WHERE symbol = 'MSFT' AND close_price = low_price"
                    + " AND \"timestamp\" = '2015-01-05T00:00:00-05:00' AND as_of = '2099-01-01 00:00:05+00'";
            String below = "SELECT count(*) FROM price_history WHERE symbol = 'MSFT' AND close_price = high_price"
                    + " AND \"timestamp\" = '2015-01-06T00:00:00-05:00' AND as_of = '2099-01-01 00:00:03+00'";
            if (lookBackMillis > 0) {
                await(() -> count(t, sameSecond) == 1 && count(t, below) == 1);
                // read again every poll but rewritten once: the upsert leaves unchanged rows alone, and a rejected or
                // merged version already kept is not kept again
                assertThat(count(t, "SELECT count(*) FROM price_history")).isEqualTo(loaded + 2);
                assertThat(count(t, "SELECT count(*) FROM rejected_records WHERE source_table = 'price_history'")).isEqualTo(6);
                assertThat(count(t, "SELECT count(*) - count(DISTINCT (source_table, source_key, record::text))"
                        + " FROM rejected_records")).as("rejected versions kept twice").isZero();
                assertThat(count(t, "SELECT count(*) FROM merged_records")).isEqualTo(1);
            } else {
                assertThat(count(t, sameSecond)).as("the control: without the look-back the update is missed").isZero();
                assertThat(count(t, below)).isZero();
            }
        }
    }

    private static String watermark(TestRuntime t) {
        try {
            List<List<String>> r = t.rows("SELECT watermark FROM etl_checkpoints WHERE source_table = 'price_history'");
            return r.isEmpty() || r.get(0).get(0) == null ? "" : r.get(0).get(0);
        } catch (Exception e) {
            return "";
        }
    }

    private static long count(TestRuntime t, String sql) {
        return t.count(sql);
    }

    private static void await(Supplier<Boolean> condition) throws InterruptedException {
        io.stockula.etl.testsupport.Await.until(condition, 30);
    }
}
