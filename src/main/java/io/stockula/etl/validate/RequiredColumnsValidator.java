package io.stockula.etl.validate;

import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpec;

/** Reference tables (strategies, presets, AutoTS catalogues): the columns Stockula declares NOT NULL. */
public final class RequiredColumnsValidator implements RecordValidator {

    private final String[] required;

    public RequiredColumnsValidator(String... required) {
        this.required = required;
    }

    @Override
    public void validate(Row row, TableSpec spec) {
        Checks.required(row, spec, required);
    }
}
