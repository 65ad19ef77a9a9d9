package io.stockula.etl.quality;

/**
 * One table's line of the report. {@code completeness} is the mean of its fields' ratios; the counts are the
 * raw measurements; {@code score} is defined in {@link QualityScorer}.
 */
public record TableScore(String table, long rows, double completeness, double accuracyViolationRatio,
                         long orphanRows, long eventsWithoutPrices, long duplicateKeys, long duplicateRows,
                         long staleSeries, long series, double score, double scoreMin, boolean checksPassed) {

    public boolean passed() {
        return checksPassed && score >= scoreMin;
    }
}
