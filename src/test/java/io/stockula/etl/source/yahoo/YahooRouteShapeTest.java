package io.stockula.etl.source.yahoo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.camel.Route;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.junit.jupiter.api.Test;

/**
 * The routes the templates of yahoo-prices.yaml make: per job a schedule, a catch-up and a run route with the ids
 * tests, JMX and operators use, the per-job cron settings, and the triggers only when stockula.yahoo.enabled.
 */
class YahooRouteShapeTest extends YahooRouteTest {

    private static final List<String> JOBS = List.of("prices", "quote-summary", "options");

    @Test
    void everyJobHasItsScheduleCatchUpAndRunRoutes() throws Exception {
        rt = YahooTestRuntime.start(fake, Map.of("stockula.yahoo.enabled", "true", "stockula.yahoo.catch-up-delay", "1h",
                "stockula.yahoo.options.cron", "0 45 16 ? * MON-FRI", "stockula.yahoo.time-zone", "Europe/Berlin"),
                YahooTestRuntime.ALL_ROUTES);
        Map<String, String> crons = Map.of("prices", "0 0 1 * * ?", "quote-summary", "0 0 3 ? * SUN",
                "options", "0 45 16 ? * MON-FRI");
        for (String job : JOBS) {
            QuartzEndpoint cron = (QuartzEndpoint) rt.camel.getRoute("yahoo-" + job + "-schedule").getEndpoint();
            assertThat(cron.getCron()).as(job).isEqualTo(crons.get(job));
            assertThat(cron.isStateful()).isTrue();
            assertThat(cron.getEndpointUri()).startsWith("quartz://yahoo/" + job + "?")
                    .contains("trigger.timeZone=Europe%2FBerlin").contains("trigger.misfireInstruction=2");
            assertThat(rt.camel.getRoute("yahoo-" + job + "-catch-up").getEndpoint().getEndpointUri())
                    .startsWith("timer://yahoo-" + job + "-catch-up");
            assertThat(rt.camel.getRoute("yahoo-" + job + "-run").getEndpoint().getEndpointUri())
                    .isEqualTo("direct://yahoo-" + job + "-run");
        }
        assertThat(rt.camel.getRoute("yahoo-backfill").getEndpoint().getEndpointUri()).isEqualTo("direct://yahoo-backfill");
        assertThat(rt.camel.getRoute("yahoo-pull")).isNotNull();
        assertThat(rt.camel.getRoute("yahoo-write")).isNotNull();
        assertThat(rt.camel.getRoutes()).extracting(Route::getRouteId).filteredOn(id -> id.startsWith("yahoo-"))
                .hasSize(15); // 3 jobs x 3, backfill, pull, and the request routes chart, quote-summary, options, write
    }

    @Test
    void withYahooDisabledOnlyTheTriggersAreMissing() throws Exception {
        rt = YahooTestRuntime.start(fake, Map.of(), YahooTestRuntime.ALL_ROUTES);
        for (String job : JOBS) {
            assertThat(rt.camel.getRoute("yahoo-" + job + "-schedule")).as(job).isNull();
            assertThat(rt.camel.getRoute("yahoo-" + job + "-catch-up")).as(job).isNull();
            assertThat(rt.camel.getRoute("yahoo-" + job + "-run")).as(job).isNotNull();
        }
        assertThat(rt.camel.getRoute("yahoo-backfill")).isNotNull();
    }
}
