package io.stockula.etl.validate;

import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpec;

/** Stock metadata (stocks) and the raw info document (stock_info). */
public final class StockValidator implements RecordValidator {

    @Override
    public void validate(Row row, TableSpec spec) {
        SymbolRules.check(row, spec);
        if (spec.has("market_cap")) {
            Checks.finiteNonNegative(row, spec, "market_cap");
        }
        if (spec.has("info_json")) {
            Checks.required(row, spec, "info_json");
        }
    }
}
