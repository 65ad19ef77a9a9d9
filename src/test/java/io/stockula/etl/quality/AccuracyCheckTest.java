package io.stockula.etl.quality;

import static io.stockula.etl.quality.QualityFixture.find;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AccuracyCheckTest {

    @RegisterExtension
    static final QualityFixture db = new QualityFixture();

    @Test
    void shareOfBarsBreakingThePriceRules() throws Exception {
        LocalDate d = LocalDate.of(2024, 6, 3);
        var ny = QualityFixture.NY;
        db.daily("AAPL", ny, d, 10, 11, 9, 10.5, 100L);                       // fine
        db.daily("AAPL", ny, d.plusDays(1), 10, 10, 10, 10, 0L);              // flat bar, fine
        db.daily("AAPL", ny, d.plusDays(2), 10, 10.4, 9, 10.5, 100L);         // high below close
        db.daily("AAPL", ny, d.plusDays(3), 10, 11, 10.2, 10.5, 100L);        // low above open
        db.daily("AAPL", ny, d.plusDays(4), 10, 11, 9, 10.5, -5L);            // negative volume
        db.daily("AAPL", ny, d.plusDays(5), 0.5, 1, -1, 0.5, 100L);           // negative low
        db.daily("AAPL", ny, d.plusDays(6), 100.0, 100.0 * (1 - 1e-12), 99, 100, 10L); // float noise: tolerated
        db.daily("AAPL", ny, d.plusDays(7), Double.NaN, 11, 9, 10.5, 100L);   // NaN open: completeness, not accuracy
        db.bar("AAPL", "1h", d.atStartOfDay(ny).plusHours(10).toOffsetDateTime(), 10.0, 9.0, 8.0, 10.0, 1L); // high below open
        db.bar("AAPL", "1h", d.atStartOfDay(ny).plusHours(11).toOffsetDateTime(), null, 11.0, 9.0, 10.0, null); // nulls: not judged

        List<CheckResult> r = db.run(new AccuracyCheck(), QualityFixture.now());

        CheckResult prices = find(r, "price_history", "value_rules", null);
        assertThat(prices.details()).containsEntry("rows", 10L).containsEntry("violations", 5L);
        assertThat(prices.value()).isEqualTo(0.5);
        assertThat(prices.passed()).isFalse();
        assertThat(prices.threshold()).isEqualTo(0.001);
        @SuppressWarnings("unchecked")
        Map<String, Object> byRule = (Map<String, Object>) prices.details().get("by_rule");
        assertThat(byRule).containsEntry("high_below_open_close", 2L).containsEntry("low_above_open_close", 1L)
                .containsEntry("negative_volume", 1L).containsEntry("negative_price", 1L);
    }

    @Test
    void eventsOptionsAndRollups() throws Exception {
        db.exec("INSERT INTO dividends (symbol, date, amount) VALUES ('AAPL', '2024-05-10', 0.25), ('AAPL', '2024-02-09', -0.25),"
                        + " ('AAPL', '2023-11-10', 0.24), ('AAPL', '2023-08-11', 0.24)",
                "INSERT INTO splits (symbol, date, ratio) VALUES ('AAPL', '2020-08-31', 4)",
                "INSERT INTO options_calls (symbol, expiration_date, strike, bid, ask, snapshot_at) VALUES"
                        + " ('AAPL', '2024-07-19', 200, 1.5, 1.6, now()), ('AAPL', '2024-07-19', 210, 1.7, 1.6, now()),"
                        + " ('AAPL', '2024-07-19', 220, 0.1, 0, now())");
        // the rollups are read once refreshed (plain PostgreSQL: materialized views)
        LocalDate d = LocalDate.of(2024, 6, 3);
        db.daily("AAPL", QualityFixture.NY, d, 10, 11, 9, 10.5, 100L);
        db.daily("AAPL", QualityFixture.NY, d.plusDays(1), 10, 9, 9.5, 10.5, 100L);
        List<CheckResult> before = db.run(new AccuracyCheck(), QualityFixture.now());
        assertThat(before).noneMatch(x -> x.table().equals("price_weekly"));
        db.exec("REFRESH MATERIALIZED VIEW price_weekly", "REFRESH MATERIALIZED VIEW price_monthly",
                "REFRESH MATERIALIZED VIEW price_daily");

        List<CheckResult> r = db.run(new AccuracyCheck(), QualityFixture.now());

        assertThat(find(r, "dividends", "value_rules", null).value()).isEqualTo(0.25);
        assertThat(find(r, "splits", "value_rules", null).value()).isZero();
        assertThat(find(r, "splits", "value_rules", null).passed()).isTrue();
        // bid above ask counts; a zero ask (no quote) does not
        assertThat(find(r, "options_calls", "value_rules", null).details()).containsEntry("violations", 1L);
        assertThat(find(r, "options_puts", "value_rules", null).value()).isZero();
        // the week holds both bars: high 11 >= close 10.5 and low 9 <= open 10: consistent
        CheckResult weekly = find(r, "price_weekly", "value_rules", null);
        assertThat(weekly.details()).containsEntry("rows", 1L).containsEntry("violations", 0L);
        assertThat(find(r, "price_history", "value_rules", null).details()).containsEntry("violations", 1L);
        assertThat(find(r, "price_daily", "value_rules", null).details()).containsEntry("rows", 0L);
    }
}
