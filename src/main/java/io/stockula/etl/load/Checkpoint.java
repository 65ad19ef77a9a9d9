package io.stockula.etl.load;

/**
 * A move of one of a source table's two cursors, applied compare-and-set by the writer in the batch's
 * transaction: ROWID moves last_rowid (new rows), WATERMARK moves (watermark, watermark_rowid) (changed rows).
 * If the stored cursor is not at the "from" position, the batch is stale (an earlier batch failed, or another
 * process moved on) and nothing is written.
 */
public record Checkpoint(String source, String sourceTable, Kind kind,
                         long fromRowid, String fromWatermark, long fromWatermarkRowid,
                         long toRowid, String toWatermark, long toWatermarkRowid) {

    public enum Kind { ROWID, WATERMARK }

    @Override
    public String toString() {
        return kind == Kind.ROWID ? "rowid " + fromRowid + " -> " + toRowid
                : "updated_at (" + fromWatermark + ", " + fromWatermarkRowid + ") -> (" + toWatermark + ", " + toWatermarkRowid + ")";
    }
}
