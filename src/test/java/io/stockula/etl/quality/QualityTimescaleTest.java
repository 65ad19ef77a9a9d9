package io.stockula.etl.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.config.EtlSettings;
import io.stockula.etl.config.SchemaMode;
import io.stockula.etl.ops.EtlMetrics;
import io.stockula.etl.ops.RollupRefresher;
import io.stockula.etl.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The same checks on TimescaleDB (hypertable price_history, continuous aggregates), through the test lane. */
class QualityTimescaleTest {

    @Test
    void everyCheckRunsOnHypertablesAndContinuousAggregates() throws Exception {
        String url = TestDatabases.freshTimescale();
        try (Bootstrap boot = Bootstrap.open(EtlSettings.load(null, Map.of("stockula.db.url", url, "stockula.db.pool-size", "2")))) {
            assertThat(boot.mode()).isEqualTo(SchemaMode.TIMESCALEDB);
            try (Connection c = boot.database().connection(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO stocks (symbol, name, sector, industry, exchange, currency, exchange_timezone) VALUES"
                        + " ('AAPL', 'Apple', 'Tech', 'HW', 'NMS', 'USD', 'America/New_York')");
                st.execute("INSERT INTO price_history (symbol, \"timestamp\", interval_type, open_price, high_price, low_price,"
                        + " close_price, volume) VALUES"
                        + " ('AAPL', '2024-06-03 04:00+00', '1d', 10, 11, 9, 10.5, 100),"
                        + " ('AAPL', '2024-06-04 04:00+00', '1d', 10, 11, 9, 10.5, 100),"
                        + " ('AAPL', '2024-06-04 13:30+00', '1d', 10, 11, 9, 10.5, 100),"   // same trading day again
                        + " ('AAPL', '2024-06-05 04:00+00', '1d', 10, 9, 9.5, 10.5, 100),"  // high below low
                        + " ('AAPL', '2024-06-07 04:00+00', '1d', 10, 11, 9, 10.5, 100),"
                        + " ('TSLA', '2024-06-07 04:00+00', '1d', 10, 11, 9, 10.5, 100),"
                        + " ('AAPL', '2024-06-07 14:00+00', '1h', 10, 11, 9, 10.5, 100)");
            }
            try (Connection c = boot.database().connection()) {
                // the refresh policies' first background run would race refreshAll ("concurrent refresh")
                io.stockula.etl.testsupport.TimescaleJobs.takeOffSchedule(c);
            }
            new RollupRefresher(boot.database().dataSource(), SchemaMode.TIMESCALEDB).refreshAll();
            Clock monday = Clock.fixed(Instant.parse("2024-06-10T12:00:00Z"), ZoneOffset.UTC);
            QualityReport report = new QualityMonitor(boot.database().dataSource(), EtlMetrics.standalone(),
                    QualitySettings.from(boot.settings()), monday).run();

            assertThat(report.results()).noneMatch(CheckResult::isError);
            TableScore prices = report.tables().get("price_history");
            assertThat(prices.rows()).isEqualTo(7);
            assertThat(prices.accuracyViolationRatio()).isEqualTo(1 / 7.0);
            assertThat(prices.orphanRows()).isEqualTo(1);
            assertThat(prices.duplicateKeys()).isEqualTo(1);
            assertThat(prices.staleSeries()).isZero();
            assertThat(prices.series()).isEqualTo(3);
            // the continuous aggregates are read too
            assertThat(report.tables()).containsKeys("price_daily", "price_weekly", "price_monthly");
            CheckResult weekly = report.results().stream()
                    .filter(r -> r.table().equals("price_weekly") && r.check().equals("value_rules")).findFirst().orElseThrow();
            assertThat(((Number) weekly.details().get("rows")).longValue()).isEqualTo(2);  // AAPL and TSLA, one week
        }
    }
}
