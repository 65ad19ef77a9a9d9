package io.stockula.etl.quality;

/** The quality dimensions, as stored in {@code quality_results.dimension}. */
public enum Dimension {
    COMPLETENESS, ACCURACY, CONSISTENCY, UNIQUENESS, FRESHNESS, OVERALL;

    public String label() {
        return name().toLowerCase();
    }
}
