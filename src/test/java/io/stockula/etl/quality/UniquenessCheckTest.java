package io.stockula.etl.quality;

import static io.stockula.etl.quality.QualityFixture.NY;
import static io.stockula.etl.quality.QualityFixture.find;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class UniquenessCheckTest {

    @RegisterExtension
    static final QualityFixture db = new QualityFixture();

    private static java.time.OffsetDateTime at(LocalDate d, String time, ZoneId zone) {
        return d.atTime(LocalTime.parse(time)).atZone(zone).toOffsetDateTime();
    }

    @Test
    void sameTradingDayTwiceAtDifferentTimestamps() throws Exception {
        LocalDate mon = LocalDate.of(2024, 6, 3);
        db.stock("AAPL", "America/New_York");
        db.stock("MSFT", "America/New_York");
        db.daily("AAPL", mon);
        db.daily("AAPL", mon.plusDays(1));
        db.bar("AAPL", "1d", at(mon.plusDays(1), "09:30", NY), 10.0, 11.0, 9.0, 10.5, 10L);  // duplicate of Tuesday
        // MSFT: Monday stamped at 20:00 New York (00:00Z Tuesday) and Tuesday at midnight New York (04:00Z Tuesday):
        // the same UTC date, different trading days: no duplicate
        db.bar("MSFT", "1d", at(mon, "20:00", NY), 10.0, 11.0, 9.0, 10.5, 10L);
        db.daily("MSFT", mon.plusDays(1));
        // SAP.DE (no stocks row: zone inferred, Europe/Berlin): midnight Berlin is 22:00Z the day before
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        db.daily("SAP.DE", berlin, mon, 10, 11, 9, 10.5, 1L);
        db.daily("SAP.DE", berlin, mon.plusDays(1), 10, 11, 9, 10.5, 1L);
        db.bar("SAP.DE", "1d", at(mon.plusDays(1), "09:00", berlin), 10.0, 11.0, 9.0, 10.5, 10L); // duplicate
        db.bar("SAP.DE", "1d", at(mon.plusDays(2), "17:30", berlin), 10.0, 11.0, 9.0, 10.5, 10L); // alone that day
        // weekly bars: Monday and Wednesday of one week, both at midnight
        db.bar("AAPL", "1wk", mon.atStartOfDay(NY).toOffsetDateTime(), 10.0, 11.0, 9.0, 10.5, 10L);
        db.bar("AAPL", "1wk", mon.plusDays(2).atStartOfDay(NY).toOffsetDateTime(), 10.0, 11.0, 9.0, 10.5, 10L);
        db.bar("AAPL", "1wk", mon.plusDays(7).atStartOfDay(NY).toOffsetDateTime(), 10.0, 11.0, 9.0, 10.5, 10L);
        // intraday bars are unique by their exact instant
        db.bar("AAPL", "1h", at(mon, "09:30", NY), 10.0, 11.0, 9.0, 10.5, 10L);
        db.bar("AAPL", "1h", at(mon, "10:30", NY), 10.0, 11.0, 9.0, 10.5, 10L);

        List<CheckResult> r = db.run(new UniquenessCheck(), QualityFixture.now());

        CheckResult dup = find(r, "price_history", "duplicate_trading_days", null);
        assertThat(dup.value()).isEqualTo(3);
        assertThat(dup.passed()).isFalse();
        assertThat(dup.details()).containsEntry("extra_rows", 3L);
        assertThat(dup.details().get("examples")).isEqualTo(List.of(
                Map.of("symbol", "AAPL", "interval", "1d", "period", "2024-06-04", "bars", 2L),
                Map.of("symbol", "AAPL", "interval", "1wk", "period", "2024-06-03", "bars", 2L),
                Map.of("symbol", "SAP.DE", "interval", "1d", "period", "2024-06-04", "bars", 2L)));
    }

    @Test
    void symbolCaseVariants() throws Exception {
        LocalDate mon = LocalDate.of(2024, 6, 3);
        db.stock("AAPL", "America/New_York");
        db.stock(" aapl", "America/New_York");
        db.stock("BRK-B", "America/New_York");
        db.daily("AAPL", mon);
        db.daily("aapl", mon);
        db.daily("aapl", mon.plusDays(1));
        db.daily("Msft", mon);  // no canonical twin: not a duplicate
        db.exec("INSERT INTO dividends (symbol, date, amount) VALUES ('ko', '2024-06-14', 0.485), ('Ko', '2024-06-14', 0.485)");

        List<CheckResult> r = db.run(new UniquenessCheck(), QualityFixture.now());

        CheckResult prices = find(r, "price_history", "symbol_case_variants", null);
        assertThat(prices.value()).isEqualTo(1);
        assertThat(prices.details()).containsEntry("extra_rows", 2L)
                .containsEntry("variants", List.of(List.of("AAPL", "aapl")));
        CheckResult stocks = find(r, "stocks", "symbol_case_variants", null);
        assertThat(stocks.value()).isEqualTo(1);
        assertThat(stocks.details()).containsEntry("extra_rows", 1L);
        // neither spelling is canonical: one is kept, the other counted
        assertThat(find(r, "dividends", "symbol_case_variants", null).details()).containsEntry("extra_rows", 1L);
        assertThat(find(r, "splits", "symbol_case_variants", null).passed()).isTrue();
        assertThat(find(r, "price_history", "duplicate_trading_days", null).value()).isZero();
    }
}
