package io.stockula.etl.validate;

import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpec;
import java.time.Duration;
import java.time.Instant;

/**
 * Dividends (amount > 0) and splits (ratio > 0): a symbol, a date not further ahead than announcements go
 * (one year), a positive finite value.
 */
public final class EventValidator implements RecordValidator {

    private final String valueColumn;
    private final Duration futureTolerance;

    public EventValidator(String valueColumn, Duration futureTolerance) {
        this.valueColumn = valueColumn;
        this.futureTolerance = futureTolerance;
    }

    public static EventValidator dividends() {
        return new EventValidator("amount", Duration.ofDays(366));
    }

    public static EventValidator splits() {
        return new EventValidator("ratio", Duration.ofDays(366));
    }

    @Override
    public void validate(Row row, TableSpec spec) {
        SymbolRules.check(row, spec);
        Checks.required(row, spec, "date", valueColumn);
        Checks.notAfter(row, spec, "date", Instant.now().plus(futureTolerance));
        Checks.positive(row, spec, valueColumn);
    }
}
