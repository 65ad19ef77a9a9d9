package io.stockula.etl.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.testsupport.PriceBars;
import io.stockula.etl.testsupport.TestRuntime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two rows of one batch with one key ('aapl' and 'AAPL' on one day, after normalisation): the newer as_of wins
 * whatever the order, the other is kept in merged_records with its key, the winner's key and why; a later batch
 * with older data does not replace the stored row.
 */
class MergedRecordsTest {

    private static Row bar(double close, String asOf, String key) {
        Row r = PriceBars.bar("AAPL", "2024-01-02T00:00:00-05:00", close, close, close, close, 100L, key,
                Map.of("symbol", key.endsWith("1") ? "aapl" : "AAPL", "close_price", close));
        r.set(TableSpecs.PRICE_HISTORY.index("source"), "sqlite");
        r.set(TableSpecs.PRICE_HISTORY.index("as_of"), Instant.parse(asOf));
        return r;
    }

    @Test
    void theNewerRowWinsAndTheLoserIsKept() throws Exception {
        try (TestRuntime t = TestRuntime.postgres()) {
            BatchWriter writer = new BatchWriter(t.boot.database().dataSource(), t.boot.metrics());
            Batch batch = new Batch(TableSpecs.PRICE_HISTORY, "test", "sqlite:/tmp/x.db", "price_history", new ArrayList<>(
                    List.of(bar(185.5, "2024-01-03T10:00:00Z", "rowid=1"), bar(184.0, "2024-01-02T22:00:00Z", "rowid=2"))));
            writer.write(batch);
            assertThat(t.rows("SELECT close_price, as_of FROM price_history"))
                    .containsExactly(List.of("185.5", "2024-01-03 10:00:00+00"));
            assertThat(t.rows("SELECT source_key, winner_key, reason, record->>'close_price' FROM merged_records"))
                    .containsExactly(List.of("rowid=2", "rowid=1", "older_as_of", "184.0"));
            assertThat(batch.result().merged()).isEqualTo(1);

            // an older version arriving in a later batch does not replace the row
            writer.write(new Batch(TableSpecs.PRICE_HISTORY, "test", "sqlite:/tmp/x.db", "price_history",
                    new ArrayList<>(List.of(bar(183.0, "2024-01-01T00:00:00Z", "rowid=3")))));
            assertThat(t.rows("SELECT close_price FROM price_history")).containsExactly(List.of("185.5"));
        }
    }
}
