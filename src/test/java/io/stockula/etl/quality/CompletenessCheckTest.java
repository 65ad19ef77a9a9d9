package io.stockula.etl.quality;

import static io.stockula.etl.quality.QualityFixture.find;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CompletenessCheckTest {

    @RegisterExtension
    static final QualityFixture db = new QualityFixture();

    @Test
    void sharesOfPopulatedFieldsPerTableAndField() throws Exception {
        LocalDate d = LocalDate.of(2024, 6, 3);
        db.daily("AAPL", QualityFixture.NY, d, 10, 11, 9, 10.5, 100L);
        db.daily("AAPL", QualityFixture.NY, d.plusDays(1), Double.NaN, 11, 9, 10.5, null);  // open NaN, volume NULL
        db.bar("AAPL", "1d", d.plusDays(2).atStartOfDay(QualityFixture.NY).toOffsetDateTime(), null, 11.0, 9.0, null, 5L);
        db.daily("AAPL", QualityFixture.NY, d.plusDays(3), 10, 11, 9, 10.5, 0L);  // a zero volume is a value
        db.stock("AAPL", "America/New_York");
        db.exec("INSERT INTO stocks (symbol, name, sector) VALUES ('SPY', 'SPDR S&P 500', '  ')",
                "INSERT INTO dividends (symbol, date, amount) VALUES ('AAPL', '2024-05-10', 0.25), ('AAPL', '2024-02-09', 'NaN')",
                "INSERT INTO stock_info (symbol, info_json) VALUES ('AAPL', '{\"a\":1}'), ('SPY', '{}')");

        List<CheckResult> r = db.run(new CompletenessCheck(), QualityFixture.now());

        assertThat(find(r, "price_history", "field_populated", "open_price").value()).isEqualTo(0.5);
        assertThat(find(r, "price_history", "field_populated", "high_price").value()).isEqualTo(1.0);
        assertThat(find(r, "price_history", "field_populated", "close_price").value()).isEqualTo(0.75);
        assertThat(find(r, "price_history", "field_populated", "volume").value()).isEqualTo(0.75);
        assertThat(find(r, "price_history", "field_populated", "volume").details()).containsEntry("rows", 4L)
                .containsEntry("populated", 3L);
        assertThat(find(r, "price_history", "field_populated", "high_price").passed()).isTrue();
        assertThat(find(r, "price_history", "field_populated", "open_price").passed()).isFalse();
        assertThat(find(r, "price_history", "field_populated", "open_price").threshold()).isEqualTo(0.99);
        // blank text is not populated; SPY has neither sector nor industry
        assertThat(find(r, "stocks", "field_populated", "name").value()).isEqualTo(1.0);
        assertThat(find(r, "stocks", "field_populated", "sector").value()).isEqualTo(0.5);
        assertThat(find(r, "stocks", "field_populated", "exchange_timezone").value()).isEqualTo(0.5);
        assertThat(find(r, "dividends", "field_populated", "amount").value()).isEqualTo(0.5);
        assertThat(find(r, "stock_info", "field_populated", "info_json").value()).isEqualTo(0.5);
        // empty tables are complete
        CheckResult splits = find(r, "splits", "field_populated", "ratio");
        assertThat(splits.value()).isEqualTo(1.0);
        assertThat(splits.passed()).isTrue();
        assertThat(splits.details()).containsEntry("rows", 0L);
        assertThat(find(r, "options_calls", "field_populated", "bid").value()).isCloseTo(1.0, within(0.0));
    }

    @Test
    void perTableThresholdOverride() throws Exception {
        try (QualityFixture custom = new QualityFixture(java.util.Map.of("stockula.quality.completeness.min.stocks", "0.4"))) {
            custom.exec("INSERT INTO stocks (symbol, name, sector) VALUES ('A', 'A', 'X'), ('B', 'B', NULL)");
            List<CheckResult> r = custom.run(new CompletenessCheck(), QualityFixture.now());
            CheckResult sector = find(r, "stocks", "field_populated", "sector");
            assertThat(sector.threshold()).isEqualTo(0.4);
            assertThat(sector.passed()).isTrue();
            assertThat(find(r, "price_history", "field_populated", "open_price").threshold()).isEqualTo(0.99);
        }
    }
}
