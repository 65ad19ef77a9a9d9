package io.stockula.etl.source.yahoo;

import java.util.List;

/**
 * A v8 chart response as read by name: the meta fields the ETL uses (all optional, Yahoo drops them freely),
 * the bars as parallel arrays (null = Yahoo sent null; {@code adjclose} all null when Yahoo sent none, as for
 * intraday bars), the events, and the regular trading periods (intraday).
 */
public record ChartData(
        String symbol,
        String granularity,
        String exchangeTimezoneName,
        String instrumentType,
        String exchangeName,
        String currency,
        String longName,
        String shortName,
        Long regularMarketTime,
        long[] timestamps,
        Double[] open,
        Double[] high,
        Double[] low,
        Double[] close,
        Long[] volume,
        Double[] adjclose,
        List<Dividend> dividends,
        List<Split> splits,
        List<long[]> regularPeriods) {

    /** A chart without adjclose (intraday, or a daily response that lacks it). */
    public ChartData(String symbol, String granularity, String exchangeTimezoneName, String instrumentType,
                     String exchangeName, String currency, String longName, String shortName, Long regularMarketTime,
                     long[] timestamps, Double[] open, Double[] high, Double[] low, Double[] close, Long[] volume,
                     List<Dividend> dividends, List<Split> splits, List<long[]> regularPeriods) {
        this(symbol, granularity, exchangeTimezoneName, instrumentType, exchangeName, currency, longName, shortName,
                regularMarketTime, timestamps, open, high, low, close, volume, new Double[timestamps.length], dividends,
                splits, regularPeriods);
    }

    public int size() {
        return timestamps.length;
    }

    /** Every price of bar i is null: Yahoo's placeholder for a gap, skipped rather than stored as zeros. */
    public boolean allPricesNull(int i) {
        return open[i] == null && high[i] == null && low[i] == null && close[i] == null;
    }

    /** Yahoo's answer for a delisted symbol it still knows: exchange "YHD" and no bars. */
    public boolean isDelistedPlaceholder() {
        return "YHD".equals(exchangeName) && timestamps.length == 0;
    }

    /** A dividend: the ex-date as epoch seconds ({@code date}, never the map key) and the amount per share. */
    public record Dividend(long date, Double amount) {
    }

    /** A split: effective date as epoch seconds, ratio = numerator / denominator (4:1 is 4.0). */
    public record Split(long date, Double numerator, Double denominator) {
        public Double ratio() {
            return numerator == null || denominator == null || denominator == 0 ? null : numerator / denominator;
        }
    }
}
