package io.stockula.etl.cli;

/** The job ran but stopped before finishing its work (what it did is committed; a re-run resumes). Exit 1. */
public class JobIncompleteException extends RuntimeException {
    public JobIncompleteException(String message, Throwable cause) {
        super(message, cause);
    }
}
