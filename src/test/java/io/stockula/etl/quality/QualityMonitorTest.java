package io.stockula.etl.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stockula.etl.ops.EtlMetrics;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class QualityMonitorTest {

    @RegisterExtension
    static final QualityFixture db = new QualityFixture();
    static final Clock MONDAY = QualityFixture.at(LocalDateTime.of(2024, 6, 10, 8, 0));

    private QualityMonitor monitor(Clock clock) {
        return new QualityMonitor(db.boot.database().dataSource(), db.boot.metrics(), db.settings(), clock);
    }

    /** Nine good AAPL bars ending Friday 7 June, two MSFT bars ending Thursday, one orphan TSLA bar. */
    private void load() throws SQLException {
        db.stock("AAPL", "America/New_York");
        db.stock("MSFT", "America/New_York");
        LocalDate d = LocalDate.of(2024, 5, 27);
        for (int i = 0; i <= 11; i++) {
            LocalDate day = d.plusDays(i);
            if (day.getDayOfWeek().getValue() <= 5 && !day.equals(LocalDate.of(2024, 5, 27))) {
                db.daily("AAPL", day);
            }
        }
        db.daily("MSFT", LocalDate.of(2024, 6, 5));
        db.daily("MSFT", QualityFixture.NY, LocalDate.of(2024, 6, 6), 10, 9, 9.5, 10, 5L); // high below low
        db.daily("TSLA", LocalDate.of(2024, 6, 7));
    }

    @Test
    void storesResultsRecordsTheRunAndExportsGauges() throws Exception {
        load();
        QualityReport report = monitor(MONDAY).run();

        // scores: price_history has 12 rows, 1 breaking the rules, 1 orphan, 1 of 3 series stale
        TableScore prices = report.tables().get("price_history");
        assertThat(prices.rows()).isEqualTo(12);
        assertThat(prices.completeness()).isEqualTo(1.0);
        assertThat(prices.accuracyViolationRatio()).isCloseTo(1 / 12.0, within(1e-12));
        assertThat(prices.orphanRows()).isEqualTo(1);
        assertThat(prices.staleSeries()).isEqualTo(1);
        assertThat(prices.series()).isEqualTo(3);
        assertThat(prices.score()).isCloseTo((11 / 12.0) * (11 / 12.0) * (2 / 3.0), within(1e-12));
        assertThat(prices.passed()).isFalse();
        assertThat(report.tables().get("stocks").score()).isEqualTo(1.0);
        assertThat(report.tables().get("dividends").rows()).isZero();
        assertThat(report.tables().get("dividends").score()).isEqualTo(1.0);
        assertThat(report.staleSeries()).extracting(SeriesAge::symbol).containsExactly("MSFT");

        // quality_results: one row per check and subject, all under this run
        try (Connection c = db.connection(); Statement st = c.createStatement()) {
            assertThat(db.count("SELECT count(*) FROM quality_results WHERE run_id <> " + report.runId())).isZero();
            assertThat(db.count("SELECT count(*) FROM quality_results")).isEqualTo(report.results().size());
            try (ResultSet rs = st.executeQuery("SELECT value, threshold, passed, details->>'symbols' FROM quality_results"
                    + " WHERE table_name = 'price_history' AND dimension = 'consistency' AND check_name = 'orphan_rows'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getDouble(1)).isEqualTo(1.0);
                assertThat(rs.getDouble(2)).isZero();
                assertThat(rs.getBoolean(3)).isFalse();
                assertThat(rs.getString(4)).isEqualTo("[\"TSLA\"]");
            }
            try (ResultSet rs = st.executeQuery("SELECT value FROM quality_results WHERE dimension = 'freshness'"
                    + " AND check_name = 'series_age' AND subject = 'MSFT/1d'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getDouble(1)).isEqualTo(2.0);
            }
            try (ResultSet rs = st.executeQuery("SELECT value, passed FROM quality_results WHERE dimension = 'overall'"
                    + " AND table_name = 'price_history'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getDouble(1)).isCloseTo(prices.score(), within(1e-12));
                assertThat(rs.getBoolean(2)).isFalse();
            }
            assertThat(db.count("SELECT count(*) FROM quality_results WHERE dimension = 'overall'")).isEqualTo(7);
            assertThat(db.count("SELECT count(*) FROM quality_results WHERE check_name = 'field_populated'")).isEqualTo(22);
            try (ResultSet rs = st.executeQuery("SELECT job, status, rows_in, rows_out, finished_at IS NOT NULL,"
                    + " (details->>'failed_checks')::int FROM etl_run_history WHERE run_id = " + report.runId())) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("quality");
                assertThat(rs.getString(2)).isEqualTo("succeeded");
                assertThat(rs.getLong(3)).isEqualTo(14);   // rows examined: 12 bars + 2 stocks
                assertThat(rs.getLong(4)).isEqualTo(report.results().size());
                assertThat(rs.getBoolean(5)).isTrue();
                assertThat(rs.getInt(6)).isEqualTo(report.failed().size());
            }
        }

        // the Prometheus names
        String scrape = io.stockula.etl.testsupport.Scrapes.withoutRuntime(db.boot.meterRegistry().scrape());
        assertThat(scrape)
                .contains("stockula_quality_score{table=\"price_history\"} " + prices.score())
                .contains("stockula_quality_score{table=\"stocks\"} 1.0")
                .contains("stockula_quality_completeness_ratio{field=\"open_price\",table=\"price_history\"} 1.0")
                .contains("stockula_quality_accuracy_violation_ratio{table=\"price_history\"} " + (1 / 12.0))
                .contains("stockula_quality_orphan_rows{table=\"price_history\"} 1.0")
                .contains("stockula_quality_duplicate_keys{table=\"price_history\"} 0.0")
                .contains("stockula_quality_stale_symbols{interval=\"1d\"} 1.0")
                .contains("stockula_quality_freshness_trading_days{interval=\"1d\",symbol=\"MSFT\"} 2.0")
                .contains("stockula_quality_freshness_trading_days{interval=\"1d\",symbol=\"AAPL\"} 1.0")
                .contains("stockula_latest_bar_timestamp_seconds{interval=\"1d\",symbol=\"AAPL\"} "
                        + (double) LocalDate.of(2024, 6, 7).atStartOfDay(QualityFixture.NY).toEpochSecond())
                .contains("stockula_quality_failed_checks " + (double) report.failed().size())
                .contains("stockula_pipeline_run_seconds_count{outcome=\"succeeded\",pipeline=\"quality\"}");

        // the report for a person and for a machine
        String text = report.toText();
        assertThat(text).contains("price_history").contains("FAIL").contains("MSFT").contains("orphan_rows");
        assertThat(text.lines().filter(l -> l.startsWith("stocks ")).findFirst().orElseThrow()).endsWith("ok");
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.toJson());
        assertThat(json.get("run_id").asLong()).isEqualTo(report.runId());
        assertThat(json.get("tables").get(0).get("table").asText()).isEqualTo("price_history");
        assertThat(json.get("tables").get(0).get("orphan_rows").asLong()).isEqualTo(1);
        assertThat(json.get("freshness").get("1d").get("stale").get(0).get("symbol").asText()).isEqualTo("MSFT");
        assertThat(json.get("results").size()).isEqualTo(report.results().size());
    }

    @Test
    void aCheckThatCannotRunIsRecordedAndTheOthersStillRun() throws Exception {
        load();
        QualityCheck broken = new QualityCheck() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public Dimension dimension() {
                return Dimension.ACCURACY;
            }

            @Override
            public List<CheckResult> run(QualityContext ctx) throws SQLException {
                try (Statement st = ctx.connection().createStatement()) {
                    st.executeQuery("SELECT no_such_column FROM price_history");
                }
                return List.of();
            }
        };
        QualityMonitor m = new QualityMonitor(db.boot.database().dataSource(), EtlMetrics.standalone(), db.settings(),
                MONDAY, List.of(new CompletenessCheck(), broken, new ConsistencyCheck()));
        QualityReport report = m.run();
        assertThat(report.results()).anyMatch(r -> r.check().equals("broken") && r.isError() && !r.passed());
        // the consistency check ran after the failed one, in the same snapshot
        assertThat(report.results()).anyMatch(r -> r.check().equals("orphan_rows") && r.value() == 1);
        assertThat(db.count("SELECT count(*) FROM etl_run_history WHERE status = 'partial' AND run_id = " + report.runId())).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM quality_results WHERE check_name = 'broken' AND NOT passed"
                + " AND details->>'error' LIKE '%no_such_column%'")).isEqualTo(1);
        assertThat(report.tables().values()).noneMatch(TableScore::passed);
    }

    @Test
    void oldResultsAgeOut() throws Exception {
        db.exec("INSERT INTO quality_results (run_id, checked_at, table_name, dimension, check_name, value, passed)"
                + " VALUES (1, now() - interval '200 days', 'stocks', 'overall', 'score', 1, true),"
                + " (1, now() - interval '10 days', 'stocks', 'overall', 'score', 1, true)");
        monitor(Clock.systemUTC()).run();
        assertThat(db.count("SELECT count(*) FROM quality_results WHERE checked_at < now() - interval '100 days'")).isZero();
        assertThat(db.count("SELECT count(*) FROM quality_results WHERE checked_at < now() - interval '5 days'")).isEqualTo(1);
    }
}
