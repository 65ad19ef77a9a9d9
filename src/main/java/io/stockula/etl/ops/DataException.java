package io.stockula.etl.ops;

/** Input that cannot be processed as it is (malformed JSON, an unreadable file): dead-lettered, not retried. */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
