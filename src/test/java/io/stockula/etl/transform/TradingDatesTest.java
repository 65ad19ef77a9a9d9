package io.stockula.etl.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class TradingDatesTest {

    @Test
    void zonesFromSymbolShapes() {
        assertThat(TradingDates.inferZone("AAPL")).isEqualTo(ZoneId.of("America/New_York"));
        assertThat(TradingDates.inferZone("BTC-USD")).isEqualTo(ZoneId.of("UTC"));
        assertThat(TradingDates.inferZone("BRK-B")).isEqualTo(ZoneId.of("America/New_York"));
        assertThat(TradingDates.inferZone("EURUSD=X")).isEqualTo(ZoneId.of("Europe/London"));
        assertThat(TradingDates.inferZone("GS2C.DE")).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(TradingDates.inferZone("^NSEI")).isEqualTo(ZoneId.of("Asia/Kolkata"));
        assertThat(TradingDates.inferZone("BRK.B")).isEqualTo(ZoneId.of("America/New_York"));
    }

    @Test
    void dailyBarsAtLocalMidnightAcrossDaylightSaving() {
        TradingDates td = new TradingDates();
        assertThat(td.barStart("AAPL", LocalDate.of(2020, 10, 30))).isEqualTo(OffsetDateTime.parse("2020-10-30T00:00-04:00"));
        assertThat(td.barStart("AAPL", LocalDate.of(2020, 11, 2))).isEqualTo(OffsetDateTime.parse("2020-11-02T00:00-05:00"));
        td.remember("SAP", "Europe/Berlin");
        assertThat(td.barStart("SAP", LocalDate.of(2024, 1, 2))).isEqualTo(OffsetDateTime.parse("2024-01-02T00:00+01:00"));
    }

    @Test
    void yahooStampsMapToTheirTradingDate() {
        // AAPL daily bar at the 09:30 New York open (13:30Z in summer)
        assertThat(TradingDates.tradingDate(1598880600L, ZoneId.of("America/New_York"))).isEqualTo(LocalDate.of(2020, 8, 31));
        // the live bar stamped at the last trade, 16:00:01 New York
        assertThat(TradingDates.tradingDate(1761768001L, ZoneId.of("America/New_York"))).isEqualTo(LocalDate.of(2025, 10, 29));
        // Yahoo's DST bug: a bar at 23:00 of the previous local day belongs to the next day
        long lateBar = OffsetDateTime.parse("2024-03-04T23:00:00-03:00").toEpochSecond();
        assertThat(TradingDates.tradingDate(lateBar, ZoneId.of("America/Sao_Paulo"))).isEqualTo(LocalDate.of(2024, 3, 5));
    }
}
