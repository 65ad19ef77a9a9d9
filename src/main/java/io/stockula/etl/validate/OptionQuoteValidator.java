package io.stockula.etl.validate;

import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpec;

/** An option quote: underlying symbol, expiration, strike > 0, non-negative prices, counts and volatility. */
public final class OptionQuoteValidator implements RecordValidator {

    @Override
    public void validate(Row row, TableSpec spec) {
        SymbolRules.check(row, spec);
        Checks.required(row, spec, "expiration_date", "strike", "snapshot_at");
        Checks.positive(row, spec, "strike");
        Checks.finiteNonNegative(row, spec, "last_price", "bid", "ask", "volume", "open_interest", "implied_volatility");
    }
}
