package io.stockula.etl.source.yahoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.config.EtlSettings;
import io.stockula.etl.transform.TradingDates;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WindowPlannerTest {

    static final Instant NOW = Instant.parse("2025-06-16T05:00:00Z");
    private final TradingDates dates = new TradingDates();
    private final WindowPlanner planner = new WindowPlanner(YahooSettings.from(EtlSettings.load(null, Map.of())), dates);

    @Test
    void firstSightReadsTheWholeHistory() {
        List<ChartRequest> r = planner.plan(1L, "AAPL", "1d", null, NOW);
        assertThat(r).containsExactly(new ChartRequest(1L, "AAPL", "1d", WindowPlanner.ALL_HISTORY, NOW.getEpochSecond(),
                ChartRequest.FIRST));
        assertThat(r.get(0).wholeHistory()).isTrue();
    }

    @Test
    void incrementalPullsOverlapTheLastStoredBar() {
        Instant last = LocalDate.of(2025, 6, 13).atStartOfDay(ZoneId.of("America/New_York")).toInstant();
        ChartRequest r = planner.plan(1L, "AAPL", "1d", last, NOW).get(0);
        assertThat(r.period1()).isEqualTo(last.minus(Duration.ofDays(7)).getEpochSecond());
        assertThat(r.reason()).isEqualTo(ChartRequest.INCREMENTAL);
        assertThat(r.query()).contains("events=div,splits").contains("includePrePost=false");
        assertThat(planner.overlap("1mo")).isEqualTo(Duration.ofDays(62));
        assertThat(planner.overlap("1h")).isEqualTo(Duration.ofHours(3));
    }

    @Test
    void intradayWindowsStayInsideYahooLimits() {
        ChartRequest h = planner.plan(1L, "AAPL", "1h", null, NOW).get(0);
        assertThat(h.period1()).isEqualTo(NOW.minus(Duration.ofDays(729)).getEpochSecond());
        assertThat(h.query()).doesNotContain("events");
        ChartRequest m5 = planner.plan(1L, "AAPL", "5m", Instant.parse("2020-01-01T00:00:00Z"), NOW).get(0);
        assertThat(m5.period1()).isEqualTo(NOW.minus(Duration.ofDays(59)).getEpochSecond());
        List<ChartRequest> m1 = planner.plan(1L, "AAPL", "1m", null, NOW);
        assertThat(m1).hasSize(5); // 29 days in 7-day requests
        assertThat(m1.get(0).period1()).isEqualTo(NOW.minus(Duration.ofDays(29)).getEpochSecond());
        assertThat(m1.get(4).period2()).isEqualTo(NOW.getEpochSecond());
        for (int i = 1; i < m1.size(); i++) {
            assertThat(m1.get(i).period1()).isEqualTo(m1.get(i - 1).period2());
            assertThat(m1.get(i - 1).period2() - m1.get(i - 1).period1()).isLessThanOrEqualTo(7 * 86400);
        }
    }

    @Test
    void backfillDatesAreInclusiveTradingDatesOfTheExchangeZone() {
        ChartRequest r = planner.backfill(1L, "GS2C.DE", "1d", LocalDate.of(2024, 1, 2), LocalDate.of(2024, 1, 5), NOW)
                .get(0);
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        assertThat(r.period1()).isEqualTo(LocalDate.of(2024, 1, 2).atStartOfDay(berlin).toEpochSecond());
        assertThat(r.period2()).isEqualTo(LocalDate.of(2024, 1, 6).atStartOfDay(berlin).toEpochSecond());
        assertThat(r.reason()).isEqualTo(ChartRequest.BACKFILL);
        assertThat(planner.backfill(1L, "AAPL", "5m", LocalDate.of(2020, 1, 1), LocalDate.of(2020, 2, 1), NOW)).isEmpty();
    }
}
