package io.stockula.etl.source.yahoo;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static io.stockula.etl.source.yahoo.PriceBasisScenarioTest.compare;
import static io.stockula.etl.source.yahoo.PriceBasisScenarioTest.count;
import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.testsupport.TestDatabases;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A split arrives while the whole-history reload it calls for is refused (429 until the circuit breaker gives up):
 * nothing of the new basis is written and the split does not count as known; the next run reloads and the history
 * ends rebased.
 */
class RebaseAfterThrottlingTest extends YahooRouteTest {

    static final ZoneId NY = ZoneId.of("America/New_York");


    @Test
    void aSplitWhoseReloadIsThrottledIsRebasedByTheNextRun() throws Exception {
        AdjustedSeries s = new AdjustedSeries("SPLITCO", NY, LocalTime.of(9, 30), LocalDate.of(2024, 1, 2), 120, 400, 3)
                .split(100, 2.0);
        String all = String.valueOf(WindowPlanner.ALL_HISTORY);
        fake.chart("SPLITCO", FakeYahoo.body(s.json(84, 120))); // an incremental window: the split of day 100 in it
        fake.sequence(() -> fake.chartRequest("SPLITCO").withQueryParam("period1", equalTo(all)), "splitco-whole",
                FakeYahoo.body(s.json(0, 90)), FakeYahoo.tooManyRequests());
        String url = TestDatabases.freshPostgres();
        rt = YahooTestRuntime.start(url, fake, Map.of("stockula.yahoo.symbols", "SPLITCO",
                "stockula.yahoo.response-timeout", "20s", "stockula.yahoo.throttle.give-up-after", "1s"),
                YahooTestRuntime.PRICE_ROUTES);

        YahooRun first = rt.request("direct:yahoo-prices-run", null);
        assertThat(first.status()).isEqualTo("succeeded");
        assertThat(compare(url, s, 90, 90)[3]).as("days off the series as of the first pull").isZero();

        // the split: owed at once, the window left to the reload, and the reload refused until the give-up
        YahooRun throttled = rt.request("direct:yahoo-prices-run", null);
        assertThat(throttled.symbols().get("SPLITCO").notAttempted()).isEqualTo(1);
        assertThat(throttled.symbols().get("SPLITCO").splitRefetches()).isEqualTo(1);
        assertThat(throttled.accounted()).isTrue();
        assertThat(rt.rows("SELECT symbol, interval_type, reason FROM price_rebases"))
                .containsExactly(Map.of("symbol", "SPLITCO", "interval_type", "1d", "reason", "new split [2024-05-21]"));
        assertThat(count(url, "SELECT count(*) FROM splits")).as("the split is not known before its rebase").isZero();
        assertThat(count(url, "SELECT count(*) FROM price_history WHERE symbol = 'SPLITCO'")).isEqualTo(90);
        double[] stale = compare(url, s, 120, 90);
        assertThat(stale[3]).as("days still on the old scale").isEqualTo(90);
        assertThat(compare(url, s, 90, 90)[3]).as("nothing of the new scale written").isZero();

        // the next run: Yahoo answers again; the owed rebase is a whole-history read, not an incremental one
        fake.chart("SPLITCO", FakeYahoo.body(s.json(0, 120)));
        int before = fake.chartRequests("SPLITCO").size();
        YahooRun next = rt.request("direct:yahoo-prices-run", null);
        assertThat(next.status()).isEqualTo("succeeded");
        assertThat(fake.chartRequests("SPLITCO")).hasSize(before + 1);
        assertThat(fake.chartRequests("SPLITCO").get(before).queryParameter("period1").firstValue()).isEqualTo(all);
        double[] rebased = compare(url, s, 120, 120);
        assertThat(rebased[0]).isEqualTo(120);
        assertThat(rebased[3]).as("days off the split-adjusted series").isZero();
        assertThat(count(url, "SELECT count(*) FROM splits WHERE symbol = 'SPLITCO' AND ratio = 2")).isEqualTo(1);
        assertThat(count(url, "SELECT count(*) FROM price_rebases")).isZero();
        System.out.printf("[rebase after 429] SPLITCO: after the refused reload %d of 90 stored days on the old scale"
                + " (max |close diff| %.4f), split not stored, rebase owed; after the next run %d of 120 days off%n",
                (long) stale[3], stale[1], (long) rebased[3]);
    }
}
