package io.stockula.etl.quality;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measurement: a row of {@code quality_results}. {@code value} is a ratio (completeness, accuracy) or a
 * count (orphan rows, duplicate keys, stale series, a series' age in trading days); {@code threshold} is the
 * bound it is held to (a minimum for completeness and score, a maximum otherwise) and {@code passed} the verdict.
 */
public record CheckResult(String table, Dimension dimension, String check, String subject, double value,
                          Double threshold, boolean passed, Map<String, Object> details) {

    public CheckResult {
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** A result held to a maximum (value ≤ max passes). */
    public static CheckResult atMost(String table, Dimension dimension, String check, String subject, double value,
                                     double max, Map<String, Object> details) {
        return new CheckResult(table, dimension, check, subject, value, max, value <= max, details);
    }

    /** A result held to a minimum (value ≥ min passes). */
    public static CheckResult atLeast(String table, Dimension dimension, String check, String subject, double value,
                                      double min, Map<String, Object> details) {
        return new CheckResult(table, dimension, check, subject, value, min, value >= min, details);
    }

    /** A check that could not run (its SQL failed): recorded as failed with the error. */
    public static CheckResult error(String table, Dimension dimension, String check, Exception e) {
        return new CheckResult(table, dimension, check, null, Double.NaN, null, false,
                Map.of("error", String.valueOf(e.getMessage())));
    }

    public boolean isError() {
        return details.containsKey("error");
    }
}
