package io.stockula.etl.load;

/** The checkpoint is not where the batch expected it: the batch was rolled back and must be re-read. */
public class StaleBatchException extends RuntimeException {
    public StaleBatchException(String message) {
        super(message);
    }
}
