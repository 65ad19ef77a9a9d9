package io.stockula.etl.ops;

import java.io.IOException;
import java.sql.SQLException;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * The four kinds of failure the runbook and the metrics speak of. Transient failures are retried; data and
 * business failures are not (retrying cannot fix them); system failures are retried and alerted on.
 */
public enum ErrorCategory {
    /** network, timeouts, 429/5xx, a dropped database connection: retry with back-off */
    TRANSIENT,
    /** the input is wrong: malformed JSON, a value that cannot be parsed */
    DATA,
    /** our side is wrong: configuration (HTTP 400/401/403/422), SQL errors, bugs */
    SYSTEM,
    /** the world says no: unknown or delisted symbol (HTTP 404) */
    BUSINESS;

    public String label() {
        return name().toLowerCase();
    }

    public static ErrorCategory of(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DataException || t instanceof com.fasterxml.jackson.core.JsonProcessingException) {
                return DATA;
            }
            if (t instanceof HttpOperationFailedException http) {
                int code = http.getStatusCode();
                if (code == 404) {
                    return BUSINESS;
                }
                return code == 429 || code >= 500 || code == 408 ? TRANSIENT : SYSTEM;
            }
            if (t instanceof java.sql.SQLTransientException || t instanceof java.sql.SQLRecoverableException) {
                return TRANSIENT; // e.g. the pool's "Connection is not available" (no SQLState)
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String cls = sql.getSQLState().substring(0, 2);
                if (cls.equals("08") || cls.equals("57") || cls.equals("40") || cls.equals("53")) {
                    return TRANSIENT;
                }
                return cls.equals("22") || cls.equals("23") ? DATA : SYSTEM;
            }
            if (t instanceof IOException) {
                return TRANSIENT;
            }
        }
        return SYSTEM;
    }
}
