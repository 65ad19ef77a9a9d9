package io.stockula.etl.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.ops.EtlMetrics;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The checks on a price_history the size of the real Stockula database (1.2 million daily bars: 480 symbols ×
 * 2,500 days), with a few defects planted. Opt-in (tag bench):
 * {@code mvn -B test -Dtest=QualityPerformanceTest -Dsurefire.excludedGroups=none}.
 */
@Tag("bench")
class QualityPerformanceTest {

    @Test
    void aFullRunOnOnePointTwoMillionBars() throws Exception {
        try (QualityFixture db = new QualityFixture()) {
            long t0 = System.nanoTime();
            db.exec("INSERT INTO stocks (symbol, name, sector, industry, exchange, currency, exchange_timezone)"
                            + " SELECT 'S' || lpad(s::text, 3, '0'), 'Stock ' || s, 'Tech', 'Software', 'NMS', 'USD',"
                            + " CASE WHEN s <= 40 THEN 'Europe/Berlin' ELSE 'America/New_York' END FROM generate_series(1, 480) s",
                    "INSERT INTO price_history (symbol, \"timestamp\", interval_type, open_price, high_price, low_price, close_price, volume)"
                            + " SELECT 'S' || lpad(s::text, 3, '0'),"
                            + " (date '2015-01-01' + d)::timestamp AT TIME ZONE CASE WHEN s <= 40 THEN 'Europe/Berlin' ELSE 'America/New_York' END,"
                            + " '1d', 10 + d * 0.01, 11 + d * 0.01, 9 + d * 0.01, 10.5 + d * 0.01, 1000 + d"
                            + " FROM generate_series(1, 480) s, generate_series(0, 2499) d",
                    // planted: 6 bars (Berlin midnights before 6 Jan UTC) breaking the price rules, 2 duplicate days, an orphan symbol, a case variant
                    "UPDATE price_history SET high_price = 1 WHERE symbol = 'S007' AND \"timestamp\" < '2015-01-06'",
                    "INSERT INTO price_history (symbol, \"timestamp\", open_price, high_price, low_price, close_price, volume)"
                            + " VALUES ('S100', '2016-03-01 14:30+00', 1, 2, 0.5, 1, 1), ('S200', '2017-05-02 13:30+00', 1, 2, 0.5, 1, 1),"
                            + " ('ORPH', '2020-01-02 05:00+00', 1, 2, 0.5, 1, 1), ('s300', '2020-01-02 05:00+00', 1, 2, 0.5, 1, 1)",
                    "VACUUM ANALYZE price_history");
            long loadMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(db.count("SELECT count(*) FROM price_history")).isEqualTo(1_200_004);

            // "now" is the trading day after the last bar (2021-11-03 + 1)
            Clock clock = Clock.fixed(Instant.parse("2021-11-04T20:00:00Z"), ZoneOffset.UTC);
            QualityMonitor monitor = new QualityMonitor(db.boot.database().dataSource(), EtlMetrics.standalone(),
                    db.settings(), clock);
            long t1 = System.nanoTime();
            QualityReport report = monitor.run();
            long runMs = (System.nanoTime() - t1) / 1_000_000;

            String timings;
            try (Connection c = db.connection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT details->>'check_ms' FROM etl_run_history WHERE run_id = " + report.runId())) {
                rs.next();
                timings = rs.getString(1);
            }
            System.out.printf("quality bench: load %d ms, run %d ms, per check %s%n", loadMs, runMs, timings);

            TableScore prices = report.tables().get("price_history");
            assertThat(prices.rows()).isEqualTo(1_200_004);
            assertThat(prices.accuracyViolationRatio() * prices.rows()).isCloseTo(6, org.assertj.core.api.Assertions.within(1e-6));
            assertThat(prices.orphanRows()).isEqualTo(2);           // ORPH and s300 have no stocks row
            assertThat(prices.duplicateKeys()).isEqualTo(3);        // two duplicate days + the S300/s300 case variant
            assertThat(prices.staleSeries()).isEqualTo(2);          // ORPH and s300 stopped in 2020
            assertThat(runMs).as("a full run on 1.2M bars").isLessThan(30_000);
        }
    }
}
