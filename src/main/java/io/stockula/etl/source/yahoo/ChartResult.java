package io.stockula.etl.source.yahoo;

import io.stockula.etl.load.Batch;
import java.util.ArrayList;
import java.util.List;

/**
 * What one chart response becomes: the three batches for the common validate/write hallway, the counts that
 * account for every bar Yahoo returned, and the follow-up requests it calls for (a full refetch after a split).
 */
public final class ChartResult {

    private final ChartRequest request;
    private final ChartData data;
    private final Batch prices;
    private final Batch dividends;
    private final Batch splits;
    private final int returned;
    private final int skippedNull;
    private final int skippedOutsideSession;
    private final int skippedLive;
    private final int mergedLive;
    private final List<ChartRequest> followUps = new ArrayList<>();
    private int deferred;

    ChartResult(ChartRequest request, ChartData data, Batch prices, Batch dividends, Batch splits, int returned,
                int skippedNull, int skippedOutsideSession, int skippedLive, int mergedLive) {
        this.request = request;
        this.data = data;
        this.prices = prices;
        this.dividends = dividends;
        this.splits = splits;
        this.returned = returned;
        this.skippedNull = skippedNull;
        this.skippedOutsideSession = skippedOutsideSession;
        this.skippedLive = skippedLive;
        this.mergedLive = mergedLive;
    }

    public ChartRequest request() {
        return request;
    }

    public ChartData data() {
        return data;
    }

    public Batch prices() {
        return prices;
    }

    public Batch dividends() {
        return dividends;
    }

    public Batch splits() {
        return splits;
    }

    /** Bars in the response (timestamps), whatever became of them. */
    public int returned() {
        return returned;
    }

    /**
     * Bars not stored, by design: all-null rows, intraday bars outside the regular session, a stray live bar, and
     * bars deferred to the whole-history reload that a new dividend or split calls for.
     */
    public int skipped() {
        return skippedNull + skippedOutsideSession + skippedLive + deferred;
    }

    /**
     * A dividend or split the database does not know: this window's bars (on the new basis) and its events are not
     * written; the whole-history reload writes them all, with the events, in one transaction.
     */
    void deferToRebase() {
        deferred = prices.rows().size() + prices.rejected().size();
        prices.rows().clear();
        prices.rejected().clear();
        dividends.rows().clear();
        splits.rows().clear();
    }

    /** Bars of this window left to the whole-history reload (counted as skipped). */
    public int deferred() {
        return deferred;
    }

    public int skippedNull() {
        return skippedNull;
    }

    public int skippedOutsideSession() {
        return skippedOutsideSession;
    }

    public int skippedLive() {
        return skippedLive;
    }

    /** A weekly/monthly live row folded into its period's bar (as yfinance does). */
    public int mergedLive() {
        return mergedLive;
    }

    public List<ChartRequest> followUps() {
        return followUps;
    }

    public boolean hasPrices() {
        return !prices.rows().isEmpty();
    }

    public boolean hasDividends() {
        return !dividends.rows().isEmpty();
    }

    public boolean hasSplits() {
        return !splits.rows().isEmpty();
    }
}
