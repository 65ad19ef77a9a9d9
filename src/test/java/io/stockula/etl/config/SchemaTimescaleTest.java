package io.stockula.etl.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.ops.EtlMetrics;
import io.stockula.etl.ops.RollupRefresher;
import io.stockula.etl.ops.TimescaleJobHealth;
import io.stockula.etl.testsupport.TestDatabases;
import io.stockula.etl.testsupport.TimescaleJobs;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The schema on the real TimescaleDB server (2.28 on PostgreSQL 15, {@link TestDatabases#freshTimescale()}):
 * hypertables, compression, policies and continuous aggregates.
 */
class SchemaTimescaleTest {

    @Test
    void appliesTwiceWithHypertablesCompressionPoliciesAndContinuousAggregates() throws Exception {
        String url = TestDatabases.freshTimescale();
        EtlSettings settings = EtlSettings.load(null, Map.of("stockula.db.url", url, "stockula.db.pool-size", "2"));
        try (TargetDatabase db = TargetDatabase.open(settings, null)) {
            SchemaMigrator.Result first = SchemaMigrator.migrate(db.dataSource(), settings);
            SchemaMigrator.Result second = SchemaMigrator.migrate(db.dataSource(), settings);
            assertThat(first.mode()).isEqualTo(SchemaMode.TIMESCALEDB);
            assertThat(first.applied()).isEqualTo(8); // V1, V2, V3, V4 timescaledb, V20 price basis, V40 symbol misses, V50 quartz, V55 ledger
            assertThat(second.applied()).isZero();
            try (Connection c = db.connection()) {
                String schema = RollupFixture.rows(c, "SELECT current_schema()").get(0).get(0);
                assertThat(RollupFixture.rows(c, "SELECT hypertable_name FROM timescaledb_information.hypertables"
                        + " WHERE hypertable_schema = '" + schema + "' ORDER BY 1"))
                        .containsExactly(List.of("options_calls"), List.of("options_puts"), List.of("price_history"));
                assertThat(RollupFixture.rows(c, "SELECT d.time_interval::text FROM timescaledb_information.dimensions d"
                        + " WHERE hypertable_schema = '" + schema + "' AND hypertable_name = 'price_history'"))
                        .containsExactly(List.of("30 days"));
                assertThat(RollupFixture.rows(c, "SELECT attname, segmentby_column_index FROM"
                        + " timescaledb_information.compression_settings WHERE hypertable_schema = '" + schema
                        + "' AND hypertable_name = 'price_history' AND segmentby_column_index IS NOT NULL ORDER BY 2"))
                        .containsExactly(List.of("symbol", "1"), List.of("interval_type", "2"));
                assertThat(RollupFixture.rows(c, "SELECT view_name FROM timescaledb_information.continuous_aggregates"
                        + " WHERE view_schema = '" + schema + "' ORDER BY 1"))
                        .containsExactly(List.of("price_daily"), List.of("price_monthly"), List.of("price_weekly"));

                // every policy job of our tables runs by hand (CALL run_job), off the background schedule: taken off
                // before refreshAll, which a policy's first background run would otherwise race ("concurrent refresh",
                // recorded as that job's failure)
                TimescaleJobs.takeOffSchedule(c);
                // the background scheduler may have run a policy once before it was taken off (it starts them as
                // soon as the migration commits them): those runs count in job_stats, the ones below do not
                List<String> ranInBackground = RollupFixture.rows(c, "SELECT job_id FROM timescaledb_information.job_stats"
                        + " WHERE job_id >= 1000 AND total_runs > 0").stream().map(r -> r.get(0)).toList();
                RollupFixture.insertBars(c);
                new RollupRefresher(db.dataSource(), SchemaMode.TIMESCALEDB).refreshAll();
                RollupFixture.assertRollups(c);

                List<List<String>> jobs = RollupFixture.rows(c, "SELECT job_id, proc_name FROM timescaledb_information.jobs"
                        + " WHERE hypertable_schema = '" + schema + "' ORDER BY job_id");
                assertThat(jobs.stream().map(j -> j.get(1)).distinct().sorted())
                        .containsExactly("policy_compression", "policy_refresh_continuous_aggregate", "policy_retention");
                try (Statement st = c.createStatement()) {
                    // effects to observe: an old and a recent option snapshot (retention), a recent daily bar that
                    // the materialized-only monthly aggregate shows only once its refresh policy ran
                    st.execute("INSERT INTO options_calls (symbol, expiration_date, strike, snapshot_at) VALUES"
                            + " ('AAPL', '2020-03-20', 100, '2020-03-02T15:00:00Z'), ('AAPL', now()::date + 30, 100, now())");
                    st.execute("INSERT INTO price_history (symbol, \"timestamp\", interval_type, open_price, high_price,"
                            + " low_price, close_price, volume) VALUES ('MSFT', date_trunc('day', now() - INTERVAL '10 days'),"
                            + " '1d', 1, 2, 0.5, 1.5, 7)");
                    assertThat(RollupFixture.rows(c, "SELECT count(*) FROM price_monthly WHERE symbol = 'MSFT'"))
                            .containsExactly(List.of("0"));
                    for (List<String> job : jobs) {
                        st.execute("CALL run_job(" + job.get(0) + ")");
                    }
                }
                assertThat(RollupFixture.rows(c, "SELECT volume FROM price_monthly WHERE symbol = 'MSFT'"))
                        .containsExactly(List.of("7"));
                // each CALL run_job above succeeded (a failing job raises its error there). The job health gauges
                // cover every job; run_job in a session is not counted in job_stats, so none is failing and none has
                // a recorded success yet (the background scheduler's runs are what the gauges follow)
                EtlMetrics metrics = EtlMetrics.standalone();
                int seen = new TimescaleJobHealth(db.dataSource(), metrics, SchemaMode.TIMESCALEDB).probe();
                assertThat(seen).isEqualTo(jobs.size()).isEqualTo(8);
                for (List<String> job : jobs) {
                    double failing = metrics.registry().get("stockula.timescaledb.job.failing").tag("job_id", job.get(0))
                            .tag("proc", job.get(1)).gauge().value();
                    double portal = metrics.registry().get("stockula.timescaledb.job.portal.false.failure")
                            .tag("job_id", job.get(0)).gauge().value();
                    if (ranInBackground.contains(job.get(0))) {
                        // a background run can only have failed with PostgreSQL 15.20's false "cannot drop portal"
                        assertThat(failing).as("job " + job).isEqualTo(portal);
                    } else {
                        assertThat(failing).as("job " + job).isZero();
                        assertThat(portal).as("job " + job).isZero();
                    }
                }
                assertThat(RollupFixture.rows(c, "SELECT extract(year FROM snapshot_at)::int FROM options_calls"))
                        .containsExactly(List.of(String.valueOf(java.time.Year.now().getValue())));
                // the 2024 chunks are past compress_after: the compression job compressed them
                assertThat(RollupFixture.rows(c, "SELECT count(*) > 0 FROM timescaledb_information.chunks WHERE"
                        + " hypertable_schema = '" + schema + "' AND hypertable_name = 'price_history' AND is_compressed"))
                        .containsExactly(List.of("t"));
                RollupFixture.assertRollups(c);
            }
        }
    }

    @Test
    void changedTimescaleSettingsAreReappliedOnceAndLogged() throws Exception {
        String url = TestDatabases.freshTimescale();
        EtlSettings defaults = EtlSettings.load(null, Map.of("stockula.db.url", url, "stockula.db.pool-size", "2"));
        try (TargetDatabase db = TargetDatabase.open(defaults, null)) {
            SchemaMigrator.migrate(db.dataSource(), defaults);
            assertThat(TimescaleSettings.apply(db.dataSource(), defaults)).isEmpty(); // the first migration set them all
            EtlSettings changed = EtlSettings.load(null, Map.of("stockula.db.url", url, "stockula.db.pool-size", "2",
                    "stockula.timescale.price-chunk-interval", "7 days", "stockula.timescale.price-compress-after", "120 days",
                    "stockula.timescale.price-retention", "20 years", "stockula.timescale.options-retention", "none",
                    "stockula.timescale.monthly-refresh-window", "4 months"));
            assertThat(SchemaMigrator.migrate(db.dataSource(), changed).applied()).isZero();
            try (Connection c = db.connection()) {
                assertThat(RollupFixture.rows(c, "SELECT time_interval::text FROM timescaledb_information.dimensions"
                        + " WHERE hypertable_name = 'price_history'")).containsExactly(List.of("7 days"));
                assertThat(RollupFixture.rows(c, "SELECT proc_name, (coalesce(config->>'compress_after', config->>'drop_after'))"
                        + "::interval::text FROM timescaledb_information.jobs WHERE hypertable_name = 'price_history' ORDER BY 1"))
                        .containsExactly(List.of("policy_compression", "120 days"), List.of("policy_retention", "20 years"));
                assertThat(RollupFixture.rows(c, "SELECT count(*) FROM timescaledb_information.jobs WHERE proc_name ="
                        + " 'policy_retention' AND hypertable_name LIKE 'options%'")).containsExactly(List.of("0"));
                assertThat(RollupFixture.rows(c, "SELECT (config->>'start_offset')::interval::text FROM"
                        + " timescaledb_information.jobs WHERE hypertable_name = 'price_monthly'"))
                        .containsExactly(List.of("4 mons"));
            }
            // the same settings again: nothing to do
            assertThat(TimescaleSettings.apply(db.dataSource(), changed)).isEmpty();
            // a value that cannot be an interval is a configuration error (exit 2), and changes nothing
            EtlSettings bad = EtlSettings.load(null, Map.of("stockula.db.url", url, "stockula.db.pool-size", "2",
                    "stockula.timescale.price-compress-after", "soon"));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> TimescaleSettings.apply(db.dataSource(), bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("stockula.timescale.price-compress-after is not an interval: 'soon'");
        }
    }
}
