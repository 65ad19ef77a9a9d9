package io.stockula.etl.load;

import java.util.ArrayList;
import java.util.List;

/**
 * The unit of work: rows for one target table, the rows of the same read that broke a rule, and (for a
 * checkpointed source) the checkpoint move they represent. One transaction writes all three.
 */
public final class Batch {

    private final TableSpec spec;
    private final String pipeline;
    private final String source;
    private final String sourceTable;
    private final List<Row> rows;
    private final List<Row> rejected = new ArrayList<>();
    private Checkpoint checkpoint;
    private Long runId;
    private BatchResult result;
    private long rowsRead;
    private boolean lastOfRead;
    private boolean insertOnly;
    private String cursor;
    private boolean lookBack;
    private long readEpoch;
    private int deadLettered;

    public Batch(TableSpec spec, String pipeline, String source, String sourceTable, List<Row> rows) {
        this.spec = spec;
        this.pipeline = pipeline;
        this.source = source;
        this.sourceTable = sourceTable;
        this.rows = rows;
        this.rowsRead = rows.size();
    }

    public TableSpec spec() {
        return spec;
    }

    public String pipeline() {
        return pipeline;
    }

    public String source() {
        return source;
    }

    public String sourceTable() {
        return sourceTable;
    }

    public List<Row> rows() {
        return rows;
    }

    public List<Row> rejected() {
        return rejected;
    }

    public Checkpoint checkpoint() {
        return checkpoint;
    }

    public Batch withCheckpoint(Checkpoint checkpoint) {
        this.checkpoint = checkpoint;
        return this;
    }

    public Long runId() {
        return runId;
    }

    public Batch withRunId(Long runId) {
        this.runId = runId;
        return this;
    }

    public long rowsRead() {
        return rowsRead;
    }

    public void setRowsRead(long rowsRead) {
        this.rowsRead = rowsRead;
    }

    /** The poll that produced this batch returned fewer rows than asked: the cursor is drained once it commits. */
    public boolean isLastOfRead() {
        return lastOfRead;
    }

    public void setLastOfRead(boolean lastOfRead) {
        this.lastOfRead = lastOfRead;
    }

    /** A hint that the target cannot hold these keys yet: the writer may COPY straight in (and falls back if not). */
    public boolean isInsertOnly() {
        return insertOnly;
    }

    public void setInsertOnly(boolean insertOnly) {
        this.insertOnly = insertOnly;
    }

    public String cursor() {
        return cursor;
    }

    public void setCursor(String cursor) {
        this.cursor = cursor;
    }

    /** Rows read again by the sync's look-back (already counted when first read). */
    public boolean isLookBack() {
        return lookBack;
    }

    public void setLookBack(boolean lookBack) {
        this.lookBack = lookBack;
    }

    /** Which generation of its reader's position the batch was read in (a rewind starts a new one). */
    public long readEpoch() {
        return readEpoch;
    }

    public void setReadEpoch(long readEpoch) {
        this.readEpoch = readEpoch;
    }

    /** Valid rows the target refused one by one, dead-lettered when the batch was split. */
    public int deadLettered() {
        return deadLettered;
    }

    void setDeadLettered(int deadLettered) {
        this.deadLettered = deadLettered;
    }

    public long mergedCount() {
        return rows.stream().filter(Row::isMerged).count();
    }

    public BatchResult result() {
        return result;
    }

    void setResult(BatchResult result) {
        this.result = result;
    }

    @Override
    public String toString() {
        return "Batch[" + pipeline + " " + source + "/" + sourceTable + " -> " + spec.table() + ", rows=" + rows.size()
                + ", rejected=" + rejected.size() + (checkpoint == null ? "" : ", " + checkpoint) + "]";
    }
}
