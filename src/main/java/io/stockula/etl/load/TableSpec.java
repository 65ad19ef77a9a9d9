package io.stockula.etl.load;

import io.stockula.etl.validate.RecordValidator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One target table as the loader, the validators and the reconciliation see it: its columns, its natural key,
 * and its validator. The SQL for staging and upserting is derived from this, for every table alike.
 */
public final class TableSpec {

    /** Bookkeeping columns: never compared (a changed updated_at alone is not a change) and defaulted when null. */
    public static final Set<String> AUDIT_COLUMNS = Set.of("created_at", "updated_at");

    /**
     * A table with this column records as of when its values were true (price_history): a write replaces a row only
     * with data at least as new, and a row without it never replaces one with it.
     */
    public static final String AS_OF = "as_of";

    private final String table;
    private final List<Column> columns;
    private final List<String> key;
    private final RecordValidator validator;
    private final Map<String, Integer> index = new HashMap<>();
    private final int[] keyIndexes;

    public TableSpec(String table, List<Column> columns, List<String> key, RecordValidator validator) {
        this.table = table;
        this.columns = List.copyOf(columns);
        this.key = List.copyOf(key);
        this.validator = validator;
        for (int i = 0; i < columns.size(); i++) {
            index.put(columns.get(i).name(), i);
        }
        this.keyIndexes = key.stream().mapToInt(this::index).toArray();
    }

    public String table() {
        return table;
    }

    public List<Column> columns() {
        return columns;
    }

    public List<String> key() {
        return key;
    }

    public int[] keyIndexes() {
        return keyIndexes;
    }

    public RecordValidator validator() {
        return validator;
    }

    public boolean has(String column) {
        return index.containsKey(column);
    }

    public int index(String column) {
        Integer i = index.get(column);
        if (i == null) {
            throw new IllegalArgumentException(table + " has no column " + column);
        }
        return i;
    }

    /** Tables with a symbol column get a stocks row created for symbols not seen before (orphans are loaded). */
    public boolean createsStocks() {
        return has("symbol") && !table.equals("stocks");
    }

    public String stageTable() {
        return "stage_" + table;
    }

    public String columnList() {
        return columns.stream().map(Column::sql).collect(Collectors.joining(", "));
    }

    String createStageSql() {
        return "CREATE TEMP TABLE IF NOT EXISTS " + stageTable() + " ON COMMIT DELETE ROWS AS SELECT " + columnList()
                + " FROM " + table + " WITH NO DATA";
    }

    String copySql() {
        return CopyWriter.copySql(stageTable(), columnList());
    }

    /**
     * INSERT ... SELECT from the stage ... ON CONFLICT DO UPDATE only where a compared column differs, so that an
     * unchanged row costs an index probe and no write. Returns (inserted, updated).
     */
    String upsertSql() {
        List<String> select = new ArrayList<>();
        for (Column c : columns) {
            select.add(AUDIT_COLUMNS.contains(c.name()) ? "coalesce(" + c.sql() + ", now())" : c.sql());
        }
        List<Column> updatable = columns.stream().filter(c -> !key.contains(c.name()) && !c.name().equals("created_at"))
                .toList();
        // as_of is not compared: a re-read with the same values is no change (the row keeps the as_of it was written with)
        List<Column> compared = updatable.stream().filter(c -> !AUDIT_COLUMNS.contains(c.name()) && !c.name().equals(AS_OF))
                .toList();
        String keySql = key.stream().map(k -> "\"" + k + "\"").collect(Collectors.joining(", "));
        StringBuilder sql = new StringBuilder("WITH up AS (INSERT INTO ").append(table).append(" AS t (")
                .append(columnList()).append(") SELECT ").append(String.join(", ", select))
                .append(" FROM ").append(stageTable()).append(" ON CONFLICT (").append(keySql).append(") DO ");
        if (updatable.isEmpty()) {
            sql.append("NOTHING");
        } else {
            sql.append("UPDATE SET ").append(updatable.stream().map(c -> c.sql() + " = EXCLUDED." + c.sql())
                    .collect(Collectors.joining(", ")));
            if (has(AS_OF)) {
                sql.append(" WHERE (t.\"as_of\" IS NULL OR EXCLUDED.\"as_of\" >= t.\"as_of\")");
            }
            if (!compared.isEmpty()) {
                sql.append(has(AS_OF) ? " AND (" : " WHERE (").append(compared.stream().map(c -> "t." + c.sql()).collect(Collectors.joining(", ")))
                        .append(") IS DISTINCT FROM (")
                        .append(compared.stream().map(c -> "EXCLUDED." + c.sql()).collect(Collectors.joining(", ")))
                        .append(")");
            }
        }
        sql.append(" RETURNING (xmax = 0) AS inserted) SELECT count(*) FILTER (WHERE inserted),"
                + " count(*) FILTER (WHERE NOT inserted) FROM up");
        return sql.toString();
    }

    /** The key's time column (the hypertable's partitioning column), or null. */
    String timeKey() {
        return key.stream().filter(k -> columns.get(index(k)).type() == ColumnType.TIMESTAMPTZ).findFirst().orElse(null);
    }

    /**
     * The stage's bounds that {@link #deleteUnchangedSql()} takes: distinct symbols, then the time key's min and max
     * (nulls for a table without them).
     */
    String stageBoundsSql() {
        String tk = timeKey();
        return "SELECT " + (key.contains("symbol") ? "array_agg(DISTINCT symbol)" : "NULL::text[]") + ", "
                + (tk == null ? "NULL::timestamptz, NULL::timestamptz" : "min(\"" + tk + "\"), max(\"" + tk + "\")")
                + " FROM " + stageTable();
    }

    /**
     * Deletes from the stage every row the target already holds with the same compared values, so that only new
     * and changed rows reach the upsert: {@code INSERT ... ON CONFLICT} decompresses the TimescaleDB batches it
     * probes, even when it then updates nothing. Parameters: symbols (text[]), time key from, to. Both narrow the
     * target side to the segments (symbol) and chunks (time) the batch can touch, as constants the planner sees.
     */
    String deleteUnchangedSql() {
        // compared as the upsert compares: bookkeeping and as_of alone are no change
        List<String> compared = columns.stream().filter(c -> !key.contains(c.name()) && !AUDIT_COLUMNS.contains(c.name())
                && !c.name().equals(AS_OF)).map(Column::sql).toList();
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(stageTable()).append(" s USING ").append(table)
                .append(" t WHERE ").append(key.stream().map(k -> "t.\"" + k + "\" = s.\"" + k + "\"")
                        .collect(Collectors.joining(" AND ")));
        sql.append(key.contains("symbol") ? " AND t.symbol = ANY(?::text[])" : " AND ?::text[] IS NULL");
        String tk = timeKey();
        sql.append(tk == null ? " AND ?::timestamptz IS NULL AND ?::timestamptz IS NULL"
                : " AND t.\"" + tk + "\" BETWEEN ?::timestamptz AND ?::timestamptz");
        if (!compared.isEmpty()) {
            sql.append(" AND (").append(compared.stream().map(c -> "t." + c).collect(Collectors.joining(", ")))
                    .append(") IS NOT DISTINCT FROM (").append(compared.stream().map(c -> "s." + c)
                            .collect(Collectors.joining(", "))).append(")");
        }
        return sql.toString();
    }

    @Override
    public String toString() {
        return table;
    }
}
