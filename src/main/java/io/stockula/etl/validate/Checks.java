package io.stockula.etl.validate;

import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpec;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Small field rules shared by the validators. */
final class Checks {

    private Checks() {
    }

    static Double number(Row row, TableSpec spec, String column) {
        Object v = row.get(spec.index(column));
        return v == null ? null : ((Number) v).doubleValue();
    }

    static void required(Row row, TableSpec spec, String... columns) {
        for (String c : columns) {
            if (row.get(spec.index(c)) == null && !hasReasonFor(row, c)) {
                row.reject(Reason.of(Reason.REQUIRED_MISSING, c));
            }
        }
    }

    /** A conversion error already names the field: don't also call it missing. */
    static boolean hasReasonFor(Row row, String column) {
        for (String r : row.reasons()) {
            if (r.endsWith(":" + column)) {
                return true;
            }
        }
        return false;
    }

    static void finiteNonNegative(Row row, TableSpec spec, String... columns) {
        for (String c : columns) {
            Double d = number(row, spec, c);
            if (d == null) {
                continue;
            }
            if (d.isNaN() || d.isInfinite()) {
                row.reject(Reason.of(Reason.NOT_FINITE, c));
            } else if (d < 0) {
                row.reject(Reason.of(Reason.NEGATIVE, c));
            }
        }
    }

    static void positive(Row row, TableSpec spec, String column) {
        Double d = number(row, spec, column);
        if (d == null) {
            return;
        }
        if (d.isNaN() || d.isInfinite()) {
            row.reject(Reason.of(Reason.NOT_FINITE, column));
        } else if (d <= 0) {
            row.reject(Reason.of(Reason.NOT_POSITIVE, column));
        }
    }

    static void notAfter(Row row, TableSpec spec, String column, Instant limit) {
        Object v = row.get(spec.index(column));
        Instant at = null;
        if (v instanceof LocalDate d) {
            at = d.atStartOfDay().toInstant(ZoneOffset.UTC);
        } else if (v instanceof OffsetDateTime t) {
            at = t.toInstant();
        } else if (v instanceof Instant i) {
            at = i;
        }
        if (at != null && at.isAfter(limit)) {
            row.reject(Reason.of(Reason.DATE_IN_FUTURE, column));
        }
    }
}
