package io.stockula.etl.quality;

import static io.stockula.etl.quality.QualityFixture.find;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConsistencyCheckTest {

    @RegisterExtension
    static final QualityFixture db = new QualityFixture();

    @Test
    void orphansPerTableAndEventsWithoutPrices() throws Exception {
        LocalDate d = LocalDate.of(2024, 6, 3);
        db.stock("AAPL", "America/New_York");
        db.daily("AAPL", d);
        db.daily("AAPL", d.plusDays(1));
        for (int i = 0; i < 3; i++) {
            db.daily("TSLA", d.plusDays(i));
        }
        db.exec("INSERT INTO dividends (symbol, date, amount) VALUES ('AAPL', '2024-05-10', 0.25),"
                        + " ('KO', '2024-06-14', 0.485), ('KO', '2024-03-14', 0.485)",
                "INSERT INTO splits (symbol, date, ratio) VALUES ('NVDA', '2024-06-10', 10)",
                "INSERT INTO options_calls (symbol, expiration_date, strike, snapshot_at) VALUES ('TSLA', '2024-07-19', 200, now())",
                "INSERT INTO stock_info (symbol, info_json) VALUES ('AAPL', '{\"a\":1}')");

        List<CheckResult> r = db.run(new ConsistencyCheck(), QualityFixture.now());

        CheckResult prices = find(r, "price_history", "orphan_rows", null);
        assertThat(prices.value()).isEqualTo(3);
        assertThat(prices.passed()).isFalse();
        assertThat(prices.details()).containsEntry("symbols", List.of("TSLA")).containsEntry("rows", 5L)
                .containsEntry("ratio", 0.6);
        assertThat(find(r, "dividends", "orphan_rows", null).value()).isEqualTo(2);
        assertThat(find(r, "splits", "orphan_rows", null).value()).isEqualTo(1);
        assertThat(find(r, "options_calls", "orphan_rows", null).value()).isEqualTo(1);
        assertThat(find(r, "options_puts", "orphan_rows", null).value()).isZero();
        assertThat(find(r, "options_puts", "orphan_rows", null).passed()).isTrue();
        assertThat(find(r, "stock_info", "orphan_rows", null).value()).isZero();
        assertThat(find(r, "dividends", "events_without_prices", null).value()).isEqualTo(2);
        assertThat(find(r, "dividends", "events_without_prices", null).details()).containsEntry("symbols", List.of("KO"));
        assertThat(find(r, "splits", "events_without_prices", null).value()).isEqualTo(1);

        // KO gets its stock row: no longer an orphan, still without prices
        db.stock("KO", "America/New_York");
        List<CheckResult> after = db.run(new ConsistencyCheck(), QualityFixture.now());
        assertThat(find(after, "dividends", "orphan_rows", null).value()).isZero();
        assertThat(find(after, "dividends", "events_without_prices", null).value()).isEqualTo(2);
    }

    @Test
    void emptyDatabaseIsConsistent() throws Exception {
        List<CheckResult> r = db.run(new ConsistencyCheck(), QualityFixture.now());
        assertThat(r).hasSize(8).allMatch(CheckResult::passed).allMatch(x -> x.value() == 0);
    }
}
