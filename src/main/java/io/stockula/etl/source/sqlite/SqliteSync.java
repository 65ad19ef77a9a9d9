package io.stockula.etl.source.sqlite;

import io.stockula.etl.load.Batch;
import io.stockula.etl.load.Checkpoint;
import io.stockula.etl.load.LongHashSet;
import io.stockula.etl.load.Row;
import io.stockula.etl.ops.DeadLetterStore;
import io.stockula.etl.ops.EtlMetrics;
import io.stockula.etl.transform.PriceUnits;
import io.stockula.etl.transform.TradingDates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coordinates reading a Stockula SQLite file table by table (routes/sqlite-migration.yaml): two cursors per
 * table, both persisted in etl_checkpoints and moved only in the transaction that writes their batch —
 * <ul>
 *   <li><b>new rows</b>: {@code rowid > last_rowid ORDER BY rowid}, which is the bulk migration until drained
 *       and then picks up rows Stockula inserts;</li>
 *   <li><b>changed rows</b>: {@code (updated_at, rowid) > watermark ORDER BY updated_at, rowid}, for tables
 *       that have updated_at (started at the newest updated_at when a table is first seen).</li>
 * </ul>
 * Reading runs ahead of writing (a reader thread per table, one writer), so the read position lives in memory
 * and falls back to the committed checkpoint whenever a batch fails or turns out stale.
 */
public final class SqliteSync {

    public enum Cursor { NEW_ROWS, CHANGED_ROWS }

    private static final Logger LOG = LoggerFactory.getLogger(SqliteSync.class);

    private final SqliteSource source;
    private final EtlMetrics metrics;
    private final DataSource target;
    private final String pipeline;
    private final int batchSize;
    private final boolean trackMerged;
    private final MappingContext mappingContext;
    private final Map<String, TableState> tables = new LinkedHashMap<>();
    private volatile Long runId;
    private volatile CamelContext context;

    public SqliteSync(SqliteSource source, DataSource target, EtlMetrics metrics, String pipeline, int batchSize,
                      boolean trackMerged) {
        this(source, target, metrics, pipeline, batchSize, trackMerged, new TradingDates(), PriceUnits.stockula());
    }

    /** @param dates the runtime's trading-date rule (shared with the Yahoo ingestion: one zone per symbol) */
    public SqliteSync(SqliteSource source, DataSource target, EtlMetrics metrics, String pipeline, int batchSize,
                      boolean trackMerged, TradingDates dates, PriceUnits units) {
        this.source = source;
        this.metrics = metrics;
        this.target = target;
        this.pipeline = pipeline;
        this.batchSize = batchSize;
        this.trackMerged = trackMerged;
        this.mappingContext = new MappingContext(dates, OffsetDateTime.now(ZoneOffset.UTC), units);
    }

    public SqliteSource source() {
        return source;
    }

    public void setRunId(Long runId) {
        this.runId = runId;
    }

    /**
     * Prepares the given tables (all Stockula tables of the file when empty): checks their columns, creates or
     * reads their checkpoints, and learns the exchange zones already known in the target.
     * With {@code restart} the new-rows cursor starts over (every row is read again; unchanged rows are not
     * rewritten).
     */
    public List<String> prepare(List<String> requested, boolean restart) {
        Map<String, Set<String>> present = source.tables();
        List<String> chosen = new ArrayList<>();
        for (String table : requested.isEmpty() ? new ArrayList<>(present.keySet()) : requested) {
            TableMapping mapping = SourceMappings.get(table);
            Set<String> cols = present.get(table);
            if (cols == null) {
                if (!requested.isEmpty()) {
                    throw new IllegalArgumentException("table " + table + " is not in " + source.path());
                }
                continue;
            }
            List<String> missing = mapping.requiredMissingFrom(cols);
            if (!missing.isEmpty()) {
                throw new io.stockula.etl.cli.SourceUnavailableException("table " + table + " in " + source.path()
                        + " lacks column(s) " + String.join(", ", missing), null);
            }
            chosen.add(table);
            tables.put(table, new TableState(mapping, cols.contains("updated_at"), source.count(table)));
        }
        try (Connection c = target.getConnection()) {
            loadZones(c);
            for (TableState t : tables.values()) {
                initCheckpoint(c, t, restart);
            }
        } catch (SQLException e) {
            throw new io.stockula.etl.config.DatabaseUnavailableException("cannot read checkpoints: " + e.getMessage(), e);
        }
        return chosen;
    }

