package io.stockula.etl.validate;

import io.stockula.etl.load.Batch;

/**
 * The validation step of every pipeline: runs the table's validator over each row of a batch and moves the
 * rows that break a rule (or could not be converted) to the batch's rejected list, where the writer
 * quarantines them in the same transaction.
 */
public final class RecordValidation {

    public Batch validate(Batch batch) {
        batch.rows().removeIf(row -> {
            batch.spec().validator().validate(row, batch.spec());
            if (row.isValid()) {
                return false;
            }
            batch.rejected().add(row);
            return true;
        });
        return batch;
    }
}
