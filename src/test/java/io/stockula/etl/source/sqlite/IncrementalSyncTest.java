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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `run` with stockula.sqlite.path: rows Stockula inserts or updates reach the target within one poll interval. */
class IncrementalSyncTest {

    @TempDir
    Path dir;

    @Test
    void insertedAndUpdatedRowsShowUpWithinAPollInterval() throws Exception {
        Path db = dir.resolve("live.db");
        StockulaDbGenerator.generate(db, 4, 30, false, 9);
        try (TestRuntime t = TestRuntime.postgres("stockula.sqlite.path", db.toString(),
                "stockula.sqlite.poll-interval", "500").start("sqlite-migration.yaml", "sqlite-sync.yaml")) {
            await(() -> count(t, "SELECT count(*) FROM price_history") == 120);

            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
                // Stockula stores a new bar, and refetches an old one (the ORM sets updated_at without a fraction)
                st.execute("INSERT INTO price_history (symbol, date, open_price, high_price, low_price, close_price, volume,"
                        + " interval, created_at, updated_at) VALUES ('AAPL', '2025-11-24', 230.1, 231.5, 229.0, 231.25,"
                        + " 42000000, '1d', '2099-01-01 00:00:00.000001', '2099-01-01 00:00:00.000001')");
                // (a close outside the bar's range would be rejected: keep it inside)
                st.execute("UPDATE price_history SET close_price = low_price, updated_at = '2099-01-01 00:00:01'"
                        + " WHERE symbol = 'MSFT' AND date = '2015-01-05'");
                st.execute("INSERT INTO dividends (symbol, date, amount, updated_at) VALUES ('MSFT', '2025-11-20', 0.91,"
                        + " '2099-01-01 00:00:02')");
            }
            long t0 = System.nanoTime();
            await(() -> count(t, "SELECT count(*) FROM price_history") == 121
                    && count(t, "SELECT count(*) FROM price_history WHERE symbol = 'MSFT' AND close_price = low_price") == 1
                    && count(t, "SELECT count(*) FROM dividends WHERE amount = 0.91") == 1);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(millis).as("within about one poll interval (500 ms) plus a write").isLessThan(5_000);
            assertThat(t.rows("SELECT close_price, volume FROM price_history WHERE symbol = 'AAPL'"
                    + " AND \"timestamp\" = '2025-11-24T00:00:00-05:00'")).containsExactly(List.of("231.25", "42000000"));
            // the checkpoint followed: new rows by rowid, changed rows by updated_at
            assertThat(t.rows("SELECT watermark FROM etl_checkpoints WHERE source_table = 'price_history'"))
                    .containsExactly(List.of("2099-01-01 00:00:01"));
        }
    }

    private static long count(TestRuntime t, String sql) {
        return t.count(sql);
    }

    private static void await(Supplier<Boolean> condition) throws InterruptedException {
        io.stockula.etl.testsupport.Await.until(condition, 15);
    }
}
