package io.stockula.etl.source.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.testsupport.Await;
import io.stockula.etl.testsupport.StockulaDbGenerator;
import io.stockula.etl.testsupport.TestRuntime;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leader whose lock connection is cut (its PostgreSQL session terminated, as when the network drops it) stops its
 * readers at its next round, follows again when it gets the lock back, and resumes from the checkpoints: rows
 * inserted meanwhile arrive, once.
 */
class SyncLeaderStandDownTest {

    @TempDir
    Path dir;

    @Test
    void aLeaderThatLostItsLockStopsItsReadersAndResumesWhenItLeadsAgain() throws Exception {
        Path db = dir.resolve("live.db");
        StockulaDbGenerator.generate(db, 4, 30, false, 5);
        try (TestRuntime t = TestRuntime.postgres("stockula.sqlite.path", db.toString(), "stockula.sqlite.poll-interval", "300",
                "stockula.sqlite.leader-retry", "500", "stockula.instance-id", "etl-x")
                .start("sqlite-migration.yaml", "sqlite-sync.yaml")) {
            Await.until(() -> t.count("SELECT count(*) FROM price_history") == 120, 60);
            SqliteSync sync = t.context().getRegistry().lookupByNameAndType("sqliteSync", SqliteSync.class);
            assertThat(sync.leader().isLeader()).isTrue();
            assertThat(t.context().getRoute("sqlite-new-price_history")).isNotNull();
            List<List<String>> before = t.rows("SELECT pid FROM pg_stat_activity WHERE application_name = 'stockula-etl etl-x'");
            assertThat(before).hasSize(1);

            // the lock's session is cut; a row is inserted while no one leads
            t.rows("SELECT pg_terminate_backend(" + before.get(0).get(0) + ")");
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
                st.execute("INSERT INTO price_history (symbol, date, open_price, high_price, low_price, close_price, volume,"
                        + " interval, created_at, updated_at) VALUES ('AAPL', '2016-03-01', 10, 11, 9, 10.5, 5, '1d',"
                        + " '2026-01-01 00:00:00', '2026-01-01 00:00:00')");
            }
            // it leads again under a new session (the readers were removed and created again), and the row arrives once
            Await.until(() -> {
                try {
                    List<List<String>> now = t.rows("SELECT pid FROM pg_stat_activity WHERE application_name = 'stockula-etl etl-x'");
                    return now.size() == 1 && !now.equals(before) && sync.leader().isLeader()
                            && t.count("SELECT count(*) FROM price_history") == 121;
                } catch (java.sql.SQLException e) {
                    return false;
                }
            }, 60);
            assertThat(t.context().getRoute("sqlite-new-price_history")).isNotNull();
            assertThat(t.rows("SELECT close_price FROM price_history WHERE symbol = 'AAPL' AND \"timestamp\" >= '2016-01-01'"))
                    .containsExactly(List.of("10.5"));
            assertThat(t.count("SELECT count(*) FROM rejected_records")).isZero();
        }
    }
}
