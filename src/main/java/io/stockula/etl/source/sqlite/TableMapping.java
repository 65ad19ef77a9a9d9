package io.stockula.etl.source.sqlite;

import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How one Stockula SQLite table becomes rows of its target table: an extractor per target column (in the table
 * spec's order), the source columns without which the table cannot be read, and whether the source has an
 * updated_at to follow for changed rows (the older raw-SQL schema lacks it on several tables).
 */
public final class TableMapping {

    /** Computes one target value from a source row; records a reason on the row when it cannot. */
    @FunctionalInterface
    public interface Extractor {
        Object extract(Map<String, Object> source, Row row, MappingContext ctx);
    }

    private final String sourceTable;
    private final TableSpec spec;
    private final Extractor[] extractors;
    private final Set<String> requiredSourceColumns;

    TableMapping(String sourceTable, TableSpec spec, Map<String, Extractor> byColumn, Set<String> requiredSourceColumns) {
        this.sourceTable = sourceTable;
        this.spec = spec;
        this.extractors = new Extractor[spec.columns().size()];
        for (int i = 0; i < extractors.length; i++) {
            String col = spec.columns().get(i).name();
            Extractor e = byColumn.get(col);
            if (e == null) {
                throw new IllegalStateException("no mapping for " + spec.table() + "." + col);
            }
            extractors[i] = e;
        }
        this.requiredSourceColumns = requiredSourceColumns;
    }

    public String sourceTable() {
        return sourceTable;
    }

    public TableSpec spec() {
        return spec;
    }

    public Set<String> requiredSourceColumns() {
        return requiredSourceColumns;
    }

    /** Converts one source row (keys: source column names, case-insensitive; _rowid_ holds the rowid). */
    public Row toRow(Map<String, Object> source, MappingContext ctx) {
        Object rowid = source.get(SqliteSource.ROWID);
        Row row = new Row(extractors.length, "rowid=" + rowid, source);
        for (int i = 0; i < extractors.length; i++) {
            row.set(i, extractors[i].extract(source, row, ctx));
        }
        return row;
    }

    public List<String> requiredMissingFrom(Set<String> sourceColumns) {
        return requiredSourceColumns.stream().filter(c -> !sourceColumns.contains(c)).sorted().toList();
    }
}
