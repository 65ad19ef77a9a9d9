package io.stockula.etl.source.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.StockulaEtl;
import io.stockula.etl.testsupport.StockulaDbGenerator;
import io.stockula.etl.testsupport.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** migrate then verify on a generated dirty file: every row loaded, merged or rejected, values exact. */
class MigrationTest {

    @TempDir
    Path dir;

    @Test
    void dirtyFileMigratesAndVerifiesWithEveryRowAccountedFor() throws Exception {
        Path db = dir.resolve("dirty.db");
        StockulaDbGenerator.Expectation exp = StockulaDbGenerator.generate(db, 12, 300, true, 7);
        String url = TestDatabases.freshPostgres();

        assertThat(StockulaEtl.execute("migrate", "--sqlite", db.toString(), "--db", url, "--batch-size", "500")).isZero();
        assertThat(StockulaEtl.execute("verify", "--sqlite", db.toString(), "--db", url)).isZero();

        try (Connection c = DriverManager.getConnection(url)) {
            // every kind of bad row is quarantined with its reason and its original record
            assertThat(rows(c, "SELECT source_table, array_to_string(reason_codes, ',') FROM rejected_records ORDER BY 1, 2"))
                    .containsExactly(
                            List.of("dividends", "date_invalid:date"),
                            List.of("price_history", "date_in_future:timestamp"),
                            List.of("price_history", "date_invalid:date"),
                            List.of("price_history", "high_below_low,high_below_open_close,low_above_open_close"),
                            List.of("price_history", "negative:volume"),
                            List.of("price_history", "not_integer:volume"),
                            List.of("price_history", "not_numeric:open_price"),
                            List.of("stock_info", "json_invalid:info_json"),
                            List.of("strategy_presets", "json_invalid:parameters_json"));
            assertThat(rows(c, "SELECT record->>'open_price', record->>'date' FROM rejected_records"
                    + " WHERE 'not_numeric:open_price' = ANY (reason_codes)")).containsExactly(List.of("N/A", "2024-06-10"));
            assertThat(exp.dirtyRejected()).isEqualTo(9);
            // price_history: all rows minus 6 rejected minus the merged 'aapl'
            assertThat(rows(c, "SELECT count(*) FROM price_history"))
                    .containsExactly(List.of(String.valueOf(exp.priceRows() - 6 - 1)));
            // orphans loaded with a stock row created for them; padded and lower-case symbols normalised
            assertThat(rows(c, "SELECT symbol, name FROM stocks WHERE symbol IN ('ZZZORPHAN', 'NVDA', 'TINY') ORDER BY 1"))
                    .containsExactly(java.util.Arrays.asList("NVDA", null), java.util.Arrays.asList("TINY", null),
                            java.util.Arrays.asList("ZZZORPHAN", null));
            // 'aapl' on AAPL's first day merged into one row: the later source row wins
            assertThat(rows(c, "SELECT open_price, volume, to_char(\"timestamp\" AT TIME ZONE 'America/New_York', 'YYYY-MM-DD HH24:MI')"
                    + " FROM price_history WHERE symbol = 'AAPL' ORDER BY \"timestamp\" LIMIT 1"))
                    .containsExactly(List.of("1", "7", "2015-01-02 00:00"));
            // the version that lost the merge is kept: the stored AAPL row, replaced by the later 'aapl' row
            assertThat(rows(c, "SELECT target_table, source_key, winner_key LIKE 'rowid=%', reason, record->>'symbol',"
                    + " record->>'open_price' <> '1' FROM merged_records"))
                    .containsExactly(List.of("price_history", "stored row", "t", "same_as_of_read_earlier", "AAPL", "t"));
            assertThat(exp.dirtyMerged()).isEqualTo(1);
            // prices exactly as stored, down to 1e-5; volumes beyond int32
            assertThat(rows(c, "SELECT open_price, volume FROM price_history WHERE symbol = 'TINY'"))
                    .containsExactly(List.of("1.234e-05", "9000000000"));
            // '' meant NULL
            assertThat(rows(c, "SELECT count(*) FROM stocks WHERE industry = '' OR sector = ''")).containsExactly(List.of("0"));
            // NaN/Infinity: queryable jsonb with nulls, original text kept
            assertThat(rows(c, "SELECT info_json->>'trailingPE', info_json->>'marketCap', info_json_raw LIKE '%NaN%Infinity%'"
                    + " FROM stock_info WHERE symbol = 'AAPL'")).containsExactly(java.util.Arrays.asList(null, "3194468958208", "t"));
            // options: no contract symbol becomes '', the quote keeps its time
            assertThat(rows(c, "SELECT contract_symbol, to_char(snapshot_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
                    + " FROM options_calls WHERE strike = 250")).containsExactly(List.of("", "2025-08-05 14:00:00"));
            // foreign exchange and Xetra bars sit at midnight of their own zone
            assertThat(rows(c, "SELECT to_char(\"timestamp\" AT TIME ZONE 'UTC', 'HH24:MI') FROM price_history"
                    + " WHERE symbol = 'GS2C.DE' ORDER BY \"timestamp\" LIMIT 1")).containsExactly(List.of("23:00"));
            assertThat(rows(c, "SELECT job, status, rows_rejected FROM etl_run_history WHERE job = 'migrate'"))
                    .containsExactly(List.of("migrate", "succeeded", "9"));
        }
        // a second run reads nothing new and changes nothing
        assertThat(StockulaEtl.execute("migrate", "--sqlite", db.toString(), "--db", url)).isZero();
        assertThat(StockulaEtl.execute("verify", "--sqlite", db.toString(), "--db", url)).isZero();
    }

    @Test
    void verifyCatchesAChangedPriceAndAMissingRow() throws Exception {
        Path db = dir.resolve("clean.db");
        StockulaDbGenerator.generate(db, 3, 50, false, 11);
        String url = TestDatabases.freshPostgres();
        assertThat(StockulaEtl.execute("migrate", "--sqlite", db.toString(), "--db", url)).isZero();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("UPDATE price_history SET close_price = close_price + 1e-9 WHERE symbol = 'MSFT'"
                    + " AND \"timestamp\" = (SELECT min(\"timestamp\") FROM price_history WHERE symbol = 'MSFT')");
        }
        assertThat(StockulaEtl.execute("verify", "--sqlite", db.toString(), "--db", url)).isEqualTo(1);
        // a re-run with --restart repairs it (the changed row differs from its source, so it is rewritten)
        assertThat(StockulaEtl.execute("migrate", "--sqlite", db.toString(), "--db", url, "--restart")).isZero();
        assertThat(StockulaEtl.execute("verify", "--sqlite", db.toString(), "--db", url)).isZero();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("DELETE FROM price_history WHERE symbol = 'AAPL' AND \"timestamp\" > '2015-02-01'")).isPositive();
        }
        assertThat(StockulaEtl.execute("verify", "--sqlite", db.toString(), "--db", url)).isEqualTo(1);
    }

    static List<List<String>> rows(Connection c, String sql) throws Exception {
        return io.stockula.etl.testsupport.Sql.rows(c, sql);
    }
}
