package io.stockula.etl.source.sqlite;

/** Another process holds the source's lock on this target (see {@link SourceLock}). */
public final class SourceBusyException extends IllegalStateException {
    public SourceBusyException(String message) {
        super(message);
    }
}
