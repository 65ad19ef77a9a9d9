package io.stockula.etl.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.config.EtlRuntime;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

/** routes/quality.yaml with the beans QualityModule binds: the cron route, and the run shortly after start. */
class QualityRouteTest {

    @Test
    void runsAfterStartAndOnItsCron() throws Exception {
        try (QualityFixture db = new QualityFixture(Map.of("stockula.quality.startup-delay", "200",
                "stockula.quality.cron", "0 0/30 * * * ?"))) {
            db.stock("AAPL", "America/New_York");
            db.daily("AAPL", LocalDate.now(QualityFixture.NY));  // fresh, whatever today is
            try (EtlRuntime rt = new EtlRuntime(db.boot, List.of("dead-letters.yaml", "error-handling.yaml", "quality.yaml"),
                    false, Map.of())) {
                CamelContext ctx = rt.start();
                assertThat(ctx.getRoute("quality-check").getEndpoint().getEndpointUri())
                        .startsWith("quartz://stockula/quality-check?cron=0+0%2F30+*+*+*+%3F");
                assertThat(ctx.getRoute("quality-check").getConfigurationId()).isEqualTo("etl-errors");
                long deadline = System.currentTimeMillis() + 15_000;
                while (db.count("SELECT count(*) FROM etl_run_history WHERE job = 'quality' AND status = 'succeeded'") == 0
                        && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
            }
            assertThat(db.count("SELECT count(*) FROM etl_run_history WHERE job = 'quality' AND status = 'succeeded'"
                    + " AND details->>'failed_checks' IS NOT NULL")).isEqualTo(1);
            assertThat(db.count("SELECT count(*) FROM quality_results WHERE dimension = 'overall'")).isEqualTo(7);
            assertThat(io.stockula.etl.testsupport.Scrapes.withoutRuntime(db.boot.meterRegistry().scrape())).contains("stockula_quality_score{table=\"price_history\"} 1.0")
                    .contains("stockula_latest_bar_timestamp_seconds{interval=\"1d\",symbol=\"AAPL\"}");
        }
    }

    @Test
    void theStartupRunCanBeTurnedOff() throws Exception {
        try (QualityFixture db = new QualityFixture(Map.of("stockula.quality.run-on-start", "false",
                // the hourly cron (:15) would otherwise count as a run when the test happens to start then
                "stockula.quality.cron", "0 0 0 1 1 ? 2099",
                "stockula.quality.startup-delay", "0"));
             EtlRuntime rt = new EtlRuntime(db.boot, List.of("dead-letters.yaml", "error-handling.yaml", "quality.yaml"),
                     false, Map.of())) {
            CamelContext ctx = rt.start();
            Thread.sleep(500);
            assertThat(ctx.getRouteController().getRouteStatus("quality-check-startup").isStopped()).isTrue();
            assertThat(db.count("SELECT count(*) FROM etl_run_history WHERE job = 'quality'")).isZero();
        }
    }
}
