package io.stockula.etl.validate;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Ticker symbols as Yahoo spells them: equities (AAPL, BRK-B, BRK.B), indices (^GSPC), crypto (BTC-USD),
 * FX (EURUSD=X), futures (ES=F), listings with an exchange suffix (GS2C.DE), mutual funds (FXAIX).
 * The design's ^[A-Z]{1,5}$ rejected half of these.
 */
public final class SymbolRules {

    private static final Pattern VALID = Pattern.compile("^\\^?[A-Z0-9][A-Z0-9.\\-=&]{0,23}$");

    private SymbolRules() {
    }

    /** Trim and upper-case; blank becomes null. Applied before validation, by both doors. */
    public static String normalize(Object raw) {
        if (raw == null) {
            return null;
        }
        String s = raw.toString().strip().toUpperCase(Locale.ROOT);
        return s.isEmpty() ? null : s;
    }

    private static final java.util.Map<String, Boolean> SEEN = new java.util.concurrent.ConcurrentHashMap<>();

    public static boolean isValid(String normalized) {
        if (normalized == null) {
            return false;
        }
        Boolean known = SEEN.get(normalized); // a universe has thousands of symbols, a migration millions of rows
        if (known == null) {
            known = VALID.matcher(normalized).matches();
            if (SEEN.size() < 100_000) {
                SEEN.put(normalized, known);
            }
        }
        return known;
    }

    /** Adds symbol reasons to a row whose symbol column holds a normalized symbol. */
    public static void check(io.stockula.etl.load.Row row, io.stockula.etl.load.TableSpec spec) {
        Object s = row.get(spec.index("symbol"));
        if (s == null) {
            row.reject(Reason.SYMBOL_MISSING);
        } else if (!isValid(s.toString())) {
            row.reject(Reason.SYMBOL_INVALID);
        }
    }
}
