package io.stockula.etl.load;

/** What one batch did to the target. unchanged = valid rows whose target row already held the same values. */
public record BatchResult(long inserted, long updated, long unchanged, long rejected, long merged, long stocksCreated,
                          long writeNanos) {

    public long loaded() {
        return inserted + updated + unchanged;
    }
}
