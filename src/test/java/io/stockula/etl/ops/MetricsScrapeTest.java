package io.stockula.etl.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.config.EtlRuntime;
import io.stockula.etl.config.EtlSettings;
import io.stockula.etl.quality.QualityMonitor;
import io.stockula.etl.source.yahoo.BackfillRequest;
import io.stockula.etl.source.yahoo.FakeYahoo;
import io.stockula.etl.testsupport.StockulaDbGenerator;
import io.stockula.etl.testsupport.TestDatabases;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running runtime (every route, the management server on a free port), after a SQLite sync of a dirty file,
 * a Yahoo backfill (with a 404 and malformed JSON among the answers) and a quality run: its scrape names every
 * metric the dashboards and alert rules query, and the pipeline's metrics carry non-zero values.
 */
class MetricsScrapeTest {

    @TempDir
    Path dir;

    @Test
    void scrapeAfterAMigrationAndABackfillHasEveryQueriedMetricWithValues() throws Exception {
        Path sqlite = dir.resolve("stockula.db");
        StockulaDbGenerator.Expectation exp = StockulaDbGenerator.generate(sqlite, 5, 60, true, 13);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (FakeYahoo fake = new FakeYahoo()) {
            fake.chart("AAPL", "chart_AAPL_1d.json").chart("GONE", FakeYahoo.json(404, "chart_404.json"))
                    .chart("BROKEN", FakeYahoo.json("chart_malformed.json"));
            String url = TestDatabases.freshPostgres();
            Map<String, String> props = new HashMap<>(fake.settings());
            props.putAll(Map.of("stockula.db.url", url, "camel.management.port", String.valueOf(port),
                    "stockula.sqlite.path", sqlite.toString(), "stockula.sqlite.poll-interval", "500",
                    "stockula.redelivery.delay", "10", "stockula.redelivery.maximum-delay", "40",
                    "stockula.yahoo.requests-per-second", "0", "stockula.yahoo.catch-up-delay", "600s",
                    "stockula.quality.run-on-start", "false"));
            try (Bootstrap boot = Bootstrap.open(EtlSettings.load(null, props));
                 EtlRuntime runtime = new EtlRuntime(boot, List.of(), true, Map.of())) {
                CamelContext camel = runtime.start();
                long expected = exp.priceRows() - 7; // 6 rejected, 1 merged
                for (int i = 0; i < 300 && count(url, "SELECT count(*) FROM price_history") < expected; i++) {
                    Thread.sleep(50);
                }
                assertThat(count(url, "SELECT count(*) FROM price_history")).isEqualTo(expected);
                camel.createProducerTemplate().requestBody("direct:yahoo-backfill",
                        new BackfillRequest(List.of("AAPL", "GONE", "BROKEN"), null, null, List.of("1d")));
                camel.getRegistry().lookupByNameAndType("qualityMonitor", QualityMonitor.class).run();

                String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/observe/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Set<String> exported = names(scrape);
                // (TimescaleDB's job gauges exist only on TimescaleDB: TimescaleJobMetricsTest scrapes those; the
                // Kafka and cluster gauges only with Kafka or clustered Quartz on, which this one runtime has not)
                assertThat(exported).as("every metric a dashboard or alert queries is exported")
                        .containsAll(DashboardQueriesTest.queriedMetrics().stream()
                                .filter(n -> !n.startsWith(TimescaleJobMetricsTest.PREFIX))
                                .filter(n -> !n.startsWith("stockula_kafka_") && !n.startsWith("stockula_cluster_"))
                                .toList());

                // loaded = rows inserted or changed in the target: every stored row once, plus the merged pair's second
                // write when its two rows came in different batches; the sync's re-reads are "unchanged", not loaded
                double merged = value(scrape, "stockula_records_total", "pipeline=\"sync\"", "table=\"price_history\"",
                        "outcome=\"merged\"");
                assertThat(value(scrape, "stockula_records_total", "pipeline=\"sync\"", "table=\"price_history\"",
                        "outcome=\"loaded\"")).isBetween((double) expected, expected + merged);
                assertThat(value(scrape, "stockula_records_total", "pipeline=\"sync\"", "table=\"price_history\"",
                        "outcome=\"read\"")).isEqualTo(exp.priceRows());
                assertThat(value(scrape, "stockula_records_total", "pipeline=\"sync\"", "outcome=\"rejected\"",
                        "table=\"price_history\"")).isEqualTo(6);
                assertThat(value(scrape, "stockula_records_total", "pipeline=\"yahoo\"", "outcome=\"loaded\"",
                        "table=\"price_history\"")).isPositive();
                assertThat(value(scrape, "stockula_validation_failures_total", "reason=\"high_below_low\"")).isPositive();
                assertThat(value(scrape, "stockula_http_requests_total", "status=\"200\"")).isPositive();
                assertThat(value(scrape, "stockula_http_requests_total", "status=\"404\"")).isPositive();
                assertThat(value(scrape, "stockula_dead_letters_total")).isPositive();
                assertThat(value(scrape, "stockula_batch_write_seconds_count", "table=\"price_history\"")).isPositive();
                assertThat(value(scrape, "stockula_database_up")).isEqualTo(1);
                assertThat(value(scrape, "stockula_quality_score", "table=\"price_history\"")).isBetween(0.0, 1.0);
                assertThat(value(scrape, "stockula_latest_bar_timestamp_seconds", "symbol=\"AAPL\"")).isPositive();
                assertThat(value(scrape, "hikaricp_connections_max", "pool=\"target\"")).isPositive();
                assertThat(value(scrape, "camel_exchanges_total", "routeId=\"sqlite-writer\"")).isPositive();
            }
        }
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)", Pattern.MULTILINE);

    static Set<String> names(String scrape) {
        Set<String> out = new TreeSet<>();
        Matcher m = SAMPLE.matcher(scrape);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The sum of a metric's samples whose labels contain all the given label matchers. */
    static double value(String scrape, String name, String... labels) {
        double sum = 0;
        boolean found = false;
        Matcher m = SAMPLE.matcher(scrape);
        while (m.find()) {
            String l = m.group(2) == null ? "" : m.group(2);
            if (m.group(1).equals(name) && java.util.Arrays.stream(labels).allMatch(l::contains)) {
                sum += Double.parseDouble(m.group(3));
                found = true;
            }
        }
        assertThat(found).as("%s%s in the scrape", name, java.util.Arrays.toString(labels)).isTrue();
        return sum;
    }

    private static long count(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
