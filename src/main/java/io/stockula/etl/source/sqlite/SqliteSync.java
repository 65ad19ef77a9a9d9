package io.stockula.etl.source.sqlite;

import io.stockula.etl.load.Batch;
import io.stockula.etl.load.BatchWriter;
import io.stockula.etl.load.Checkpoint;
import io.stockula.etl.load.LongHashSet;
import io.stockula.etl.load.Row;
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
 * Reading runs ahead of writing (a reader thread per table, one writer), so the read position lives in memory.
 * Three rules keep the checkpoint from ever passing a row that was not committed, whatever fails and when:
 * <ol>
 *   <li>a batch's "from" is the position its query was run with (taken when the query's parameters are
 *       evaluated), never the reader's position at the time the rows come back; the writer moves the checkpoint
 *       compare-and-set from that position, so a batch covers exactly (from, to];</li>
 *   <li>after any failure (stale batch, failed batch, failed poll) the reader starts a new epoch and reads the
 *       durable checkpoint from the target again before its next query; rows that come back for a query of an
 *       older epoch are discarded, and batches of an older epoch are dropped by the writer unwritten;</li>
 *   <li>one writer applies the batches in the order they were read.</li>
 * </ol>
 */
public final class SqliteSync implements SyncLeader.Follower {

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
    private SourceLock lock;
    private final BatchWriter splittingWriter;
    private final Object routeLock = new Object();
    /**
     * Set (under routeLock) when the Camel context starts stopping: no reader route is added from then on. A route
     * added while Camel shuts down is not in the list its shutdown strategy took, so it is never suspended: a
     * changed-rows reader added then kept feeding the writer (look-back batches every poll), whose seda consumer only
     * ends on an empty queue, and the shutdown hung for its whole timeout.
     */
    private boolean contextStopping;
    private java.time.Duration lookBack = java.time.Duration.ZERO;
    /** epochs are unique across the tables' states, also across leaderships (a batch of an old state never matches) */
    private final java.util.concurrent.atomic.AtomicLong epochs = new java.util.concurrent.atomic.AtomicLong();
    private volatile SyncLeader leader;
    private volatile CamelContext leaderContext;

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
        this.splittingWriter = new BatchWriter(target, metrics);
        this.mappingContext = new MappingContext(dates, OffsetDateTime.now(ZoneOffset.UTC), units);
    }

    public SqliteSource source() {
        return source;
    }

    /**
     * The changed-rows look-back (stockula.sqlite.look-back): once the cursor is drained, rows stamped up to this long
     * before the watermark are read again on every poll, for this long after the watermark last moved. Stockula's
     * UPDATEs stamp whole seconds (an update in the watermark's second sorts below a stamp with a fraction) and a
     * later commit can carry an earlier stamp; the upsert makes re-read unchanged rows cheap. Zero turns it off.
     */
    public SqliteSync withLookBack(java.time.Duration lookBack) {
        this.lookBack = lookBack;
        return this;
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
        if (lock == null) {
            try {
                lock = SourceLock.acquire(target, source.id());
            } catch (SQLException e) {
                throw new io.stockula.etl.config.DatabaseUnavailableException("cannot lock " + source.id()
                        + " in the target: " + e.getMessage(), e);
            }
        }
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

    /** Lets another process write this source into the target (also done when the pool closes). */
    public synchronized void release() {
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }

    /**
     * For `run` on several runtimes: the file is followed by one of them at a time, the holder of its lock
     * ({@link SyncLeader}); null leaves the sync as `migrate` uses it.
     */
    public SqliteSync withLeader(String instanceId) {
        this.leader = source == null ? null
                : new SyncLeader(target, source.id(), source.path().toString(), instanceId, metrics, this);
        return this;
    }

    /**
     * For `run` (routes/sqlite-sync.yaml, every stockula.sqlite.leader-retry): one round of the leader election when
     * a SQLite file is configured; the leader follows all its Stockula tables.
     */
    public String electLeader(CamelContext context) {
        if (source == null || leader == null) {
            return SyncLeader.Outcome.OFF.name();
        }
        this.leaderContext = context;
        return leader.elect().name();
    }

    /** The leader election of this sync (null unless {@link #withLeader}). */
    public SyncLeader leader() {
        return leader;
    }

    /** Becomes the leader: prepares every Stockula table of the file and starts its readers. */
    @Override
    public void lead(SourceLock lock) throws Exception {
        synchronized (this) {
            this.lock = lock; // held by the SyncLeader, which releases it
        }
        try {
            List<String> chosen = prepare(List.of(), false);
            addRoutes(leaderContext);
            LOG.info("Following {} ({} tables) every {} ms", source.path(), chosen.size(),
                    leaderContext.resolvePropertyPlaceholders("{{stockula.sqlite.poll-interval}}"));
        } catch (Exception | Error e) {
            synchronized (this) {
                this.lock = null;
            }
            throw e;
        }
    }

    /**
     * No longer the leader: stops and removes the reader routes, voids what they read and waits (bounded) for the
     * writer to drop their queued batches, so that the next leadership starts from the durable checkpoints.
     */
    @Override
    public void standDown() {
        List<TableState> old;
        CamelContext ctx;
        synchronized (routeLock) {
            ctx = this.context;
            this.context = null; // no changed-rows reader is added from here on
            old = new ArrayList<>(tables.values());
        }
        for (TableState t : old) {
            synchronized (t) {
                t.rewind(); // queued batches are superseded: the writer drops them unwritten
            }
        }
        // outside routeLock: a reader stopping may be finishing a poll that asks for it (startChangedReader)
        if (ctx != null) {
            for (TableState t : old) {
                for (String id : List.of("sqlite-new-" + t.mapping.sourceTable(), "sqlite-changed-" + t.mapping.sourceTable())) {
                    if (ctx.getRoute(id) != null) {
                        try {
                            ctx.getRouteController().stopRoute(id, 10, java.util.concurrent.TimeUnit.SECONDS);
                            ctx.removeRoute(id);
                        } catch (Exception e) {
                            LOG.warn("reader {} not removed: {}", id, e.getMessage());
                        }
                    }
                }
            }
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (TableState t : old) {
            while (System.nanoTime() < deadline) {
                synchronized (t) {
                    if (t.inflight <= 0) {
                        break;
                    }
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        synchronized (this) {
            tables.clear();
            lock = null; // the SyncLeader closes it
        }
    }

    /**
     * The Camel context is stopping (called before its shutdown strategy lists the routes to stop, see
     * {@link #lifecycle()}): waits for a reader route being added to be in that list, and refuses any later one.
     */
    public void contextStopping() {
        synchronized (routeLock) {
            contextStopping = true;
        }
    }

    /** The Camel context is starting (again): readers may be added. */
    public void contextStarting() {
        synchronized (routeLock) {
            contextStopping = false;
        }
    }

    /** The hook that tells this sync when its Camel context starts and stops (a camel-main LifecycleStrategy bean). */
    public org.apache.camel.spi.LifecycleStrategy lifecycle() {
        return new org.apache.camel.support.LifecycleStrategySupport() {
            @Override
            public void onContextStarting(CamelContext context) {
                contextStarting();
            }

            @Override
            public void onContextStopping(CamelContext context) {
                contextStopping();
            }
        };
    }

    /** Adds the reader routes of the prepared tables from the templates in routes/sqlite-migration.yaml. */
    public void addRoutes(CamelContext context) throws Exception {
        // one thread at a time adds routes: the readers already started would otherwise add their changed-rows
        // readers while this loop still adds (Camel's route lists are not made for that: ConcurrentModificationException)
        synchronized (routeLock) {
            if (contextStopping) {
                throw new IllegalStateException("Camel is stopping: no readers are started");
            }
            this.context = context;
            for (TableState t : tables.values()) {
                String table = t.mapping.sourceTable();
                if (!t.hasUpdatedAt) {
                    t.changedDrained = true;
                }
                TemplatedRouteBuilder.builder(context, "sqlite-new-rows").routeId("sqlite-new-" + table)
                        .parameter("table", table).add();
            }
        }
    }

    /**
     * The changed-rows reader of a table starts once its new rows are drained: before that every row is read
     * anyway, and its query (a scan ordered by updated_at, which Stockula does not index) would only compete
     * with the bulk load for CPU.
     */
    private void startChangedReader(TableState t) {
        synchronized (routeLock) {
            if (!t.hasUpdatedAt || t.changedStarted || context == null || contextStopping) {
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
    }

    // ---- called by the reader routes -------------------------------------------------------------------------

    /**
     * The new-rows query's lower bound, evaluated by camel-sql once per poll: remembered as the "from" of the
     * batch this poll makes.
     */
    public long position(String table) {
        TableState t = state(table);
        synchronized (t) {
            t.newQuery = t.readFrom(target, source.id());
            return t.newQuery.rowid();
        }
    }

    /** The changed-rows query's bound (asked twice, then watermarkRowid): one snapshot per poll. */
    public String watermark(String table) {
        TableState t = state(table);
        synchronized (t) {
            if (t.changedQuery == null) {
                t.changedQuery = t.readFrom(target, source.id());
            }
            String w = t.changedQuery.watermark();
            return w == null ? "" : w;
        }
    }

    public long watermarkRowid(String table) {
        TableState t = state(table);
        synchronized (t) {
            if (t.changedQuery == null) {
                t.changedQuery = t.readFrom(target, source.id());
            }
            return t.changedQuery.watermarkRowid();
        }
    }

    /** Called before each poll of a reader route: the next query takes a fresh snapshot of the position. */
    public void pollStarting(String routeId) {
        TableState t = tables.get(routeId.replaceFirst("^sqlite-(new|changed)-", ""));
        if (t != null) {
            synchronized (t) {
                if (routeId.startsWith("sqlite-new-")) {
                    t.newQuery = null;
                } else {
                    t.changedQuery = null;
                }
            }
        }
    }

    /** One poll's rows (or null when the poll found none) into a batch for the writer; null when idle. */
    public Batch toBatch(List<Map<String, Object>> rows, String table, String cursorName) {
        TableState t = state(table);
        Cursor cursor = Cursor.valueOf(cursorName);
        synchronized (t) {
            ReadFrom from = cursor == Cursor.NEW_ROWS ? t.newQuery : t.changedQuery;
            if (cursor == Cursor.NEW_ROWS) {
                t.newQuery = null;
            } else {
                t.changedQuery = null;
            }
            if (from == null || from.epoch() != t.epoch) {
                // the position was rewound while this query ran: its rows may start past the checkpoint
                LOG.debug("{}: {} rows of a query from an earlier position discarded", table, rows == null ? 0 : rows.size());
                return null;
            }
            if (rows == null || rows.isEmpty()) {
                t.idle(cursor);
                if (t.newDrained) {
                    startChangedReader(t);
                }
                return cursor == Cursor.CHANGED_ROWS ? lookBack(t) : null;
            }
            List<Row> out = new ArrayList<>(rows.size());
            long maxRowid = from.rowid();
            String lastWatermark = from.watermark();
            long lastWatermarkRowid = from.watermarkRowid();
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
                cp = new Checkpoint(source.id(), table, Checkpoint.Kind.ROWID, from.rowid(), null, 0, maxRowid, null, 0);
                t.readRowid = maxRowid;
            } else {
                cp = new Checkpoint(source.id(), table, Checkpoint.Kind.WATERMARK, 0, from.watermark(),
                        from.watermarkRowid(), 0, lastWatermark, lastWatermarkRowid);
                t.readWatermark = lastWatermark;
                t.readWatermarkRowid = lastWatermarkRowid;
            }
            t.inflight++;
            t.busy(cursor);
            metrics.records(pipeline, t.mapping.spec().table(), "read", rows.size());
            Batch batch = new Batch(t.mapping.spec(), pipeline, source.id(), table, out).withCheckpoint(cp).withRunId(runId);
            batch.setLastOfRead(rows.size() < batchSize);
            batch.setCursor(cursor.name());
            batch.setReadEpoch(t.epoch);
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
            synchronized (t) {
                if (batch.readEpoch() != t.epoch) {
                    return batch; // read before a rewind: the writer drops it
                }
                synchronized (t.seenKeys) {
                    for (Row r : batch.rows()) {
                        if (t.seenKeys.contains(r.keyHash(batch.spec()))) {
                            r.markMerged();
                            merges = true;
                        }
                    }
                    LongHashSet added = new LongHashSet(batch.rows().size());
                    for (Row r : batch.rows()) {
                        long key = r.keyHash(batch.spec());
                        if (t.seenKeys.add(key)) {
                            added.add(key);
                        }
                    }
                    t.pendingKeys.put(batch, added);
                }
            }
            // a first migration into an empty table can COPY straight in; a batch with merges takes the upsert
            batch.setInsertOnly(t.targetWasEmpty && !merges);
        }
        return batch;
    }

    /**
     * The look-back pass of a drained changed-rows cursor: rows whose updated_at is, as a time (julianday: the two
     * formats Stockula writes compare as instants, not as text), within the look-back below the committed watermark.
     * At most a batch, the newest (the rows nearest the watermark are the ones a text comparison misses), in the
     * cursor's order (so that rows merging into one key resolve as they did when first read). A batch
     * whose checkpoint does not move (it still fails as stale if the watermark moved meanwhile); null when the
     * look-back is off, over, or finds nothing.
     */
    private Batch lookBack(TableState t) {
        if (lookBack.isZero() || t.committedWatermark == null || t.committedWatermark.isEmpty() || t.inflight > 0
                || System.nanoTime() - t.watermarkMovedAt > lookBack.toNanos()) {
            return null;
        }
        String table = t.mapping.sourceTable();
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = source.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM (SELECT rowid AS " + SqliteSource.ROWID + ", * FROM \"" + table + "\" WHERE"
                        + " julianday(updated_at) >= julianday(?) - ? ORDER BY updated_at DESC, rowid DESC LIMIT " + batchSize
                        + ") ORDER BY updated_at, " + SqliteSource.ROWID)) {
            ps.setString(1, t.committedWatermark);
            ps.setDouble(2, lookBack.toMillis() / 86_400_000.0);
            try (ResultSet rs = ps.executeQuery()) {
                var mapper = new SourceRowMapperFactory().newColumnRowMapper();
                int n = 0;
                while (rs.next()) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> row = (Map<String, Object>) mapper.mapRow(rs, n++);
                    rows.add(row);
                }
            }
        } catch (SQLException e) {
            LOG.warn("{}: look-back read failed ({}); the next poll tries again", table, e.getMessage());
            return null;
        }
        if (rows.isEmpty()) {
            return null;
        }
        List<Row> out = new ArrayList<>(rows.size());
        for (Map<String, Object> src : rows) {
            out.add(t.mapping.toRow(src, mappingContext));
        }
        Checkpoint cp = new Checkpoint(source.id(), table, Checkpoint.Kind.WATERMARK, 0, t.committedWatermark,
                t.committedWatermarkRowid, 0, t.committedWatermark, t.committedWatermarkRowid);
        t.inflight++;
        Batch batch = new Batch(t.mapping.spec(), pipeline, source.id(), table, out).withCheckpoint(cp).withRunId(runId);
        batch.setCursor(Cursor.CHANGED_ROWS.name());
        batch.setLookBack(true);
        batch.setReadEpoch(t.epoch);
        return batch;
    }

    // ---- called by the writer route ----------------------------------------------------------------------------

    public void committed(Batch batch) {
        TableState t = state(batch.sourceTable());
        synchronized (t) {
            t.inflight--;
            t.keysCommitted(batch);
            Checkpoint cp = batch.checkpoint();
            if (cp.kind() == Checkpoint.Kind.ROWID) {
                t.committedRowid = cp.toRowid();
            } else {
                if (!java.util.Objects.equals(cp.toWatermark(), t.committedWatermark)) {
                    t.watermarkMovedAt = System.nanoTime();
                }
                t.committedWatermark = cp.toWatermark();
                t.committedWatermarkRowid = cp.toWatermarkRowid();
            }
            List<String> reasons = new ArrayList<>();
            for (Row r : batch.rejected()) {
                for (String reason : r.reasons()) {
                    reasons.add(reason);
                }
            }
            if (!batch.isLookBack()) { // rows read again are not new work: progress counts each row once
                t.progress.add(batch.rowsRead(), batch.rows().size(), batch.result(), reasons);
            t.progress.deadLettered.addAndGet(batch.deadLettered());
            }
            if (batch.isLastOfRead()) {
                t.idle(Cursor.valueOf(batch.cursor()));
            }
        }
        if (t.newDrained) {
            startChangedReader(t);
        }
    }

    /** True when the batch was read before its reader was rewound: it must not be written (nor even tried). */
    public boolean superseded(Batch batch) {
        TableState t = state(batch.sourceTable());
        synchronized (t) {
            return batch.readEpoch() != t.epoch;
        }
    }

    /** Drops a superseded batch: its rows are read again from the durable checkpoint. */
    public void dropSuperseded(Batch batch) {
        TableState t = state(batch.sourceTable());
        synchronized (t) {
            t.inflight--;
        }
        LOG.debug("{}: batch ({}) read before a rewind dropped", batch.sourceTable(), batch.checkpoint());
    }

    /**
     * The stored checkpoint was not at the batch's "from" (a commit whose answer was lost, another process on the
     * same target): nothing was written; reading resumes from the durable checkpoint.
     */
    public void stale(Batch batch) {
        TableState t = state(batch.sourceTable());
        synchronized (t) {
            t.inflight--;
            t.rewind();
        }
        LOG.info("{}: stale batch dropped ({}), reading again from the checkpoint", batch.sourceTable(), batch.checkpoint());
    }

    /**
     * A batch failed after its redeliveries (routes/dead-letters.yaml sends it here rather than into
     * etl_dead_letters: its rows stay in the source). Nothing of it was committed; the failure is recorded (migrate
     * stops on it) and reading resumes from the durable checkpoint (run tries again at its next poll).
     */
    public void batchFailed(Batch batch, Throwable error, Integer redeliveries) {
        TableState t = state(batch.sourceTable());
        int attempts = 1 + (redeliveries == null ? 0 : redeliveries);
        if (BatchWriter.rowSpecific(error) && !superseded(batch)) {
            // a poison batch: written in parts, the rows the target refuses dead-lettered one by one
            try {
                int dead = splittingWriter.writeSplitting(batch, "sqlite-writer", attempts);
                LOG.warn("{}: batch ({}) refused {} time(s) ({}): split, {} row(s) dead-lettered, the rest written",
                        batch.sourceTable(), batch.checkpoint(), attempts, oneLine(error), dead);
                committed(batch);
                return;
            } catch (io.stockula.etl.load.StaleBatchException e) {
                stale(batch);
                return;
            } catch (SQLException | RuntimeException e) {
                error = e;
            }
        }
        BatchNotWrittenException failure = new BatchNotWrittenException(batch.sourceTable() + ": batch (" + batch.checkpoint()
                + ") not written after " + attempts + " attempt(s): " + oneLine(error), error);
        synchronized (t) {
            t.inflight--;
            t.failure = failure;
            t.rewind();
        }
        metrics.error("sqlite-writer", io.stockula.etl.ops.ErrorCategory.of(error));
        LOG.error("{}; reading resumes from the checkpoint", failure.getMessage());
    }

    private static String oneLine(Throwable e) {
        String m = firstLine(e);
        // the pool's "Connection is not available" hides why: the last connection attempt's error says it
        if (e instanceof java.sql.SQLTransientConnectionException && e.getCause() != null) {
            m = firstLine(e.getCause()) + " (" + m + ")";
        }
        return m;
    }

    private static String firstLine(Throwable e) {
        String m = e == null ? "unknown error" : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /**
     * A poll failed: the SQLite file (locked, corrupt, vanished) or the target, when the reader could not read its
     * checkpoint after a rewind. Recorded; the reader tries again at its next poll, from the durable checkpoint.
     */
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

    /** Where a poll's query started, and in which epoch of its reader's position. */
    private record ReadFrom(long rowid, String watermark, long watermarkRowid, long epoch) {
    }

    private final class TableState {
        final TableMapping mapping;
        final boolean hasUpdatedAt;
        final TableProgress progress;
        final LongHashSet seenKeys = new LongHashSet();
        /** keys first seen in batches not yet committed, in read order (forgotten again if they are not) */
        final Map<Batch, LongHashSet> pendingKeys = new java.util.IdentityHashMap<>();
        /** bumped by every rewind: queries and batches of an older epoch are discarded */
        long epoch;
        /** the durable checkpoint must be read again before the next query */
        boolean reloadCheckpoint;
        ReadFrom newQuery;
        ReadFrom changedQuery;
        long readRowid;
        String readWatermark;
        long readWatermarkRowid;
        long committedRowid;
        String committedWatermark;
        long committedWatermarkRowid;
        /** System.nanoTime() of the last watermark move (or of start-up): the look-back runs for a while after it. */
        long watermarkMovedAt = System.nanoTime();
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
            this.epoch = epochs.incrementAndGet();
        }

        void resetFromCheckpoint(Connection c, String sourceId) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT last_rowid, watermark, watermark_rowid FROM"
                    + " etl_checkpoints WHERE source = ? AND source_table = ?")) {
                ps.setString(1, sourceId);
                ps.setString(2, mapping.sourceTable());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("no checkpoint row for " + sourceId + "/" + mapping.sourceTable());
                    }
                    committedRowid = rs.getLong(1);
                    committedWatermark = rs.getString(2);
                    committedWatermarkRowid = rs.getLong(3);
                }
            }
            readRowid = committedRowid;
            readWatermark = committedWatermark;
            readWatermarkRowid = committedWatermarkRowid;
            reloadCheckpoint = false;
        }

        /**
         * Reading goes back to the durable checkpoint (read again from the target before the next query: the one
         * in memory may lag behind a commit whose answer was lost); queries and batches of the old epoch are void.
         */
        void rewind() {
            epoch = epochs.incrementAndGet();
            reloadCheckpoint = true;
            newQuery = null;
            changedQuery = null;
            newDrained = false;
            changedDrained = !hasUpdatedAt;
            forgetPendingKeys();
        }

        /** The position a query starts from, after reading the durable checkpoint again if a rewind asked for it. */
        ReadFrom readFrom(DataSource target, String sourceId) {
            if (reloadCheckpoint) {
                try (Connection c = target.getConnection()) {
                    resetFromCheckpoint(c, sourceId);
                } catch (SQLException e) {
                    throw new io.stockula.etl.config.DatabaseUnavailableException("cannot read the checkpoint of "
                            + mapping.sourceTable() + ": " + e.getMessage(), e);
                }
            }
            return new ReadFrom(readRowid, readWatermark, readWatermarkRowid, epoch);
        }

        void keysCommitted(Batch batch) {
            synchronized (seenKeys) {
                pendingKeys.remove(batch);
            }
        }

        /** Batches not committed by now are void: a re-read must not count their rows as merged. */
        void forgetPendingKeys() {
            synchronized (seenKeys) {
                pendingKeys.values().forEach(added -> added.forEach(seenKeys::remove));
                pendingKeys.clear();
            }
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
