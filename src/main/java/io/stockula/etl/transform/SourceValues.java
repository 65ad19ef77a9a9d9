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
        LocalDate d = isoDate(s);
        if (d == null) {
            row.reject(Reason.of(Reason.DATE_INVALID, field));
        }
        return d;
    }

    /**
     * A timestamp in one of the forms SQLAlchemy writes ('YYYY-MM-DD HH:MM:SS' and 'YYYY-MM-DD HH:MM:SS.ffffff',
     * naive UTC), or ISO-8601 with 'T' and an offset; a bare date is its UTC midnight.
     */
    public static OffsetDateTime timestamp(Object v, String field, Row row) {
        java.time.Instant i = instant(v, field, row);
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    /**
     * As {@link #timestamp}, as an Instant: one object per value instead of four, which matters for the two audit
     * columns of every migrated row.
     */
    public static java.time.Instant instant(Object v, String field, Row row) {
        if (v == null) {
            return null;
        }
        if (v instanceof String str) {
            java.time.Instant fast = sqlalchemyInstant(str);
            if (fast != null) {
                return fast;
            }
        }
        OffsetDateTime t = parseTimestamp(v, field, row);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime parseTimestamp(Object v, String field, Row row) {
        String s = v.toString().strip();
        if (s.isEmpty()) {
            return null;
        }
        try {
            if (s.length() == 10) {
                return LocalDate.parse(s).atStartOfDay().atOffset(ZoneOffset.UTC);
            }
            String iso = s.replace(' ', 'T');
            if (iso.endsWith("Z") || OFFSET.matcher(iso).find()) {
                return OffsetDateTime.parse(iso.length() > 5 && iso.charAt(iso.length() - 3) != ':' && !iso.endsWith("Z")
                        ? iso.substring(0, iso.length() - 2) + ":" + iso.substring(iso.length() - 2) : iso);
            }
            return LocalDateTime.parse(iso).atOffset(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            row.reject(Reason.of(Reason.DATE_INVALID, field));
            return null;
        }
    }

    private static final java.util.regex.Pattern OFFSET = java.util.regex.Pattern.compile("[+-]\\d{2}:?\\d{2}$");

    /** 'YYYY-MM-DD' (optionally followed by a time part), parsed without a formatter; null if not that shape. */
    static LocalDate isoDate(String s) {
        if (s.length() < 10 || s.charAt(4) != '-' || s.charAt(7) != '-'
                || (s.length() > 10 && s.charAt(10) != ' ' && s.charAt(10) != 'T')) {
            return null;
        }
        int y = digits(s, 0, 4);
        int m = digits(s, 5, 7);
        int d = digits(s, 8, 10);
        if (y < 0 || m < 0 || d < 0) {
            return null;
        }
        try {
            return LocalDate.of(y, m, d);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    /** The two forms SQLAlchemy writes: 'YYYY-MM-DD HH:MM:SS' and 'YYYY-MM-DD HH:MM:SS.ffffff' (naive UTC). */
    static java.time.Instant sqlalchemyInstant(String s) {
        if (s.length() < 19 || s.charAt(10) != ' ' || s.charAt(13) != ':' || s.charAt(16) != ':'
                || s.charAt(4) != '-' || s.charAt(7) != '-') {
            return null;
        }
        int y = digits(s, 0, 4);
        int mo = digits(s, 5, 7);
        int d = digits(s, 8, 10);
        int h = digits(s, 11, 13);
        int mi = digits(s, 14, 16);
        int sec = digits(s, 17, 19);
        int nanos = 0;
        if (s.length() > 19) {
            if (s.charAt(19) != '.' || s.length() > 29 || s.length() == 20) {
                return null;
            }
            int frac = digits(s, 20, s.length());
            if (frac < 0) {
                return null;
            }
            nanos = frac * (int) Math.pow(10, 9 - (s.length() - 20));
        }
        if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > monthLength(y, mo)
                || h < 0 || mi < 0 || sec < 0 || h > 23 || mi > 59 || sec > 59) {
            return null;
        }
        return java.time.Instant.ofEpochSecond(daysFromCivil(y, mo, d) * 86_400L + h * 3600L + mi * 60L + sec, nanos);
    }

    private static int monthLength(int y, int m) {
        return m == 2 ? (java.time.Year.isLeap(y) ? 29 : 28) : (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm), without allocating. */
    static long daysFromCivil(int y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
