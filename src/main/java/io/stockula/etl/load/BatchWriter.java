package io.stockula.etl.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockula.etl.ops.DeadLetterStore;
import io.stockula.etl.ops.ErrorCategory;
import io.stockula.etl.ops.EtlMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Writes a {@link Batch} in one transaction: COPY the valid rows into a temporary stage, create stock rows for
 * symbols not seen before, upsert stage into target (rewriting only rows whose values changed), insert the
 * rejected rows into {@code rejected_records}, and move the checkpoint compare-and-set. Either all of it is
 * committed or none of it.
 */
public final class BatchWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;
    private final EtlMetrics metrics;
    private final Map<String, String> upsertSql = new java.util.concurrent.ConcurrentHashMap<>();

    public BatchWriter(DataSource dataSource, EtlMetrics metrics) {
        this.dataSource = dataSource;
        this.metrics = metrics;
    }

    public Batch write(Batch batch) throws SQLException {
        writeTogether(List.of(batch), null, null);
        return batch;
    }

    /** A step of a transaction that the writer runs besides its batches. */
    @FunctionalInterface
    public interface SqlStep {
        void run(Connection c) throws SQLException;
    }

    /**
     * Writes several batches in one transaction (a Yahoo response's bars and the dividends and splits that rebase
     * them), with a step before (e.g. re-stamping a symbol's days in its new zone) and one after (e.g. marking a
     * rebase done): all of it commits, or none of it.
     */
    public void writeTogether(List<Batch> batches, SqlStep before, SqlStep after) throws SQLException {
        writeTogether(batches, before, after, null);
    }

    /**
     * For a batch that kept failing on some of its rows (a value the target refuses: a constraint, a range, a
     * size): the same transaction, but the rows are written in halves, then quarters, ... under savepoints, so that
     * every row that can be written is, and each row that cannot is dead-lettered on its own (body: the row as
     * {@link RowJson}, replay_uri {@code direct:write-rows}) in the same transaction, which also moves the
     * checkpoint: the table moves on, nothing is lost. Returns the dead letters' count (also on the batch).
     */
    public int writeSplitting(Batch batch, String routeId, int attempts) throws SQLException {
        List<DeadRow> dead = new ArrayList<>();
        writeTogether(List.of(batch), null, c -> {
            for (DeadRow d : dead) {
                String body = RowJson.encode(batch, d.row());
                if (!pendingDeadLetter(c, routeId, body)) { // read again (a look-back, a re-run): one letter is enough
                    DeadLetterStore.insert(c, new DeadLetterStore.Letter(routeId, "batch split", "direct:write-rows",
                            ErrorCategory.of(d.error()), attempts, d.error(), "{}", body));
                }
            }
        }, dead);
        batch.setDeadLettered(dead.size());
        for (DeadRow d : dead) {
            metrics.deadLetter(routeId, ErrorCategory.of(d.error()));
        }
        return dead.size();
    }

    private static boolean pendingDeadLetter(Connection c, String routeId, String body) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM etl_dead_letters WHERE route_id = ? AND status = 'new'"
                + " AND body = ?")) {
            ps.setString(1, routeId);
            ps.setString(2, body);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** A row the target refused on its own, and why. */
    private record DeadRow(Row row, SQLException error) {
    }

    /** Errors that belong to some rows, not to the batch: splitting the batch finds them. */
    public static boolean rowSpecific(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String cls = sql.getSQLState().substring(0, 2);
                // 22 data exception, 23 integrity constraint, 54 program limit (e.g. an index row too large)
                return cls.equals("22") || cls.equals("23") || cls.equals("54");
            }
        }
        return false;
    }

    private void writeTogether(List<Batch> batches, SqlStep before, SqlStep after, List<DeadRow> deadRows)
            throws SQLException {
        long t0 = System.nanoTime();
        long[][] counts = new long[batches.size()][];
        List<List<Row>> kept = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                if (before != null) {
                    before.run(c);
                }
                for (int i = 0; i < batches.size(); i++) {
                    Batch batch = batches.get(i);
                    MergedRecords merges = new MergedRecords();
                    List<Row> rows = dedupe(batch, merges);
                    kept.add(rows);
                    counts[i] = writeIn(c, batch, rows, merges, deadRows);
                }
                if (after != null) {
                    after.run(c);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        long nanos = System.nanoTime() - t0;
        for (int i = 0; i < batches.size(); i++) {
            Batch batch = batches.get(i);
            TableSpec spec = batch.spec();
            long unchanged = kept.get(i).size() - counts[i][0] - counts[i][1] - (deadRows == null ? 0 : deadRows.size());
            long merged = batch.mergedCount();
            batch.setResult(new BatchResult(counts[i][0], counts[i][1], unchanged, batch.rejected().size(), merged,
                    counts[i][2], nanos));
            // loaded: rows the batch inserted or changed; unchanged: valid rows the target already held as they are
            metrics.records(batch.pipeline(), spec.table(), "loaded", counts[i][0] + counts[i][1]);
            if (batch.isLookBack()) { // rows read again: only what they changed is news
                metrics.records(batch.pipeline(), spec.table(), "rejected", counts[i][3]);
            } else {
                metrics.records(batch.pipeline(), spec.table(), "unchanged", unchanged);
                metrics.records(batch.pipeline(), spec.table(), "merged", merged);
                metrics.records(batch.pipeline(), spec.table(), "rejected", batch.rejected().size());
            }
            metrics.batchWrite(spec.table(), Duration.ofNanos(nanos));
        }
    }

    /** One batch inside the caller's transaction: {inserted, updated, stocks created, rejected rows recorded}. */
    private long[] writeIn(Connection c, Batch batch, List<Row> rows, MergedRecords merges, List<DeadRow> deadRows)
            throws SQLException {
        TableSpec spec = batch.spec();
        long[] counts = {0, 0, 0};
        merges.snapshot(c, spec, rows);
        if (deadRows != null) {
            bisect(c, spec, rows, counts, deadRows);
        } else if (!rows.isEmpty()) {
            counts = batch.isInsertOnly() ? tryInsertOnly(c, spec, rows) : null;
            if (counts == null) {
                counts = stageAndUpsert(c, spec, rows);
            }
        }
        long recorded = insertRejected(c, batch);
        merges.write(c, batch);
        if (batch.checkpoint() != null) {
            advance(c, batch.checkpoint(), batch.rowsRead());
        }
        return new long[] {counts[0], counts[1], counts[2], recorded};
    }

    /** Writes the rows under a savepoint; if the target refuses one of them, each half again, down to single rows. */
    private void bisect(Connection c, TableSpec spec, List<Row> rows, long[] counts, List<DeadRow> dead)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        java.sql.Savepoint sp = c.setSavepoint();
        try {
            long[] r = stageAndUpsert(c, spec, rows);
            try (Statement st = c.createStatement()) {
                st.execute("DELETE FROM " + spec.stageTable()); // the next part starts from an empty stage
            }
            c.releaseSavepoint(sp);
            for (int i = 0; i < counts.length; i++) {
                counts[i] += r[i];
            }
        } catch (SQLException e) {
            c.rollback(sp);
            if (!rowSpecific(e)) {
                throw e;
            }
            if (rows.size() == 1) {
                dead.add(new DeadRow(rows.get(0), e));
                return;
            }
            int mid = rows.size() / 2;
            bisect(c, spec, rows.subList(0, mid), counts, dead);
            bisect(c, spec, rows.subList(mid, rows.size()), counts, dead);
        }
    }

    /** COPY into a temporary stage, create missing stock rows, upsert the stage: {inserted, updated, stocks}. */
    private long[] stageAndUpsert(Connection c, TableSpec spec, List<Row> rows) throws SQLException {
        long stocksCreated = 0;
        try (Statement st = c.createStatement()) {
            st.execute(spec.createStageSql());
        }
        copy(c, spec, spec.copySql(), rows);
        if (spec.createsStocks()) {
            try (Statement st = c.createStatement()) {
                stocksCreated = st.executeUpdate("INSERT INTO stocks (symbol) SELECT DISTINCT symbol FROM "
                        + spec.stageTable() + " ON CONFLICT (symbol) DO NOTHING");
            }
        }
        deleteUnchanged(c, spec);
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(upsertSql.computeIfAbsent(spec.table(), t -> spec.upsertSql()))) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2), stocksCreated};
        }
    }

    /**
     * Drops from the stage the rows the target holds unchanged (see {@link TableSpec#deleteUnchangedSql()}), so
     * that the upsert never probes them: a re-run over compressed TimescaleDB chunks leaves them compressed.
     */
    private static void deleteUnchanged(Connection c, TableSpec spec) throws SQLException {
        Array symbols;
        Object from;
        Object to;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(spec.stageBoundsSql())) {
            rs.next();
            symbols = rs.getArray(1);
            from = rs.getObject(2, java.time.OffsetDateTime.class);
            to = rs.getObject(3, java.time.OffsetDateTime.class);
        }
        try (PreparedStatement ps = c.prepareStatement(spec.deleteUnchangedSql())) {
            // planned with these values every time (never a generic plan): the bounds must exclude chunks at plan time
            ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
            ps.setArray(1, symbols);
            ps.setObject(2, from);
            ps.setObject(3, to);
            ps.executeUpdate();
        }
    }

    /**
     * The bulk fast path for a batch whose keys the target cannot hold yet (a first migration into an empty
     * table): COPY straight into the target, inside a savepoint. If any key exists after all (a merge with an
     * earlier batch, a bar ingested meanwhile) the savepoint is rolled back and null returned: the caller then
     * takes the upsert path in the same transaction. Saves the stage and the ON CONFLICT probe (about 40% of
     * PostgreSQL's CPU per row).
     */
    private long[] tryInsertOnly(Connection c, TableSpec spec, List<Row> rows) throws SQLException {
        java.sql.Savepoint sp = c.setSavepoint();
        try {
            long stocksCreated = 0;
            if (spec.createsStocks()) {
                java.util.Set<Object> symbols = new java.util.HashSet<>();
                int si = spec.index("symbol");
                for (Row r : rows) {
                    symbols.add(r.get(si));
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO stocks (symbol) SELECT unnest(?::text[]) ON CONFLICT (symbol) DO NOTHING")) {
                    ps.setArray(1, c.createArrayOf("text", symbols.toArray()));
                    stocksCreated = ps.executeUpdate();
                }
            }
            // COPY cannot apply "coalesce(created_at, now())": give the audit columns their value here
            java.time.Instant now = java.time.Instant.now();
            int[] audit = spec.columns().stream().filter(col -> TableSpec.AUDIT_COLUMNS.contains(col.name()))
                    .mapToInt(col -> spec.index(col.name())).toArray();
            for (Row r : rows) {
                for (int i : audit) {
                    if (r.get(i) == null) {
                        r.set(i, now);
                    }
                }
            }
            copy(c, spec, CopyWriter.copySql(spec.table(), spec.columnList()), rows);
            c.releaseSavepoint(sp);
            return new long[] {rows.size(), 0, stocksCreated};
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw e;
            }
            c.rollback(sp);
            return null;
        }
    }

    /**
     * Keeps one row of each natural key (ON CONFLICT cannot touch one target row twice in a statement): the newest
     * as_of, the later row when equal; the loser is marked merged and kept in merged_records.
     */
    private static List<Row> dedupe(Batch batch, MergedRecords merges) {
        List<Row> rows = batch.rows();
        if (rows.size() < 2) {
            return rows;
        }
        TableSpec spec = batch.spec();
        // fast path: distinct 64-bit key hashes mean distinct keys
        LongHashSet hashes = new LongHashSet(rows.size());
        boolean collision = false;
        for (Row r : rows) {
            if (!hashes.add(r.keyHash(spec))) {
                collision = true;
                break;
            }
        }
        if (!collision) {
            return rows;
        }
        Map<List<Object>, Integer> seen = new java.util.HashMap<>(rows.size() * 2);
        List<Row> out = new ArrayList<>(rows);
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            Integer prev = seen.get(r.key(spec));
            if (prev == null) {
                seen.put(r.key(spec), i);
                continue;
            }
            Row kept = out.get(prev);
            boolean replaces = MergedRecords.replaces(r, kept, spec);
            Row loser = replaces ? kept : r;
            Row winner = replaces ? r : kept;
            if (replaces) {
                out.set(prev, null);
                seen.put(r.key(spec), i);
            } else {
                out.set(i, null);
            }
            if (!loser.isMerged()) {
                loser.markMerged();
            }
            merges.lost(loser, winner, spec);
        }
        out.removeIf(java.util.Objects::isNull);
        return out;
    }

    private static void copy(Connection c, TableSpec spec, String copySql, List<Row> rows) throws SQLException {
        try (CopyWriter copy = new CopyWriter(c, copySql, spec.columns())) {
            for (Row row : rows) {
                copy.write(row.values());
            }
            copy.finish();
        }
    }

    /**
     * Quarantines the batch's rejected rows; returns how many were recorded. Rows read again by the sync's
     * look-back are recorded only when that version of the row is not in rejected_records yet.
     */
    private long insertRejected(Connection c, Batch batch) throws SQLException {
        if (batch.rejected().isEmpty()) {
            return 0;
        }
        String sql = "INSERT INTO rejected_records (source, source_table, target_table, source_key, reason_codes, record,"
                + " run_id) SELECT ?,?,?,?,?,?::jsonb,?" + (batch.isLookBack() ? " WHERE NOT EXISTS (SELECT 1 FROM"
                + " rejected_records x WHERE x.source = ? AND x.source_table = ? AND x.source_key = ? AND x.record = ?::jsonb)"
                : "");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Row r : batch.rejected()) {
                ps.setString(1, batch.source());
                ps.setString(2, batch.sourceTable());
                ps.setString(3, batch.spec().table());
                ps.setString(4, r.sourceKey());
                Array reasons = c.createArrayOf("text", r.reasons().toArray());
                ps.setArray(5, reasons);
                ps.setString(6, recordJson(r.original()));
                if (batch.runId() == null) {
                    ps.setNull(7, java.sql.Types.BIGINT);
                } else {
                    ps.setLong(7, batch.runId());
                }
                if (batch.isLookBack()) {
                    ps.setString(8, batch.source());
                    ps.setString(9, batch.sourceTable());
                    ps.setString(10, r.sourceKey());
                    ps.setString(11, recordJson(r.original()));
                }
                ps.addBatch();
            }
            int[] done = ps.executeBatch();
            long recorded = 0;
            for (int i = 0; i < done.length; i++) {
                if (done[i] == 0) {
                    continue; // already recorded
                }
                recorded++;
                for (String reason : batch.rejected().get(i).reasons()) {
                    metrics.validationFailure(batch.spec().table(), reason.contains(":")
                            ? reason.substring(0, reason.indexOf(':')) : reason);
                }
            }
            return recorded;
        }
    }

    static String recordJson(Object original) {
        Object value = original;
        if (original instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v));
            value = copy;
        }
        try {
            // jsonb cannot hold \u0000
            return JSON.writeValueAsString(value).replace("\\u0000", "");
        } catch (IOException e) {
            return "{\"unserialisable\":" + quote(String.valueOf(original)) + "}";
        }
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            return "\"\"";
        }
    }

    private static void advance(Connection c, Checkpoint cp, long rowsRead) throws SQLException {
        String sql = cp.kind() == Checkpoint.Kind.ROWID
                ? "UPDATE etl_checkpoints SET last_rowid = ?, rows_done = rows_done + ?, updated_at = now()"
                        + " WHERE source = ? AND source_table = ? AND last_rowid = ?"
                : "UPDATE etl_checkpoints SET watermark = ?, watermark_rowid = ?, updated_at = now()"
                        + " WHERE source = ? AND source_table = ? AND watermark IS NOT DISTINCT FROM ? AND watermark_rowid = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (cp.kind() == Checkpoint.Kind.ROWID) {
                ps.setLong(i++, cp.toRowid());
                ps.setLong(i++, rowsRead);
            } else {
                ps.setString(i++, cp.toWatermark());
                ps.setLong(i++, cp.toWatermarkRowid());
            }
            ps.setString(i++, cp.source());
            ps.setString(i++, cp.sourceTable());
            if (cp.kind() == Checkpoint.Kind.ROWID) {
                ps.setLong(i, cp.fromRowid());
            } else {
                ps.setString(i++, cp.fromWatermark());
                ps.setLong(i, cp.fromWatermarkRowid());
            }
            if (ps.executeUpdate() != 1) {
                throw new StaleBatchException("checkpoint of " + cp.source() + "/" + cp.sourceTable() + " is not at "
                        + cp + ": batch rolled back, it will be read again");
            }
        }
    }
}
