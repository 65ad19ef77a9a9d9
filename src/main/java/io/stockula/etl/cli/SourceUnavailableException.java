package io.stockula.etl.cli;

/** The source cannot be read (a missing, locked or corrupt SQLite file; an unreachable provider). Exit 4. */
public class SourceUnavailableException extends RuntimeException {
    public SourceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
