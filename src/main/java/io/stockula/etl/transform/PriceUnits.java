package io.stockula.etl.transform;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which symbols are rates that Stockula keeps as decimals (its {@code _cache_rates} divides ^IRX by 100 before
 * storing it, and its backtests read it back as the risk-free rate), so that every path writes them in
 * Stockula's unit:
 * <ul>
 *   <li>Yahoo sends such a rate in percent: every price of the bar is divided by 100;</li>
 *   <li>a Stockula file holds them both ways: rows in {@code _cache_rates}' shape (open = high = low = close, the
 *       one rate of the day) of a symbol in {@code stockula.units.sqlite-decimal-symbols} are already decimals and
 *       kept as they are; any other row of a rate symbol came through {@code get_stock_data} in percent and is
 *       divided by 100. Never divided twice.</li>
 * </ul>
 * Keys {@code stockula.units.percent-symbols} (default {@code ^IRX}, Stockula's convention) and
 * {@code stockula.units.sqlite-decimal-symbols} (default {@code ^IRX}: the only rate Stockula divides).
 */
public final class PriceUnits {

    public static final String DEFAULT = "^IRX";

    private final Set<String> percentSymbols;
    private final Set<String> sqliteDecimalSymbols;

    public PriceUnits(Set<String> percentSymbols, Set<String> sqliteDecimalSymbols) {
        this.percentSymbols = Set.copyOf(percentSymbols);
        this.sqliteDecimalSymbols = Set.copyOf(sqliteDecimalSymbols);
    }

    /** Stockula's convention: ^IRX. */
    public static PriceUnits stockula() {
        return new PriceUnits(Set.of(DEFAULT), Set.of(DEFAULT));
    }

    /** From the two comma-separated settings (null: the default, {@code none}: no symbol). */
    public static PriceUnits of(String percentSymbols, String sqliteDecimalSymbols) {
        return new PriceUnits(symbols(percentSymbols), symbols(sqliteDecimalSymbols));
    }

    private static Set<String> symbols(String list) {
        String v = list == null ? DEFAULT : list.strip().equalsIgnoreCase("none") ? "" : list;
        return Arrays.stream(v.split(",")).map(String::strip).filter(x -> !x.isEmpty()).map(String::toUpperCase)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Whether the symbol's prices are stored as decimals (Yahoo's percent divided by 100). */
    public boolean isRate(String symbol) {
        return symbol != null && percentSymbols.contains(symbol);
    }

    /** What a Yahoo price of the symbol is divided by: 100 for a rate (as Stockula divides), 1 otherwise. */
    public double yahooDivisor(String symbol) {
        return isRate(symbol) ? 100.0 : 1.0;
    }

    /**
     * What a Stockula row of the symbol is divided by: 1 unless the symbol is a rate whose row is not already a
     * decimal (see the class comment).
     */
    public double sqliteDivisor(String symbol, Double open, Double high, Double low, Double close) {
        if (!isRate(symbol)) {
            return 1.0;
        }
        boolean cachedShape = close != null && close.equals(open) && close.equals(high) && close.equals(low);
        return cachedShape && sqliteDecimalSymbols.contains(symbol) ? 1.0 : 100.0;
    }

    public static Double divide(Double v, double divisor) {
        return v == null || divisor == 1.0 ? v : Double.valueOf(v / divisor);
    }
}
