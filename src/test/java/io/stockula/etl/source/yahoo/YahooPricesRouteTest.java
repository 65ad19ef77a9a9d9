package io.stockula.etl.source.yahoo;

import static io.stockula.etl.source.yahoo.FakeYahoo.json;
import static io.stockula.etl.source.yahoo.FakeYahoo.tooManyRequests;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One scheduled price run against the fake Yahoo, with everything that can happen to a symbol at once: daily
 * history with a split and a dividend, a null row and a bad bar, crypto, FX, an index, a delisted placeholder,
 * a 404, a 422, a 500 then success, a response past the timeout, malformed JSON and a 429 burst.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YahooPricesRouteTest {

    static final ZoneId NY = ZoneId.of("America/New_York");
    static final List<String> UNIVERSE = List.of("AAPL", "MSFT", "BTC-USD", "EURUSD=X", "^GSPC", "OLDCO", "GONE",
            "BADREQ", "FLAKY", "SLOW", "BROKEN", "BUSY", "DOWN");

    FakeYahoo fake;
    YahooTestRuntime rt;
    YahooRun run;

    @BeforeAll
    void pull() throws Exception {
        fake = new FakeYahoo();
        fake.chart("AAPL", "chart_AAPL_1d.json")
                .chart("MSFT", "chart_MSFT_1d.json")
                .chart("BTC-USD", "chart_BTC-USD_1d.json")
                .chart("EURUSD=X", "chart_EURUSD=X_1d.json")
                .chart("^GSPC", "chart_^GSPC_1d.json")
                .chart("OLDCO", "chart_OLDCO_1d_delisted.json")
                .chart("GONE", json(404, "chart_404.json"))
                .chart("BADREQ", json(422, "chart_422.json"))
                .chartSequence("FLAKY", WireMock.aResponse().withStatus(500).withBody("<html>oops</html>"),
                        json("chart_FLAKY_1d.json"))
                .chartSequence("SLOW", json("chart_SLOW_1d.json").withFixedDelay(1500), json("chart_SLOW_1d.json"))
                .chart("BROKEN", json("chart_malformed.json"))
                .chartSequence("BUSY", tooManyRequests(), tooManyRequests(), json("chart_BUSY_1d.json"))
                .chart("DOWN", WireMock.aResponse().withStatus(503).withBody("<html>Will be right back</html>"));
        // one 404 deactivates here (the streak policy has its own test, YahooSymbolDeactivationTest)
        rt = YahooTestRuntime.start(fake, Map.of("stockula.yahoo.symbols", String.join(",", UNIVERSE),
                "stockula.yahoo.deactivate.misses", "1", "stockula.yahoo.deactivate.days", "0"),
                YahooTestRuntime.PRICE_ROUTES);
        run = rt.request("direct:yahoo-prices-run", null);
    }

    @AfterAll
    void stop() {
        if (rt != null) {
            rt.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    static OffsetDateTime midnight(ZoneId zone, int y, int m, int d) {
        return LocalDate.of(y, m, d).atStartOfDay(zone).toOffsetDateTime();
    }

    static Instant at(Object timestamp) {
        return ((java.sql.Timestamp) timestamp).toInstant();
    }

    @Test
    void dailyBarsAreStampedAtLocalMidnightWithExactPrices() throws Exception {
        List<Map<String, Object>> aapl = rt.rows("SELECT \"timestamp\", open_price, high_price, low_price, close_price,"
                + " volume FROM price_history WHERE symbol = 'AAPL' AND interval_type = '1d' ORDER BY 1");
        assertThat(aapl).hasSize(8);
        assertThat(at(aapl.get(0).get("timestamp"))).isEqualTo(midnight(NY, 2020, 8, 26).toInstant());
        assertThat(at(aapl.get(3).get("timestamp"))).isEqualTo(midnight(NY, 2020, 8, 31).toInstant());
        assertThat(aapl.get(3).get("close_price")).isEqualTo(129.0399932861328);
        assertThat(aapl.get(3).get("open_price")).isEqualTo(127.58000183105469);
        assertThat(aapl.get(3).get("volume")).isEqualTo(225702700L);
        assertThat(at(aapl.get(7).get("timestamp"))).isEqualTo(midnight(NY, 2020, 9, 4).toInstant());

        assertThat(rt.rows("SELECT date, ratio FROM splits WHERE symbol = 'AAPL'"))
                .containsExactly(Map.of("date", java.sql.Date.valueOf("2020-08-31"), "ratio", 4.0));
        assertThat(rt.scalar("SELECT exchange_timezone FROM stocks WHERE symbol = 'AAPL'")).isEqualTo("America/New_York");
        assertThat(rt.scalar("SELECT instrument_type FROM stocks WHERE symbol = 'AAPL'")).isEqualTo("EQUITY");
    }

    @Test
    void nullRowsAreSkippedBadBarsRejectedDividendsLoaded() throws Exception {
        assertThat(rt.count("SELECT count(*) FROM price_history WHERE symbol = 'MSFT'")).isEqualTo(8);
        assertThat(rt.count("SELECT count(*) FROM price_history WHERE symbol = 'MSFT' AND \"timestamp\" = ?",
                midnight(NY, 2021, 2, 15))).isZero();
        assertThat(rt.scalar("SELECT close_price FROM price_history WHERE symbol = 'MSFT' AND \"timestamp\" = ?",
                midnight(NY, 2021, 2, 17))).isEqualTo(244.1999969482422);
        List<Map<String, Object>> rejected = rt.rows("SELECT source, source_table, target_table, source_key,"
                + " array_to_string(reason_codes, ',') AS reasons, record::text AS record, run_id FROM rejected_records");
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0)).containsEntry("source", "yahoo").containsEntry("source_table", "chart")
                .containsEntry("target_table", "price_history").containsEntry("source_key", "MSFT/1d/2021-02-19")
                .containsEntry("run_id", run.runId());
        assertThat((String) rejected.get(0).get("reasons")).contains("high_below_low");
        assertThat((String) rejected.get(0).get("record")).contains("\"high\": 236.0");
        assertThat(rt.rows("SELECT date, amount FROM dividends WHERE symbol = 'MSFT'"))
                .containsExactly(Map.of("date", java.sql.Date.valueOf("2021-02-17"), "amount", 0.56));
        YahooRun.SymbolTally msft = run.symbols().get("MSFT");
        assertThat(msft.returned()).isEqualTo(10);
        assertThat(msft.skipped()).isEqualTo(1);
        assertThat(msft.rejected()).isEqualTo(1);
        assertThat(msft.loaded()).isEqualTo(8);
    }

    @Test
    void cryptoAndFxAreDatedInTheirOwnZones() throws Exception {
        List<Map<String, Object>> btc = rt.rows("SELECT \"timestamp\" FROM price_history WHERE symbol = 'BTC-USD' ORDER BY 1");
        assertThat(btc).extracting(r -> at(r.get("timestamp"))).containsExactly(
                Instant.parse("2024-03-09T00:00:00Z"), Instant.parse("2024-03-10T00:00:00Z"),
                Instant.parse("2024-03-11T00:00:00Z"));
        ZoneId london = ZoneId.of("Europe/London");
        List<Map<String, Object>> fx = rt.rows("SELECT \"timestamp\", volume, close_price FROM price_history"
                + " WHERE symbol = 'EURUSD=X' ORDER BY 1");
        assertThat(fx).extracting(r -> at(r.get("timestamp"))).containsExactly(
                midnight(london, 2024, 3, 28).toInstant(), midnight(london, 2024, 3, 29).toInstant(),
                midnight(london, 2024, 4, 1).toInstant(), midnight(london, 2024, 4, 2).toInstant());
        assertThat(at(fx.get(2).get("timestamp"))).isEqualTo(Instant.parse("2024-03-31T23:00:00Z"));
        assertThat(fx).allSatisfy(r -> assertThat(r.get("volume")).isEqualTo(0L));
        assertThat(rt.scalar("SELECT exchange_timezone FROM stocks WHERE symbol = 'EURUSD=X'")).isEqualTo("Europe/London");
        assertThat(rt.count("SELECT count(*) FROM price_history WHERE symbol = '^GSPC'")).isEqualTo(3);
        assertThat(rt.scalar("SELECT instrument_type FROM stocks WHERE symbol = '^GSPC'")).isEqualTo("INDEX");
    }

    @Test
    void delistedPlaceholderIsAnEmptySuccess() throws Exception {
        assertThat(rt.count("SELECT count(*) FROM price_history WHERE symbol = 'OLDCO'")).isZero();
        assertThat(run.symbols().get("OLDCO").deadLetters()).isZero();
        assertThat(rt.count("SELECT count(*) FROM etl_dead_letters WHERE body LIKE '%OLDCO%'")).isZero();
    }

    @Test
    void notFoundIsDeadLetteredOnceAndMarksTheSymbolInactive() throws Exception {
        assertThat(fake.chartRequests("GONE")).hasSize(1);
        Map<String, Object> dl = rt.rows("SELECT route_id, category, attempts, exception_class, exception_message, body,"
                + " replay_uri FROM etl_dead_letters WHERE body LIKE '%\"GONE\"%'").get(0);
        assertThat(dl).containsEntry("category", "business").containsEntry("attempts", 1)
                .containsEntry("route_id", "yahoo-chart").containsEntry("replay_uri", "direct:yahoo-chart");
        assertThat((String) dl.get("exception_message")).contains("404").contains("No data found, symbol may be delisted");
        assertThat(rt.rows("SELECT is_active, inactive_reason FROM stocks WHERE symbol = 'GONE'").get(0))
                .containsEntry("is_active", false)
                .containsEntry("inactive_reason", "yahoo chart 404: No data found, symbol may be delisted");
    }

    @Test
    void unprocessableIsAConfigurationErrorNotRetried() throws Exception {
        assertThat(fake.chartRequests("BADREQ")).hasSize(1);
        assertThat(rt.scalar("SELECT category FROM etl_dead_letters WHERE body LIKE '%\"BADREQ\"%'")).isEqualTo("system");
        assertThat(rt.scalar("SELECT is_active FROM stocks WHERE symbol = 'BADREQ'")).isNotEqualTo(false);
    }

    @Test
    void serverErrorsAndTimeoutsAreRetried() throws Exception {
        assertThat(fake.chartRequests("FLAKY")).hasSize(2);
        assertThat(rt.count("SELECT count(*) FROM price_history WHERE symbol = 'FLAKY'")).isEqualTo(1);
        assertThat(fake.chartRequests("SLOW")).hasSize(2);
        assertThat(rt.count("SELECT count(*) FROM price_history WHERE symbol = 'SLOW'")).isEqualTo(1);
        assertThat(rt.count("SELECT count(*) FROM etl_dead_letters WHERE body LIKE '%FLAKY%' OR body LIKE '%SLOW%'")).isZero();
    }

    @Test
    void aServerThatStaysDownIsDeadLetteredAfterTheRedeliveries() throws Exception {
        assertThat(fake.chartRequests("DOWN")).hasSize(4); // 1 + stockula.redelivery.maximum-redeliveries
        assertThat(rt.rows("SELECT category, attempts, replay_uri FROM etl_dead_letters WHERE body LIKE '%\"DOWN\"%'"))
                .containsExactly(Map.of("category", "transient", "attempts", 4, "replay_uri", "direct:yahoo-chart"));
        assertThat(rt.scalar("SELECT is_active FROM stocks WHERE symbol = 'DOWN'")).isNotEqualTo(false);
    }

    @Test
    void malformedJsonIsDeadLetteredWithTheBodyNotRetried() throws Exception {
        assertThat(fake.chartRequests("BROKEN")).hasSize(1);
        Map<String, Object> dl = rt.rows("SELECT category, attempts, body, headers::text AS headers FROM etl_dead_letters"
                + " WHERE headers->>'YahooRequest' LIKE '%BROKEN%'").get(0);
        assertThat(dl).containsEntry("category", "data").containsEntry("attempts", 1)
                .containsEntry("body", FakeYahoo.fixture("chart_malformed.json"));
    }

    @Test
    void aThrottledRequestPausesTheWholeJob() throws Exception {
        List<LoggedRequest> busy = fake.chartRequests("BUSY");
        assertThat(busy).hasSize(3);
        assertThat(rt.count("SELECT count(*) FROM price_history WHERE symbol = 'BUSY'")).isEqualTo(1);
        // after the first 429 no request at all (any symbol) starts until the pause (300 ms -10%) is over
        long first429 = busy.get(0).getLoggedDate().getTime();
        long pauseEnd = first429 + 270;
        List<Long> during = fake.allRequests().stream().map(r -> r.getLoggedDate().getTime())
                .filter(t -> t > first429 + 30 && t < pauseEnd).toList();
        assertThat(during).isEmpty();
        Counter throttled = rt.boot.meterRegistry().find("stockula.http.requests").tags("endpoint", "chart",
                "status", "429").counter();
        assertThat(throttled.count()).isEqualTo(2.0);
    }

    @Test
    void theRunIsRecordedAndEveryBarAccountedFor() throws Exception {
        assertThat(run.accounted()).isTrue();
        assertThat(run.status()).isEqualTo("partial");
        YahooRun.SymbolTally t = run.totals();
        assertThat(t.deadLetters()).isEqualTo(4); // GONE, BADREQ, BROKEN, DOWN
        Map<String, Object> h = rt.rows("SELECT job, status, rows_in, rows_out, rows_rejected, details::text AS details"
                + " FROM etl_run_history WHERE run_id = ?", run.runId()).get(0);
        assertThat(h).containsEntry("job", "yahoo-prices").containsEntry("status", "partial")
                .containsEntry("rows_in", t.returned()).containsEntry("rows_out", t.loaded())
                .containsEntry("rows_rejected", 1L);
        long stored = rt.count("SELECT count(*) FROM price_history");
        assertThat(t.loaded()).isEqualTo(stored);
        Gauge latest = rt.boot.meterRegistry().find(YahooCharts.LATEST_BAR_GAUGE).tags("symbol", "AAPL", "interval", "1d")
                .gauge();
        assertThat(latest.value()).isEqualTo((double) midnight(NY, 2020, 9, 4).toEpochSecond());
        assertThat(rt.boot.meterRegistry().find(YahooJobs.LAST_SUCCESS_GAUGE).tags("pipeline", "yahoo-prices").gauge())
                .isNotNull();
    }

    @Test
    @Order(Integer.MAX_VALUE) // runs a second pull: after every test that counts requests of the first
    void theNextRunIsIncrementalAndSkipsInactiveSymbols() throws Exception {
        int goneBefore = fake.chartRequests("GONE").size();
        YahooRun second = rt.request("direct:yahoo-prices-run", null);
        assertThat(fake.chartRequests("GONE")).hasSize(goneBefore);
        List<LoggedRequest> aapl = fake.chartRequests("AAPL");
        LoggedRequest last = aapl.get(aapl.size() - 1);
        long expected = midnight(NY, 2020, 9, 4).minusDays(7).toEpochSecond();
        assertThat(last.queryParameter("period1").firstValue()).isEqualTo(String.valueOf(expected));
        assertThat(last.queryParameter("interval").firstValue()).isEqualTo("1d");
        assertThat(last.queryParameter("events").firstValue()).isEqualTo("div,splits");
        assertThat(second.symbols().get("AAPL").unchanged()).isEqualTo(8);
        assertThat(rt.count("SELECT count(*) FROM price_history WHERE symbol = 'AAPL'")).isEqualTo(8);
    }
}
