package io.stockula.etl.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.testsupport.TestRuntime;
import io.stockula.etl.validate.RecordValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hallway's end: valid rows upserted, invalid rows quarantined with reasons, in one transaction. */
class QuarantineTest {

    private static Row bar(String symbol, String ts, double o, double h, double l, double c, long v, String key) {
        return io.stockula.etl.testsupport.PriceBars.bar(symbol, ts, o, h, l, c, v, key,
                Map.of("symbol", symbol == null ? "" : symbol, "high", h, "low", l));
    }

    @Test
    void invalidRecordsLandInRejectedRecordsWithTheirReasons() throws Exception {
        try (TestRuntime t = TestRuntime.postgres()) {
            List<Row> rows = new ArrayList<>(List.of(
                    bar("BRK-B", "2024-01-02T00:00:00-05:00", 362.1, 364.0, 360.5, 363.9, 3_000_000L, "rowid=1"),
                    bar("AAPL", "2024-01-02T00:00:00-05:00", 187.15, 185.0, 188.4, 185.64, 82_488_700L, "rowid=2"),
                    bar("NOT A SYMBOL", "2024-01-02T00:00:00-05:00", 1, 1, 1, 1, -5L, "rowid=3")));
            Batch batch = new Batch(TableSpecs.PRICE_HISTORY, "test", "sqlite:/tmp/x.db", "price_history", rows);
            new RecordValidation().validate(batch);
            new BatchWriter(t.boot.database().dataSource(), t.boot.metrics()).write(batch);

            assertThat(t.rows("SELECT symbol, open_price, volume FROM price_history"))
                    .containsExactly(List.of("BRK-B", "362.1", "3000000"));
            assertThat(t.rows("SELECT source_key, array_to_string(reason_codes, ','), record->>'symbol', target_table"
                    + " FROM rejected_records ORDER BY source_key"))
                    .containsExactly(
                            List.of("rowid=2", "high_below_low,high_below_open_close,low_above_open_close", "AAPL", "price_history"),
                            List.of("rowid=3", "symbol_invalid,negative:volume", "NOT A SYMBOL", "price_history"));
            assertThat(t.rows("SELECT symbol FROM stocks")).containsExactly(List.of("BRK-B"));
            assertThat(batch.result().inserted()).isEqualTo(1);
            assertThat(batch.result().rejected()).isEqualTo(2);
        }
    }
}
