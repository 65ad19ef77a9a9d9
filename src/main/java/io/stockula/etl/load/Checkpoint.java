package io.stockula.etl.load;

/**
 * A move of a source table's checkpoint from (fromRowid, fromWatermark) to (toRowid, toWatermark). The writer
 * applies it compare-and-set in the batch's transaction: if the stored checkpoint is not at the "from" position
 * the batch is stale (an earlier batch failed, or another process moved on) and nothing is written.
 */
public record Checkpoint(String source, String sourceTable, long fromRowid, String fromWatermark,
                         long toRowid, String toWatermark) {
}
