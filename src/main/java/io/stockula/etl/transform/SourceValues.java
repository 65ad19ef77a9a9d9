package io.stockula.etl.transform;

import io.stockula.etl.load.Row;
import io.stockula.etl.validate.Reason;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Reads SQLite values as Stockula wrote them. SQLite keeps whatever a column was given (text in a REAL
 * column, 1.5 in an INTEGER column), so every conversion either returns a typed value or records a reason on the
 * row and returns null; nothing is guessed. Prices are taken as the stored double, unrounded.
 */
public final class SourceValues {

    private SourceValues() {
    }

    /** Text; an empty or blank string means "no value" (Stockula wrote '' for unknown sector, exchange, ...). */
    public static String optionalText(Object v) {
        if (v == null) {
            return null;
        }
        String s = v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : v.toString();
        return s.isBlank() ? null : s;
    }

    /** Text kept exactly as stored (names, module paths): only NULL is no value. */
    public static String text(Object v) {
        if (v == null) {
            return null;
        }
        return v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : v.toString();
    }

    public static Double real(Object v, String field, Row row) {
        if (v == null) {
            return null;
        }
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        String s = v.toString().strip();
        if (s.isEmpty()) {
            return null;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            row.reject(Reason.of(Reason.NOT_NUMERIC, field));
            return null;
        }
    }

    public static Long integer(Object v, String field, Row row) {
        if (v == null) {
            return null;
        }
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Integer i) {
            return i.longValue();
        }
        double d;
        if (v instanceof Number n) {
            d = n.doubleValue();
        } else {
            String s = v.toString().strip();
            if (s.isEmpty()) {
                return null;
            }
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException notLong) {
                try {
                    d = Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    row.reject(Reason.of(Reason.NOT_NUMERIC, field));
                    return null;
                }
            }
        }
        if (d != Math.rint(d) || Double.isInfinite(d) || Math.abs(d) > 9.0e18) {
            row.reject(Reason.of(Reason.NOT_INTEGER, field));
            return null;
        }
        return (long) d;
    }

    public static Boolean bool(Object v, String field, Row row) {
        if (v == null) {
            return null;
        }
        if (v instanceof Number n && (n.doubleValue() == 0 || n.doubleValue() == 1)) {
            return n.doubleValue() == 1;
        }
        switch (v.toString().strip().toLowerCase()) {
            case "1", "true", "t", "yes" -> {
                return Boolean.TRUE;
            }
            case "0", "false", "f", "no" -> {
                return Boolean.FALSE;
            }
            case "" -> {
                return null;
            }
            default -> {
                row.reject(Reason.of(Reason.NOT_BOOLEAN, field));
                return null;
            }
        }
    }

    /** An ISO date 'YYYY-MM-DD' (a trailing time part is ignored); anything else is date_invalid. */
    public static LocalDate date(Object v, String field, Row row) {
        if (v == null) {
            return null;
        }
        String s = v.toString().strip();
        if (s.isEmpty()) {
            return null;
        }
        if (s.length() >= 10 && s.charAt(4) == '-' && s.charAt(7) == '-') {
            try {
                return LocalDate.parse(s.substring(0, 10));
            } catch (DateTimeParseException e) {
                // falls through
            }
        }
        row.reject(Reason.of(Reason.DATE_INVALID, field));
        return null;
    }

    /**
     * A timestamp in one of the forms SQLAlchemy writes ('YYYY-MM-DD HH:MM:SS' and 'YYYY-MM-DD HH:MM:SS.ffffff',
     * naive UTC), or ISO-8601 with 'T' and an offset; a bare date is its UTC midnight.
     */
    public static OffsetDateTime timestamp(Object v, String field, Row row) {
        if (v == null) {
            return null;
        }
        String s = v.toString().strip();
        if (s.isEmpty()) {
            return null;
        }
        try {
            if (s.length() == 10) {
                return LocalDate.parse(s).atStartOfDay().atOffset(ZoneOffset.UTC);
            }
            String iso = s.replace(' ', 'T');
            if (iso.endsWith("Z") || iso.matches(".*[+-]\\d{2}:?\\d{2}$")) {
                return OffsetDateTime.parse(iso.length() > 5 && iso.charAt(iso.length() - 3) != ':' && !iso.endsWith("Z")
                        ? iso.substring(0, iso.length() - 2) + ":" + iso.substring(iso.length() - 2) : iso);
            }
            return LocalDateTime.parse(iso).atOffset(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            row.reject(Reason.of(Reason.DATE_INVALID, field));
            return null;
        }
    }
}
