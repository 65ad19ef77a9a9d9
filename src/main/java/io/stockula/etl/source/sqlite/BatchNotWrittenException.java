package io.stockula.etl.source.sqlite;

/** A batch of a SQLite table that the target refused after every redelivery: nothing of it was committed. */
public final class BatchNotWrittenException extends RuntimeException {
    public BatchNotWrittenException(String message, Throwable cause) {
        super(message, cause);
    }
}
