package io.stockula.etl.load;

/** The target column types the loader writes; each knows its COPY text form. */
public enum ColumnType {
    TEXT, DOUBLE, BIGINT, BOOLEAN, DATE, TIMESTAMPTZ, JSONB
}
