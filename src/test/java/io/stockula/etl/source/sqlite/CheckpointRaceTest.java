package io.stockula.etl.source.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.load.Batch;
import io.stockula.etl.load.BatchWriter;
import io.stockula.etl.testsupport.StockulaDbGenerator;
import io.stockula.etl.testsupport.TestRuntime;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.RowMapper;

/**
 * The interleavings of reader and writer that used to move the checkpoint past rows never committed, replayed
 * step by step on the real classes (a SQLite file, a PostgreSQL target), in the order the threads can take.
 */
class CheckpointRaceTest {

    private static final int BATCH = 10;

    @TempDir
    Path dir;

    @Test
    void rowsOfAQueryRunBeforeARewindNeverBecomeABatchFromTheRewoundPosition() throws Exception {
        try (Fixture f = new Fixture(dir)) {
            Batch a = f.read(); // rowid 0 -> 10
            Batch b = f.read(); // rowid 10 -> 20
            long from = f.sync.position("price_history"); // the reader's next query starts at 20 ...
            List<Map<String, Object>> rows = f.rowsAfter(from);
            // ... meanwhile the writer gives up on batch a (e.g. the target restarted): the reader is rewound
            f.sync.batchFailed(a, new SQLException("connection reset", "08006"), 3);
            // the rows of the query from 20 come back: before the fix they became the batch "rowid 0 -> 30",
            // which the compare-and-set accepted, losing rows 1..20
            assertThat(f.sync.toBatch(rows, "price_history", "NEW_ROWS")).isNull();
            assertThat(f.sync.superseded(b)).as("b was read before the rewind").isTrue();
            f.sync.dropSuperseded(b);
            // reading resumes from the durable checkpoint, 0
            Batch again = f.read();
            assertThat(again.checkpoint().fromRowid()).isZero();
            assertThat(again.checkpoint().toRowid()).isEqualTo(BATCH);
            f.writeAndCommit(again);
            assertThat(f.count("SELECT count(*) FROM price_history")).isEqualTo(BATCH);
            assertThat(f.count("SELECT last_rowid FROM etl_checkpoints WHERE source_table = 'price_history'")).isEqualTo(BATCH);
        }
    }

    @Test
    void aCommitWhoseAnswerWasLostResumesFromTheStoredCheckpointNotFromMemory() throws Exception {
        try (Fixture f = new Fixture(dir)) {
            Batch a = f.read();
            f.writer.write(a); // committed in the target ...
            f.sync.batchFailed(a, new SQLException("I/O error", "08006"), 3); // ... but the writer saw an error
            // before: the reader went back to its in-memory checkpoint (0), every batch from there was stale, and it
            // rewound to 0 again: a livelock. Now it reads the stored checkpoint.
            Batch next = f.read();
            assertThat(next.checkpoint().fromRowid()).isEqualTo(BATCH);
            f.writeAndCommit(next);
            assertThat(f.count("SELECT count(*) FROM price_history")).isEqualTo(2 * BATCH);
        }
    }

    @Test
    void aBatchMarkedAfterARewindDoesNotLeaveItsKeysBehindAsMerged() throws Exception {
        try (Fixture f = new Fixture(dir)) {
            Batch a = f.read();
            f.sync.batchFailed(a, new SQLException("connection reset", "08006"), 0);
            Batch again = f.read();
            assertThat(again.mergedCount()).as("a re-read row is not a merge").isZero();
            f.writeAndCommit(again);
            assertThat(f.sync.progress().get(0).merged()).isZero();
            assertThat(f.sync.progress().get(0).loaded()).isEqualTo(BATCH);
        }
    }

    /** A SQLite file of 4 symbols x 30 days, a fresh target, and the sync driven by hand as the routes would. */
    private static final class Fixture implements AutoCloseable {
        final TestRuntime runtime;
        final SqliteSource source;
        final SqliteSync sync;
        final BatchWriter writer;
        final Path db;

        Fixture(Path dir) throws Exception {
            db = dir.resolve("race.db");
            StockulaDbGenerator.generate(db, 4, 30, false, 7);
            runtime = TestRuntime.postgres();
            source = SqliteSource.open(db, 5000);
            sync = new SqliteSync(source, runtime.boot.database().dataSource(), runtime.boot.metrics(), "migration",
                    BATCH, true);
            sync.prepare(List.of("price_history"), false);
            writer = new BatchWriter(runtime.boot.database().dataSource(), runtime.boot.metrics());
        }

        /** One poll of the new-rows reader: the position is taken as the query is prepared, then the rows map. */
        Batch read() throws SQLException {
            sync.pollStarting("sqlite-new-price_history");
            long from = sync.position("price_history");
            Batch b = sync.toBatch(rowsAfter(from), "price_history", "NEW_ROWS");
            new io.stockula.etl.validate.RecordValidation().validate(b);
            return sync.markMerged(b);
        }

        void writeAndCommit(Batch b) throws SQLException {
            writer.write(b);
            sync.committed(b);
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rowsAfter(long rowid) throws SQLException {
            RowMapper<Map<String, Object>> mapper =
                    (RowMapper<Map<String, Object>>) new SourceRowMapperFactory().newColumnRowMapper();
            List<Map<String, Object>> rows = new ArrayList<>();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                 PreparedStatement ps = c.prepareStatement("SELECT rowid AS _rowid_, * FROM price_history WHERE rowid > ?"
                         + " ORDER BY rowid LIMIT " + BATCH)) {
                ps.setLong(1, rowid);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(mapper.mapRow(rs, rows.size()));
                    }
                }
            }
            return rows;
        }

        long count(String sql) throws SQLException {
            return Long.parseLong(runtime.rows(sql).get(0).get(0));
        }

        @Override
        public void close() {
            runtime.close();
        }
    }
}
