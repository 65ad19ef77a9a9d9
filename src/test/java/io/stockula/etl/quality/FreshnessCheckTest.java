package io.stockula.etl.quality;

import static io.stockula.etl.quality.QualityFixture.NY;
import static io.stockula.etl.quality.QualityFixture.find;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FreshnessCheckTest {

    @RegisterExtension
    static final QualityFixture db = new QualityFixture();

    private static SeriesAge age(List<SeriesAge> ages, String symbol, String interval) {
        return ages.stream().filter(a -> a.symbol().equals(symbol) && a.interval().equals(interval)).findFirst().orElseThrow();
    }

    @Test
    void ageInTradingDaysPerCalendar() throws Exception {
        LocalDate fri = LocalDate.of(2024, 6, 7);
        db.stock("AAPL", "America/New_York");
        db.stock("MSFT", "America/New_York");
        db.stock("BTC-USD", "UTC");
        db.stock("EURUSD=X", "Europe/London");
        db.stock("SAP.DE", "Europe/Berlin");
        db.stock("OLD", "America/New_York");
        db.exec("UPDATE stocks SET is_active = false, inactive_reason = 'delisted' WHERE symbol = 'OLD'");
        db.daily("AAPL", fri.minusDays(1));
        db.daily("AAPL", fri);
        db.daily("MSFT", fri.minusDays(1));
        db.daily("BTC-USD", ZoneOffset.UTC, LocalDate.of(2024, 6, 9), 10, 11, 9, 10, 1L);
        db.daily("ETH-USD", ZoneOffset.UTC, fri, 10, 11, 9, 10, 1L);   // no stocks row: shape says crypto
        db.daily("EURUSD=X", ZoneId.of("Europe/London"), fri, 1, 1.1, 0.9, 1, 0L);
        db.daily("SAP.DE", ZoneId.of("Europe/Berlin"), fri, 10, 11, 9, 10, 1L);
        db.daily("OLD", LocalDate.of(2023, 1, 3));
        db.bar("AAPL", "1wk", LocalDate.of(2024, 6, 3).atStartOfDay(NY).toOffsetDateTime(), 10.0, 11.0, 9.0, 10.0, 1L);
        // Monday 10 June 2024, 08:00 in New York (before the open)
        QualityFixture.Outcome o = db.runWith(new FreshnessCheck(), QualityFixture.at(LocalDateTime.of(2024, 6, 10, 8, 0)));
        List<SeriesAge> ages = o.ctx().seriesAges();
        List<CheckResult> r = o.results();

        assertThat(age(ages, "AAPL", "1d").ageTradingDays()).as("Friday's bar on Monday morning").isEqualTo(1);
        assertThat(age(ages, "AAPL", "1d").stale()).isFalse();
        assertThat(age(ages, "AAPL", "1d").calendar()).isEqualTo("nyse");
        assertThat(age(ages, "AAPL", "1d").latestDate()).isEqualTo(fri);
        assertThat(age(ages, "MSFT", "1d").ageTradingDays()).isEqualTo(2);
        assertThat(age(ages, "MSFT", "1d").stale()).isTrue();
        assertThat(age(ages, "BTC-USD", "1d").ageTradingDays()).as("crypto counts Sunday").isEqualTo(1);
        assertThat(age(ages, "ETH-USD", "1d").ageTradingDays()).isEqualTo(3);
        assertThat(age(ages, "ETH-USD", "1d").calendar()).isEqualTo("calendar-days");
        // FX has no weekend bars: Friday's is 1 weekday old on Monday
        assertThat(age(ages, "EURUSD=X", "1d").ageTradingDays()).isEqualTo(1);
        assertThat(age(ages, "EURUSD=X", "1d").calendar()).isEqualTo("weekdays");
        assertThat(age(ages, "EURUSD=X", "1d").stale()).isFalse();
        assertThat(age(ages, "SAP.DE", "1d").ageTradingDays()).isEqualTo(1);
        assertThat(age(ages, "SAP.DE", "1d").calendar()).isEqualTo("weekdays");
        assertThat(age(ages, "OLD", "1d").ageTradingDays()).isGreaterThan(300);
        assertThat(age(ages, "OLD", "1d").stale()).as("inactive stocks are never stale").isFalse();
        assertThat(age(ages, "AAPL", "1wk").ageTradingDays()).isEqualTo(5);
        assertThat(age(ages, "AAPL", "1wk").maxAge()).isEqualTo(7);
        assertThat(age(ages, "AAPL", "1wk").stale()).isFalse();

        CheckResult daily = find(r, "price_history", "stale_series", "1d");
        assertThat(daily.value()).isEqualTo(2);
        assertThat(daily.passed()).isFalse();
        assertThat(daily.details()).containsEntry("series", 7).containsEntry("max_age_trading_days", 1);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> named = (List<Map<String, Object>>) daily.details().get("stale_symbols");
        assertThat(named).extracting(m -> m.get("symbol")).containsExactlyInAnyOrder("MSFT", "ETH-USD");
        assertThat(find(r, "price_history", "stale_series", "1wk").value()).isZero();
        CheckResult msft = find(r, "price_history", "series_age", "MSFT/1d");
        assertThat(msft.value()).isEqualTo(2);
        assertThat(msft.threshold()).isEqualTo(1);
        assertThat(r).filteredOn(x -> x.check().equals("series_age")).hasSize(2);
    }

    @Test
    void holidaysDoNotCount() throws Exception {
        db.stock("AAPL", "America/New_York");
        db.daily("AAPL", LocalDate.of(2024, 3, 28));   // Thursday before Good Friday
        db.stock("SPY", "America/New_York");
        db.daily("SPY", LocalDate.of(2024, 12, 31));
        // Monday 1 April 2024, 17:00 New York: Good Friday was closed, Monday's bar may still be on its way
        var r = db.runWith(new FreshnessCheck(), QualityFixture.at(LocalDateTime.of(2024, 4, 1, 17, 0))).ctx().seriesAges();
        assertThat(age(r, "AAPL", "1d").ageTradingDays()).isEqualTo(1);
        assertThat(age(r, "AAPL", "1d").stale()).isFalse();
        // Thursday 2 January 2025: New Year's Day does not count either
        var jan = db.runWith(new FreshnessCheck(), QualityFixture.at(LocalDateTime.of(2025, 1, 2, 9, 0))).ctx().seriesAges();
        assertThat(age(jan, "SPY", "1d").ageTradingDays()).isEqualTo(1);
        // the configured extra closure of 9 January 2025 (national day of mourning) counts as closed
        try (QualityFixture custom = new QualityFixture(Map.of("stockula.quality.calendar.extra-closures", "2025-01-09"))) {
            custom.stock("SPY", "America/New_York");
            custom.daily("SPY", LocalDate.of(2025, 1, 8));
            var fri = custom.runWith(new FreshnessCheck(), QualityFixture.at(LocalDateTime.of(2025, 1, 10, 9, 0))).ctx().seriesAges();
            assertThat(age(fri, "SPY", "1d").ageTradingDays()).isEqualTo(1);
        }
    }

    /** A configured symbol is checked whatever its state: a mistaken deactivation shows as a stale series. */
    @Test
    void configuredSymbolsAreCheckedEvenWhenInactive() throws Exception {
        db.stock("OLD", "America/New_York");
        db.stock("GONE", "America/New_York");
        db.exec("UPDATE stocks SET is_active = false, inactive_reason = 'yahoo chart 404: No data found' WHERE symbol IN ('OLD', 'GONE')");
        db.daily("OLD", LocalDate.of(2024, 6, 3));
        db.daily("GONE", LocalDate.of(2024, 6, 3));
        QualitySettings configured = QualitySettings.from(io.stockula.etl.config.EtlSettings.load(null,
                Map.of("stockula.yahoo.symbols", "OLD")));
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.url)) {
            QualityContext ctx = new QualityContext(c, configured, QualityFixture.at(LocalDateTime.of(2024, 6, 10, 8, 0)));
            List<SeriesAge> ages = FreshnessCheck.measure(ctx);
            assertThat(age(ages, "OLD", "1d").stale()).as("configured, inactive, 4 trading days behind").isTrue();
            assertThat(age(ages, "GONE", "1d").stale()).as("inactive and not configured").isFalse();
        }
    }
}
