package io.stockula.etl.validate;

import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpec;

/** Checks one record of one record type; adds reason codes to the row for every rule it breaks. */
public interface RecordValidator {
    void validate(Row row, TableSpec spec);
}
