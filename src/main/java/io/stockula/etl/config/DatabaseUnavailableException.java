package io.stockula.etl.config;

/** The target database cannot be reached or started; commands turn this into a one-line error and exit 3. */
public class DatabaseUnavailableException extends RuntimeException {
    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
