package io.stockula.etl.source.yahoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpecs;
import io.stockula.etl.transform.TradingDates;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChartRowsTest {

    static final ZoneId NY = ZoneId.of("America/New_York");
    static final int TS = TableSpecs.PRICE_HISTORY.index("timestamp");
    static final int CLOSE = TableSpecs.PRICE_HISTORY.index("close_price");
    static final int HIGH = TableSpecs.PRICE_HISTORY.index("high_price");
    static final int VOLUME = TableSpecs.PRICE_HISTORY.index("volume");

    private final TradingDates dates = new TradingDates();
    private final ChartRows rows = new ChartRows(dates);

    private ChartResult result(String fixture, String symbol, String interval) {
        ChartData d = new ChartParser().parse(FakeYahoo.fixture(fixture).getBytes(StandardCharsets.UTF_8), symbol);
        return rows.toResult(new ChartRequest(7L, symbol, interval, 0, 1, ChartRequest.FIRST), d);
    }

    private static Instant ts(Row r) {
        return ((OffsetDateTime) r.get(TS)).toInstant();
    }

    @Test
    void dailyBarsLandOnLocalMidnightAcrossDst() {
        ChartResult r = result("chart_MSFT_1d.json", "MSFT", "1d");
        List<Row> bars = r.prices().rows();
        assertThat(r.returned()).isEqualTo(10);
        assertThat(r.skippedNull()).isEqualTo(1);
        assertThat(bars).hasSize(9);
        assertThat(ts(bars.get(0))).isEqualTo(LocalDate.of(2021, 2, 10).atStartOfDay(NY).toInstant());
        assertThat(bars.get(0).sourceKey()).isEqualTo("MSFT/1d/2021-02-10");
        assertThat(r.dividends().rows().get(0).get(TableSpecs.DIVIDENDS.index("date"))).isEqualTo(LocalDate.of(2021, 2, 17));
        assertThat(r.prices().runId()).isNull(); // set by the route step
    }

    @Test
    void theLiveLastBarLandsOnItsTradingDate() {
        List<Row> bars = result("chart_NVDA_1d_live.json", "NVDA", "1d").prices().rows();
        assertThat(ts(bars.get(2))).isEqualTo(LocalDate.of(2024, 6, 12).atStartOfDay(NY).toInstant());
    }

    @Test
    void fxSummerBarsStampedTheEveningBeforeInUtcKeepTheirLondonDate() {
        List<Row> bars = result("chart_EURUSD=X_1d.json", "EURUSD=X", "1d").prices().rows();
        ZoneId london = ZoneId.of("Europe/London");
        assertThat(bars).extracting(ChartRowsTest::ts).containsExactly(
                LocalDate.of(2024, 3, 28).atStartOfDay(london).toInstant(),
                LocalDate.of(2024, 3, 29).atStartOfDay(london).toInstant(),
                LocalDate.of(2024, 4, 1).atStartOfDay(london).toInstant(),
                LocalDate.of(2024, 4, 2).atStartOfDay(london).toInstant());
        assertThat(bars.get(0).get(VOLUME)).isEqualTo(0L);
    }

    @Test
    void cryptoIsUtc() {
        List<Row> bars = result("chart_BTC-USD_1d.json", "BTC-USD", "1d").prices().rows();
        assertThat(ts(bars.get(1))).isEqualTo(Instant.parse("2024-03-10T00:00:00Z"));
    }

    @Test
    void intradayBarsKeepTheirInstantAndTheCloseBarIsSkipped() {
        ChartResult r = result("chart_AAPL_1h.json", "AAPL", "1h");
        assertThat(r.returned()).isEqualTo(8);
        assertThat(r.skippedOutsideSession()).isEqualTo(1);
        assertThat(r.prices().rows()).hasSize(7);
        assertThat(ts(r.prices().rows().get(0))).isEqualTo(Instant.parse("2022-09-02T13:30:00Z"));
        assertThat(ts(r.prices().rows().get(6))).isEqualTo(Instant.parse("2022-09-02T19:30:00Z"));
        assertThat(r.prices().rows().get(0).sourceKey()).isEqualTo("AAPL/1h/2022-09-02T13:30:00Z");
    }

    @Test
    void anUnalignedIntradayLiveBarIsSkipped() {
        String body = """
                {"chart":{"result":[{"meta":{"regularMarketTime":1662129433,"exchangeTimezoneName":"America/New_York"},
                "timestamp":[1662125400,1662129000,1662129433],"indicators":{"quote":[{"open":[1,1,1],"high":[2,2,2],
                "low":[1,1,1],"close":[2,2,2],"volume":[5,5,5]}]}}],"error":null}}""";
        ChartData d = new ChartParser().parse(body.getBytes(StandardCharsets.UTF_8), "AAPL");
        ChartResult r = rows.toResult(new ChartRequest(1L, "AAPL", "1h", 0, 1, ChartRequest.INCREMENTAL), d);
        assertThat(r.skippedLive()).isEqualTo(1);
        assertThat(r.prices().rows()).hasSize(2);
    }

    @Test
    void aWeeklyLiveRowIsFoldedIntoItsWeek() {
        long weekStart = LocalDate.of(2024, 6, 10).atStartOfDay(NY).toEpochSecond();
        long live = java.time.ZonedDateTime.of(2024, 6, 12, 15, 0, 0, 0, NY).toEpochSecond();
        String body = """
                {"chart":{"result":[{"meta":{"regularMarketTime":%d,"exchangeTimezoneName":"America/New_York"},
                "timestamp":[%d,%d],"indicators":{"quote":[{"open":[10,12],"high":[11,15],"low":[9,11],"close":[10.5,14],
                "volume":[100,40]}]}}],"error":null}}""".formatted(live, weekStart, live);
        ChartData d = new ChartParser().parse(body.getBytes(StandardCharsets.UTF_8), "X");
        ChartResult r = rows.toResult(new ChartRequest(1L, "X", "1wk", 0, 1, ChartRequest.INCREMENTAL), d);
        assertThat(r.mergedLive()).isEqualTo(1);
        assertThat(r.prices().rows()).hasSize(1);
        Row week = r.prices().rows().get(0);
        assertThat(week.get(HIGH)).isEqualTo(15.0);
        assertThat(week.get(CLOSE)).isEqualTo(14.0);
        assertThat(week.get(VOLUME)).isEqualTo(140L);
    }

    @Test
    void theZoneYahooReportsIsRemembered() {
        result("chart_^GSPC_1d.json", "^GSPC", "1d");
        assertThat(dates.zoneOf("^GSPC")).isEqualTo(NY);
        result("chart_BTC-USD_1d.json", "BTC-USD", "1d");
        assertThat(dates.zoneOf("BTC-USD")).isEqualTo(ZoneId.of("UTC"));
    }

    @Test
    void splitsBecomeRatios() {
        ChartResult r = result("chart_AAPL_1d.json", "AAPL", "1d");
        Row split = r.splits().rows().get(0);
        assertThat(split.get(TableSpecs.SPLITS.index("date"))).isEqualTo(LocalDate.of(2020, 8, 31));
        assertThat(split.get(TableSpecs.SPLITS.index("ratio"))).isEqualTo(4.0);
    }
}
