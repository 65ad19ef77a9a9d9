package io.stockula.etl.dlq;

import io.stockula.etl.config.EtlSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * A point in time on the command line: an ISO instant or offset date-time ({@code 2024-06-01T12:00:00Z}), a local
 * date-time or date in the machine's zone ({@code 2024-06-01T12:00}, {@code 2024-06-01} = its midnight), or an age
 * back from now ({@code 30d}, {@code 12h}, {@code 90m}, {@code 45s}, {@code P30D}).
 */
public final class TimeArg {

    private TimeArg() {
    }

    public static Instant parse(String text, Clock clock) {
        String s = text.trim();
        try {
            if (s.startsWith("P") || s.startsWith("p")) {
                return clock.instant().minus(Duration.parse(s.toUpperCase()));
            }
            if (s.matches("\\d+(ms|s|m|h|d)")) {
                return clock.instant().minus(EtlSettings.parseDuration(s));
            }
            if (s.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(s).atStartOfDay(zone(clock)).toInstant();
            }
            if (s.endsWith("Z") || s.matches(".*[+-]\\d{2}:?\\d{2}$")) {
                return OffsetDateTime.parse(s).toInstant();
            }
            return LocalDateTime.parse(s).atZone(zone(clock)).toInstant();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("not a time: " + text
                    + " (expected 2024-06-01, 2024-06-01T12:00, 2024-06-01T12:00:00Z or an age like 30d, 12h)");
        }
    }

    private static ZoneId zone(Clock clock) {
        return clock.getZone();
    }
}
