package io.stockula.etl.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.config.EtlRuntime;
import io.stockula.etl.config.EtlSettings;
import io.stockula.etl.config.SchemaMode;
import io.stockula.etl.testsupport.TestDatabases;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The runtime on the real TimescaleDB server exports the job gauges that the TimescaleDB alerts query, one series
 * per policy job, refreshed by the route timescaledb-job-health.
 */
class TimescaleJobMetricsTest {

    static final String PREFIX = "stockula_timescaledb_";

    @Test
    void jobGaugesOfEveryPolicyJobAreScraped() throws Exception {
        String url = TestDatabases.freshTimescale();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (Bootstrap boot = Bootstrap.open(EtlSettings.load(null, Map.of("stockula.db.url", url, "stockula.db.pool-size",
                "2", "camel.management.port", String.valueOf(port), "stockula.timescale.job-health-period", "200")));
             EtlRuntime runtime = new EtlRuntime(boot, List.of("error-handling.yaml", "dead-letters.yaml", "operations.yaml"),
                     true, Map.of())) {
            assertThat(boot.mode()).isEqualTo(SchemaMode.TIMESCALEDB);
            runtime.start();
            List<String> wanted = DashboardQueriesTest.queriedMetrics().stream().filter(n -> n.startsWith(PREFIX)).toList();
            assertThat(wanted).contains("stockula_timescaledb_job_failing", "stockula_timescaledb_job_portal_false_failure");
            String scrape = "";
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline) {
                scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/observe/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                if (MetricsScrapeTest.names(scrape).containsAll(wanted)) {
                    break;
                }
                Thread.sleep(200); // polling the scrape until the probe route has run
            }
            Set<String> exported = MetricsScrapeTest.names(scrape);
            assertThat(exported).containsAll(wanted).contains("stockula_timescaledb_job_failures",
                    "stockula_timescaledb_job_last_success_seconds");
            // one series per policy job: 3 compression, 2 retention, 3 refresh
            assertThat(scrape.lines().filter(l -> l.startsWith("stockula_timescaledb_job_failing{")).count()).isEqualTo(8);
            assertThat(scrape).contains("proc=\"policy_refresh_continuous_aggregate\"").contains("hypertable=\"price_monthly\"");
        }
    }
}
