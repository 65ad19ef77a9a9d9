package io.stockula.etl.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.ops.RollupRefresher;
import io.stockula.etl.testsupport.TestDatabases;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The schema on plain PostgreSQL 15 (127.0.0.1:5432): applies, re-applies as a no-op, and its rollups are right. */
class SchemaPostgresTest {

    @Test
    void appliesTwiceAndMaterializedViewsRollUpKnownBars() throws Exception {
        String url = TestDatabases.freshPostgres();
        EtlSettings settings = EtlSettings.load(null, Map.of("stockula.db.url", url));
        try (TargetDatabase db = TargetDatabase.open(settings, null)) {
            SchemaMigrator.Result first = SchemaMigrator.migrate(db.dataSource(), settings);
            SchemaMigrator.Result second = SchemaMigrator.migrate(db.dataSource(), settings);
            assertThat(first.mode()).isEqualTo(SchemaMode.POSTGRES);
            assertThat(first.applied()).isEqualTo(7); // V1, V2, V3 postgres, V20 price basis, V40 symbol misses, V50 quartz, V55 ledger
            assertThat(second.applied()).isZero();
            try (Connection c = db.connection()) {
                assertThat(RollupFixture.rows(c, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
                        + " AND table_name IN ('stocks','price_history','dividends','splits','options_calls','options_puts',"
                        + "'stock_info','strategies','strategy_presets','autots_models','autots_presets','etl_checkpoints',"
                        + "'etl_run_history','etl_dead_letters','rejected_records','quality_results')"))
                        .containsExactly(List.of("16"));
                assertThat(RollupFixture.rows(c, "SELECT matviewname FROM pg_matviews ORDER BY 1"))
                        .containsExactly(List.of("price_daily"), List.of("price_monthly"), List.of("price_weekly"));
                RollupFixture.insertBars(c);
                new RollupRefresher(db.dataSource(), SchemaMode.POSTGRES).refreshScheduled();
                RollupFixture.assertRollups(c);
                // a second refresh runs CONCURRENTLY on populated views and gives the same answer
                new RollupRefresher(db.dataSource(), SchemaMode.POSTGRES).refreshScheduled();
                RollupFixture.assertRollups(c);
            }
        }
    }
}
