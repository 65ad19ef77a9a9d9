package io.stockula.etl.load;

/** A target column: its name (as in the DDL) and type. */
public record Column(String name, ColumnType type) {

    /** The column name quoted for SQL ("timestamp" is a keyword). */
    public String sql() {
        return "\"" + name + "\"";
    }
}
