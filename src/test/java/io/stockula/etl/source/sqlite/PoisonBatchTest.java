package io.stockula.etl.source.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.StockulaEtl;
import io.stockula.etl.testsupport.Sql;
import io.stockula.etl.testsupport.StockulaDbGenerator;
import io.stockula.etl.testsupport.TestDatabases;
import io.stockula.etl.testsupport.TestRuntime;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch the target keeps refusing because of two of its rows (a CHECK constraint the validator does not know):
 * after the redeliveries it is split, every other row is written, the two are dead-lettered one by one as JSON,
 * and the table moves on (before: `migrate` hung, `run` re-read the batch every poll for ever). Once the cause is
 * gone `dlq replay` writes them, and verify passes.
 */
class PoisonBatchTest {

    @TempDir
    Path dir;

    @Test
    void aPoisonBatchIsSplitItsBadRowsDeadLetteredAndReplayableTheRestWritten() throws Exception {
        Path db = dir.resolve("poison.db");
        long total = StockulaDbGenerator.generate(db, 3, 200, false, 13).priceRows();
        String url = TestDatabases.freshPostgres();
        assertThat(StockulaEtl.execute("schema", "--db", url)).isZero();
        long poisoned;
        try (Connection c = DriverManager.getConnection(url)) {
            poisoned = poison(db, c);
        }

        long t0 = System.nanoTime();
        int exit = StockulaEtl.execute("migrate", "--sqlite", db.toString(), "--db", url, "--skip-rollups",
                "--batch-size", "250", "-D", "stockula.redelivery.delay=10", "-D", "stockula.redelivery.maximum-delay=20");
        long millis = (System.nanoTime() - t0) / 1_000_000;
        try (Connection c = DriverManager.getConnection(url)) {
            long written = count(c, "SELECT count(*) FROM price_history");
            List<List<String>> letters = Sql.rows(c, "SELECT replay_uri, category, attempts, exception_message LIKE '%test_poison%',"
                    + " body::jsonb->>'table', body::jsonb->'row'->>'symbol' IS NOT NULL FROM etl_dead_letters"
                    + " WHERE route_id = 'sqlite-writer' ORDER BY id");
            System.out.println("[measured] poison batch in migrate: exit " + exit + " in " + millis + " ms; " + written
                    + " of " + total + " rows written, " + letters.size() + " dead-lettered (" + poisoned + " poisoned)");
            assertThat(exit).as("rows not loaded: incomplete").isEqualTo(1);
            assertThat(written).isEqualTo(total - poisoned);
            assertThat(letters).hasSize((int) poisoned)
                    .allSatisfy(l -> assertThat(l).containsExactly("direct:write-rows", "data", "4", "t", "price_history", "t"));
            assertThat(count(c, "SELECT last_rowid FROM etl_checkpoints WHERE source_table = 'price_history'"))
                    .as("the table moved on").isEqualTo(total);
            assertThat(count(c, "SELECT count(*) FROM (SELECT symbol, interval_type, \"timestamp\" FROM price_history"
                    + " GROUP BY 1, 2, 3 HAVING count(*) > 1) d")).isZero();
        }
        assertThat(StockulaEtl.execute("verify", "--sqlite", db.toString(), "--db", url)).as("rows missing").isEqualTo(1);

        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE price_history DROP CONSTRAINT test_poison");
        }
        assertThat(StockulaEtl.execute("dlq", "replay", "--all", "--db", url)).isZero();
        assertThat(StockulaEtl.execute("verify", "--sqlite", db.toString(), "--db", url)).isZero();
        try (Connection c = DriverManager.getConnection(url)) {
            assertThat(count(c, "SELECT count(*) FROM price_history")).isEqualTo(total);
            assertThat(count(c, "SELECT count(*) FROM etl_dead_letters WHERE status <> 'replayed'")).isZero();
        }
    }

    @Test
    void runMovesOnPastAPoisonBatchInsteadOfReadingItEveryPoll() throws Exception {
        Path db = dir.resolve("poison-run.db");
        long total = StockulaDbGenerator.generate(db, 3, 200, false, 13).priceRows();
        try (TestRuntime t = TestRuntime.postgres("stockula.sqlite.path", db.toString(), "stockula.sqlite.poll-interval", "200",
                "stockula.sqlite.batch-size", "250")) {
            long poisoned;
            try (Connection c = t.connection()) {
                poisoned = poison(db, c);
            }
            t.start("sqlite-migration.yaml", "sqlite-sync.yaml");
            for (int i = 0; i < 600 && count(t, "SELECT count(*) FROM price_history") < total - poisoned; i++) {
                Thread.sleep(50);
            }
            assertThat(count(t, "SELECT count(*) FROM price_history")).isEqualTo(total - poisoned);
            // several poll intervals later the batch has not come back
            Thread.sleep(1_500);
            assertThat(count(t, "SELECT count(*) FROM etl_dead_letters WHERE route_id = 'sqlite-writer'")).isEqualTo(poisoned);
            assertThat(count(t, "SELECT last_rowid FROM etl_checkpoints WHERE source_table = 'price_history'")).isEqualTo(total);
        }
    }

    /** A CHECK the validator knows nothing of, refusing the volumes of two rows of the file; returns the rows hit. */
    private static long poison(Path db, Connection target) throws SQLException {
        long v1;
        long v2;
        long hit;
        try (Connection s = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            v1 = count(s, "SELECT volume FROM price_history WHERE rowid = 77");
            v2 = count(s, "SELECT volume FROM price_history WHERE rowid = 412");
            hit = count(s, "SELECT count(*) FROM price_history WHERE volume IN (" + v1 + ", " + v2 + ")");
        }
        try (Statement st = target.createStatement()) {
            st.execute("ALTER TABLE price_history ADD CONSTRAINT test_poison CHECK (volume NOT IN (" + v1 + ", " + v2 + "))");
        }
        return hit;
    }

    private static long count(TestRuntime t, String sql) throws SQLException {
        try (Connection c = t.connection()) {
            return count(c, sql);
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
