package io.stockula.etl.validate;

import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * A price bar: a known symbol shape and interval, a time not in the future, and the price rules
 * high >= max(open, close) >= min(open, close) >= low >= 0 and volume >= 0. Bars with every price missing are
 * rejected (Yahoo's null rows are skipped before this, and counted). Adjusted prices carry float noise, so the
 * comparisons allow a relative 1e-9.
 */
public final class PriceBarValidator implements RecordValidator {

    public static final Set<String> INTERVALS =
            Set.of("1m", "2m", "5m", "15m", "30m", "60m", "90m", "1h", "1d", "5d", "1wk", "1mo", "3mo");
    private static final double EPS = 1e-9;

    private final Duration futureTolerance;

    public PriceBarValidator(Duration futureTolerance) {
        this.futureTolerance = futureTolerance;
    }

    @Override
    public void validate(Row row, TableSpec spec) {
        SymbolRules.check(row, spec);
        if (row.isValid() || row.reasons().stream().noneMatch(r -> r.startsWith(Reason.DATE_INVALID))) {
            Checks.required(row, spec, "timestamp");
        }
        Checks.notAfter(row, spec, "timestamp", Instant.now().plus(futureTolerance));
        Object interval = row.get(spec.index("interval_type"));
        if (interval == null || !INTERVALS.contains(interval.toString())) {
            row.reject(Reason.INTERVAL_INVALID);
        }
        Double open = Checks.number(row, spec, "open_price");
        Double high = Checks.number(row, spec, "high_price");
        Double low = Checks.number(row, spec, "low_price");
        Double close = Checks.number(row, spec, "close_price");
        if (open == null && high == null && low == null && close == null) {
            if (!Checks.hasReasonFor(row, "open_price") && !Checks.hasReasonFor(row, "close_price")
                    && !Checks.hasReasonFor(row, "high_price") && !Checks.hasReasonFor(row, "low_price")) {
                row.reject(Reason.PRICES_MISSING);
            }
        }
        Checks.finiteNonNegative(row, spec, "open_price", "high_price", "low_price", "close_price", "volume");
        if (!row.isValid()) {
            return;
        }
        if (high != null && low != null && below(high, low)) {
            row.reject(Reason.HIGH_BELOW_LOW);
        }
        if (high != null && ((open != null && below(high, open)) || (close != null && below(high, close)))) {
            row.reject(Reason.HIGH_BELOW_OPEN_CLOSE);
        }
        if (low != null && ((open != null && below(open, low)) || (close != null && below(close, low)))) {
            row.reject(Reason.LOW_ABOVE_OPEN_CLOSE);
        }
    }

    /** a < b beyond float noise */
    static boolean below(double a, double b) {
        return a < b - EPS * Math.max(Math.abs(a), Math.abs(b));
    }
}