    private void loadZones(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT symbol, exchange_timezone FROM stocks WHERE exchange_timezone IS NOT NULL")) {
            while (rs.next()) {
                mappingContext.tradingDates().remember(rs.getString(1), rs.getString(2));
            }
        }
    }

    private void initCheckpoint(Connection c, TableState t, boolean restart) throws SQLException {
        String table = t.mapping.sourceTable();
        boolean known;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM etl_checkpoints WHERE source = ? AND source_table = ?")) {
            ps.setString(1, source.id());
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                known = rs.next();
            }
        }
        if (!known) {
            // changed rows are followed from the newest updated_at at first sight (a scan: only once per table)
            String startWatermark = t.hasUpdatedAt ? source.maxUpdatedAt(table) : null;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO etl_checkpoints (source, source_table, watermark,"
                    + " watermark_rowid) VALUES (?, ?, ?, ?) ON CONFLICT (source, source_table) DO NOTHING")) {
                ps.setString(1, source.id());
                ps.setString(2, table);
                ps.setString(3, startWatermark);
                ps.setLong(4, Long.MAX_VALUE);
                ps.executeUpdate();
            }
        }
        if (restart) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE etl_checkpoints SET last_rowid = 0, rows_done = 0,"
                    + " updated_at = now() WHERE source = ? AND source_table = ?")) {
                ps.setString(1, source.id());
                ps.setString(2, table);
                ps.executeUpdate();
            }
        }
        t.resetFromCheckpoint(c, source.id());
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM " + t.mapping.spec().table() + ")")) {
            rs.next();
            t.targetWasEmpty = rs.getBoolean(1) && t.committedRowid == 0;
        }
        LOG.info("{}: {} rows in the source, checkpoint at rowid {}{}", table, t.progress.sourceRows, t.committedRowid,
                t.hasUpdatedAt ? ", changes followed from updated_at " + t.committedWatermark : " (no updated_at: new rows only)");
    }

    /**
     * For `run`: when a SQLite file is configured, prepares all its Stockula tables and starts following them.
     * Returns the tables followed.
     */
    public List<String> startConfigured(CamelContext context) throws Exception {
        if (source == null) {
            return List.of();
        }
        List<String> chosen = prepare(List.of(), false);
        addRoutes(context);
        LOG.info("Following {} ({} tables) every {} ms", source.path(), chosen.size(),
                context.resolvePropertyPlaceholders("{{stockula.sqlite.poll-interval}}"));
        return chosen;
    }

    /** Adds the reader routes of the prepared tables from the templates in routes/sqlite-migration.yaml. */
    public void addRoutes(CamelContext context) throws Exception {
        this.context = context;
        DeadLetterStore store = context.getRegistry().lookupByNameAndType("deadLetterStore", DeadLetterStore.class);
        if (store != null) {
            SqliteModule.listen(store, this);
        }
        for (TableState t : tables.values()) {
            String table = t.mapping.sourceTable();
            TemplatedRouteBuilder.builder(context, "sqlite-new-rows").routeId("sqlite-new-" + table)
                    .parameter("table", table).add();
            if (!t.hasUpdatedAt) {
                t.changedDrained = true;
            }
        }
    }

    /**
     * The changed-rows reader of a table starts once its new rows are drained: before that every row is read
     * anyway, and its query (a scan ordered by updated_at, which Stockula does not index) would only compete
     * with the bulk load for CPU.
     */
    private void startChangedReader(TableState t) {
        if (!t.hasUpdatedAt || t.changedStarted || context == null) {
            return;
        }
        t.changedStarted = true;
        String table = t.mapping.sourceTable();
        try {
            TemplatedRouteBuilder.builder(context, "sqlite-changed-rows").routeId("sqlite-changed-" + table)
                    .parameter("table", table).add();
        } catch (Exception e) {
            t.failure = e;
        }
    }

    // ---- called by the reader routes -------------------------------------------------------------------------

    public long position(String table) {
        return state(table).readRowid;
    }

    public String watermark(String table) {
        String w = state(table).readWatermark;
        return w == null ? "" : w;
    }

    public long watermarkRowid(String table) {
        return state(table).readWatermarkRowid;
    }

    /** One poll's rows (or null when the poll found none) into a batch for the writer; null when idle. */
    public Batch toBatch(List<Map<String, Object>> rows, String table, String cursorName) {
        TableState t = state(table);
        Cursor cursor = Cursor.valueOf(cursorName);
        synchronized (t) {
            if (rows == null || rows.isEmpty()) {
                t.idle(cursor);
                if (t.newDrained) {
                    startChangedReader(t);
                }
                return null;
            }
            List<Row> out = new ArrayList<>(rows.size());
            long maxRowid = t.readRowid;
            String lastWatermark = t.readWatermark;
            long lastWatermarkRowid = t.readWatermarkRowid;
            for (Map<String, Object> src : rows) {
                out.add(t.mapping.toRow(src, mappingContext));
                long rowid = ((Number) src.get(SqliteSource.ROWID)).longValue();
                maxRowid = Math.max(maxRowid, rowid);
                if (cursor == Cursor.CHANGED_ROWS) {
                    Object u = src.get("updated_at");
                    lastWatermark = u == null ? "" : u.toString();
                    lastWatermarkRowid = rowid;
                }
            }
            Checkpoint cp;
            if (cursor == Cursor.NEW_ROWS) {
                cp = new Checkpoint(source.id(), table, Checkpoint.Kind.ROWID, t.readRowid, null, 0, maxRowid, null, 0);
                t.readRowid = maxRowid;
            } else {
                cp = new Checkpoint(source.id(), table, Checkpoint.Kind.WATERMARK, 0, t.readWatermark,
                        t.readWatermarkRowid, 0, lastWatermark, lastWatermarkRowid);
                t.readWatermark = lastWatermark;
                t.readWatermarkRowid = lastWatermarkRowid;
            }
            t.inflight++;
            t.busy(cursor);
            metrics.records(pipeline, t.mapping.spec().table(), "read", rows.size());
            Batch batch = new Batch(t.mapping.spec(), pipeline, source.id(), table, out).withCheckpoint(cp).withRunId(runId);
            batch.setLastOfRead(rows.size() < batchSize);
            batch.setCursor(cursor.name());
            return batch;
        }
    }

    /**
     * After validation: marks rows whose natural key an earlier batch of this run loaded (they merge into one target
     * row). Duplicates inside the batch are the writer's to resolve (it keeps the newest and records the other).
     */
    public Batch markMerged(Batch batch) {
        TableState t = state(batch.sourceTable());
        if (trackMerged && Cursor.NEW_ROWS.name().equals(batch.cursor())) {
            boolean merges = false;
            synchronized (t.seenKeys) {
                for (Row r : batch.rows()) {
                    if (t.seenKeys.contains(r.keyHash(batch.spec()))) {
                        r.markMerged();
                        merges = true;
                    }
                }
                for (Row r : batch.rows()) {
                    t.seenKeys.add(r.keyHash(batch.spec()));
                }
            }
            // a first migration into an empty table can COPY straight in; a batch with merges takes the upsert
            batch.setInsertOnly(t.targetWasEmpty && !merges);
        }
        return batch;
    }

    // ---- called by the writer route ----------------------------------------------------------------------------

    public void committed(Batch batch) {
        TableState t = state(batch.sourceTable());
        synchronized (t) {
            t.inflight--;
            Checkpoint cp = batch.checkpoint();
            if (cp.kind() == Checkpoint.Kind.ROWID) {
                t.committedRowid = cp.toRowid();
            } else {
                t.committedWatermark = cp.toWatermark();
                t.committedWatermarkRowid = cp.toWatermarkRowid();
            }
            List<String> reasons = new ArrayList<>();
            for (Row r : batch.rejected()) {
                for (String reason : r.reasons()) {
                    reasons.add(reason);
                }
            }
            t.progress.add(batch.rowsRead(), batch.rows().size(), batch.result(), reasons);
            if (batch.isLastOfRead()) {
                t.idle(Cursor.valueOf(batch.cursor()));
            }
        }
        if (t.newDrained) {
            startChangedReader(t);
        }
    }

    /** The checkpoint had moved on (an earlier batch failed): read again from the committed position. */
    public void stale(Batch batch) {
        TableState t = state(batch.sourceTable());
        synchronized (t) {
            t.inflight--;
            t.rewind();
        }
        LOG.info("{}: stale batch dropped ({}), reading again from the checkpoint", batch.sourceTable(), batch.checkpoint());
    }

    /** A batch was dead-lettered after its redeliveries: nothing of it was committed. */
    public void failed(Batch batch, Throwable error) {
        TableState t = state(batch.sourceTable());
        synchronized (t) {
            t.inflight--;
            t.failure = error;
            t.rewind();
        }
        LOG.error("{}: batch of {} rows not written ({}); reading resumes from the checkpoint", batch.sourceTable(),
                batch.rowsRead(), error == null ? "unknown error" : error.getMessage());
    }

    /** A poll of the SQLite file failed (locked, corrupt, vanished): recorded, the reader tries again next poll. */
    public void readFailed(String routeId, Throwable error) {
        String table = routeId.replaceFirst("^sqlite-(new|changed)-", "");
        TableState t = tables.get(table);
        if (t != null) {
            synchronized (t) {
                t.failure = error;
                t.rewind();
            }
        }
        LOG.warn("reading {} failed: {}", table, error.getMessage());
    }

    // ---- state for the commands -----------------------------------------------------------------------------------

    public boolean allDrained() {
        return tables.values().stream().allMatch(t -> t.newDrained && t.changedDrained && t.inflight == 0);
    }

    public Throwable firstFailure() {
        return tables.values().stream().map(t -> t.failure).filter(f -> f != null).findFirst().orElse(null);
    }

    public List<TableProgress> progress() {
        return tables.values().stream().map(t -> t.progress).toList();
    }

    private TableState state(String table) {
        TableState t = tables.get(table);
        if (t == null) {
            throw new IllegalArgumentException("table not prepared: " + table);
        }
        return t;
    }

    private final class TableState {
        final TableMapping mapping;
        final boolean hasUpdatedAt;
        final TableProgress progress;
        final LongHashSet seenKeys = new LongHashSet();
        long readRowid;
        String readWatermark;
        long readWatermarkRowid;
        long committedRowid;
        String committedWatermark;
        long committedWatermarkRowid;
        int inflight;
        volatile boolean newDrained;
        volatile boolean changedDrained;
        volatile boolean changedStarted;
        boolean targetWasEmpty;
        volatile Throwable failure;

        TableState(TableMapping mapping, boolean hasUpdatedAt, long sourceRows) {
            this.mapping = mapping;
            this.hasUpdatedAt = hasUpdatedAt;
            this.progress = new TableProgress(mapping.sourceTable(), sourceRows);
        }

        void resetFromCheckpoint(Connection c, String sourceId) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT last_rowid, watermark, watermark_rowid FROM"
                    + " etl_checkpoints WHERE source = ? AND source_table = ?")) {
                ps.setString(1, sourceId);
                ps.setString(2, mapping.sourceTable());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    committedRowid = rs.getLong(1);
                    committedWatermark = rs.getString(2);
                    committedWatermarkRowid = rs.getLong(3);
                }
            }
            rewind();
        }

        /** Reading goes back to what is committed; batches already queued will find themselves stale. */
        void rewind() {
            readRowid = committedRowid;
            readWatermark = committedWatermark;
            readWatermarkRowid = committedWatermarkRowid;
            newDrained = false;
            changedDrained = !hasUpdatedAt;
        }

        /** The cursor's last read came back short or empty (allDrained also waits for inflight batches). */
        void idle(Cursor cursor) {
            if (cursor == Cursor.NEW_ROWS) {
                newDrained = true;
            } else {
                changedDrained = true;
            }
        }

        void busy(Cursor cursor) {
            if (cursor == Cursor.NEW_ROWS) {
                newDrained = false;
            } else {
                changedDrained = false;
            }
        }
    }
}
