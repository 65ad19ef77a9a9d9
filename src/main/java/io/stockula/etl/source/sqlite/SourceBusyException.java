package io.stockula.etl.source.sqlite;

import io.stockula.etl.cli.JobIncompleteException;

/** Another process holds the source's lock on this target (see {@link SourceLock}): nothing was done. Exit 1. */
public final class SourceBusyException extends JobIncompleteException {
    public SourceBusyException(String message) {
        super(message, null);
    }
}
