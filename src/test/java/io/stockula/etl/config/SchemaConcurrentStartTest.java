package io.stockula.etl.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Several runtimes started at once on a new database (docker-compose replicas, a cluster brought up together) each
 * migrate the schema: one applies it, the others wait and find it up to date. Without that, Flyway's baseline of
 * an empty schema raced ("Unable to baseline schema history table ... as it already exists, and is empty": exit 3).
 */
class SchemaConcurrentStartTest {

    @Test
    void threeRuntimesMigratingANewDatabaseAtOnceAllStartAndTheSchemaIsAppliedOnce() throws Exception {
        int rounds = 5;
        int runtimes = 3;
        ExecutorService pool = Executors.newFixedThreadPool(runtimes);
        try {
            for (int round = 0; round < rounds; round++) {
                String url = TestDatabases.freshPostgres();
                EtlSettings settings = EtlSettings.load(null, Map.of("stockula.db.url", url));
                CyclicBarrier together = new CyclicBarrier(runtimes);
                List<Future<SchemaMigrator.Result>> results = new ArrayList<>();
                List<TargetDatabase> dbs = new ArrayList<>();
                for (int i = 0; i < runtimes; i++) {
                    TargetDatabase db = TargetDatabase.open(settings, null); // a pool of its own, as a runtime has
                    dbs.add(db);
                    results.add(pool.submit(() -> {
                        together.await(30, TimeUnit.SECONDS);
                        return SchemaMigrator.migrate(db.dataSource(), settings);
                    }));
                }
                int applied = 0;
                for (Future<SchemaMigrator.Result> r : results) {
                    SchemaMigrator.Result got = r.get(120, TimeUnit.SECONDS); // an exception here is the race
                    assertThat(got.mode()).isEqualTo(SchemaMode.POSTGRES);
                    applied += got.applied();
                }
                assertThat(applied).as("round %d: the migrations applied once across the runtimes", round).isEqualTo(7);
                try (Connection c = dbs.get(0).connection(); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("history rows: the 7 migrations, once").isEqualTo(7);
                }
                for (TargetDatabase db : dbs) {
                    db.close();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
