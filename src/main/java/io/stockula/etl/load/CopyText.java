package io.stockula.etl.load;

import java.time.LocalDate;

/** Formats values as PostgreSQL COPY text (tab-separated, \N for NULL, backslash escapes). */
final class CopyText {

    private CopyText() {
    }

    static void append(StringBuilder out, Object value, ColumnType type) {
        if (value == null) {
            out.append("\\N");
            return;
        }
        switch (type) {
            case DOUBLE -> {
                // Double.toString is the shortest text that parses back to the same double: exact round trip
                double d = ((Number) value).doubleValue();
                out.append(d);
            }
            case BIGINT -> out.append(((Number) value).longValue());
            case BOOLEAN -> out.append(((Boolean) value) ? 't' : 'f');
            case DATE -> out.append(value instanceof LocalDate ld ? ld.toString() : value.toString());
            default -> escape(out, value.toString());
        }
    }

    static void escape(StringBuilder out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\0' -> { } // PostgreSQL text cannot hold NUL
                default -> out.append(c);
            }
        }
    }
}
