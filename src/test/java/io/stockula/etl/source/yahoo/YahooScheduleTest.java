package io.stockula.etl.source.yahoo;

import static io.stockula.etl.source.yahoo.FakeYahoo.json;
import static io.stockula.etl.source.yahoo.FakeYahoo.tooManyRequests;
import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.testsupport.TestDatabases;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.junit.jupiter.api.Test;

/** The triggers: cron routes, the start-up catch-up after downtime, no overlapping runs, giving up on a ban. */
class YahooScheduleTest extends YahooRouteTest {

    private static Map<String, String> scheduled() {
        Map<String, String> m = new HashMap<>();
        m.put("stockula.yahoo.enabled", "true");
        m.put("stockula.yahoo.catch-up-delay", "300ms");
        m.put("stockula.yahoo.symbols", "AAPL");
        m.put("stockula.yahoo.quote-summary.catch-up-after", "0s"); // only the price job catches up here
        m.put("stockula.yahoo.options.catch-up-after", "0s");
        return m;
    }

    private void awaitRuns(String job, long n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (rt.count("SELECT count(*) FROM etl_run_history WHERE job = ? AND status <> 'running'", job) < n) {
            assertThat(System.nanoTime()).as("waiting for %d %s run(s)", n, job).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void aJobThatMissedItsSlotRunsOnStartUpAndNotAgainOnTheNextStart() throws Exception {
        fake.chart("AAPL", "chart_AAPL_1d.json");
        String db = TestDatabases.freshPostgres();
        rt = YahooTestRuntime.start(db, fake, scheduled(), YahooTestRuntime.ALL_ROUTES);
        awaitRuns(YahooJobs.PRICES, 1);
        assertThat(rt.count("SELECT count(*) FROM price_history WHERE symbol = 'AAPL'")).isEqualTo(8);
        QuartzEndpoint cron = (QuartzEndpoint) rt.camel.getRoute("yahoo-prices-schedule").getEndpoint();
        assertThat(cron.getCron()).isEqualTo("0 0 1 * * ?");
        assertThat(cron.isStateful()).isTrue();
        assertThat(rt.camel.getRoute("yahoo-quote-summary-schedule")).isNotNull();
        assertThat(rt.camel.getRoute("yahoo-options-schedule")).isNotNull();
        rt.close();

        rt = YahooTestRuntime.start(db, fake, scheduled(), YahooTestRuntime.ALL_ROUTES);
        Thread.sleep(1500);
        assertThat(rt.count("SELECT count(*) FROM etl_run_history WHERE job = ?", YahooJobs.PRICES)).isEqualTo(1);
        assertThat(fake.chartRequests("AAPL")).hasSize(1);
        assertThat(rt.boot.meterRegistry().find(YahooJobs.LAST_SUCCESS_GAUGE).tags("pipeline", YahooJobs.PRICES).gauge()
                .value()).isPositive();
    }

    @Test
    void aTriggerThatFindsTheJobRunningIsSkipped() throws Exception {
        fake.chart("AAPL", json("chart_AAPL_1d.json").withFixedDelay(1500));
        rt = YahooTestRuntime.start(fake, Map.of("stockula.yahoo.symbols", "AAPL", "stockula.yahoo.response-timeout", "5s"),
                YahooTestRuntime.PRICE_ROUTES);
        CompletableFuture<YahooRun> first = CompletableFuture.supplyAsync(() -> rt.request("direct:yahoo-prices-run", null));
        Thread.sleep(500);
        YahooRun second = rt.request("direct:yahoo-prices-run", null);
        assertThat(second.isSkipped()).isTrue();
        assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo("succeeded");
        assertThat(rt.count("SELECT count(*) FROM etl_run_history")).isEqualTo(1);
        assertThat(rt.request("direct:yahoo-prices-run", null).isSkipped()).isFalse(); // the lock was released
    }

    @Test
    void aBanThatOutlastsTheLimitLeavesTheRestOfTheRunForLater() throws Exception {
        fake.chart("AAA", tooManyRequests()).chart("BBB", tooManyRequests()).chart("CCC", tooManyRequests());
        rt = YahooTestRuntime.start(fake, Map.of("stockula.yahoo.symbols", "AAA,BBB,CCC",
                "stockula.yahoo.concurrency", "1", "stockula.yahoo.throttle.initial-pause", "100ms",
                "stockula.yahoo.throttle.max-pause", "100ms", "stockula.yahoo.throttle.give-up-after", "350ms",
                "stockula.redelivery.maximum-redeliveries", "10"), YahooTestRuntime.PRICE_ROUTES);
        YahooRun run = rt.request("direct:yahoo-prices-run", null);
        assertThat(run.totals().notAttempted()).isEqualTo(3);
        assertThat(fake.chartRequests("AAA").size() + fake.chartRequests("BBB").size() + fake.chartRequests("CCC").size())
                .isLessThanOrEqualTo(6); // a probe per pause, not a request per symbol and retry
        assertThat(run.status()).isEqualTo("failed");
        assertThat(rt.count("SELECT count(*) FROM etl_dead_letters")).isZero(); // left for the next run, not dead
        assertThat(rt.scalar("SELECT details->>'not_attempted' FROM etl_run_history WHERE run_id = ?", run.runId()))
                .isNotNull();
    }
}
