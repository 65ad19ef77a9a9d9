package io.stockula.etl.source.sqlite;

import io.stockula.etl.load.Column;
import io.stockula.etl.load.CopyWriter;
import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpec;
import io.stockula.etl.transform.TradingDates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Re-reads a Stockula SQLite file and the target and reconciles them per table, row by row and column by
 * column: every source row must be loaded (its target row holds exactly the values the mapping gives),
 * merged (an earlier-or-later row with the same natural key won: the last by rowid), or rejected (a
 * rejected_records entry exists for it); and no target row may lack a source row.
 * The expected rows are computed with the same mapping and validators as the migration, copied into a
 * temporary table, and compared in SQL.
 */
public final class Reconciler {

    /** The outcome for one table. */
    public record TableReport(String table, long sourceRows, long loaded, long merged, long rejected,
                              long missing, long differing, long rejectedNotRecorded, long extra,
                              List<String> samples) {
        public boolean ok() {
            return missing == 0 && differing == 0 && rejectedNotRecorded == 0 && extra == 0
                    && sourceRows == loaded + merged + rejected;
        }
    }

    private final SqliteSource source;
    private final DataSource target;

    private final io.stockula.etl.transform.PriceUnits units;

    public Reconciler(SqliteSource source, DataSource target) {
        this(source, target, io.stockula.etl.transform.PriceUnits.stockula());
    }

    public Reconciler(SqliteSource source, DataSource target, io.stockula.etl.transform.PriceUnits units) {
        this.source = source;
        this.target = target;
        this.units = units;
    }

    public List<TableReport> reconcile(List<String> requested) throws SQLException {
        Map<String, Set<String>> present = source.tables();
        List<String> tables = requested.isEmpty() ? new ArrayList<>(present.keySet()) : requested;
        List<TableReport> out = new ArrayList<>();
        TradingDates dates = new TradingDates();
        try (Connection c = target.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT symbol, exchange_timezone FROM stocks WHERE exchange_timezone IS NOT NULL")) {
                while (rs.next()) {
                    dates.remember(rs.getString(1), rs.getString(2));
                }
            }
            MappingContext ctx = new MappingContext(dates, OffsetDateTime.now(ZoneOffset.UTC), units);
            for (String table : tables) {
                if (!present.containsKey(table)) {
                    throw new IllegalArgumentException("table " + table + " is not in " + source.path());
                }
                out.add(reconcile(c, SourceMappings.get(table), ctx, tables));
                c.commit();
            }
        }
        return out;
    }

    private TableReport reconcile(Connection c, TableMapping mapping, MappingContext ctx, List<String> allTables)
            throws SQLException {
        TableSpec spec = mapping.spec();
        String exp = "verify_" + spec.table();
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + exp);
            st.execute("CREATE TEMP TABLE " + exp + " ON COMMIT DROP AS SELECT " + cols(spec, "") + " FROM "
                    + spec.table() + " WITH NO DATA");
            st.execute("ALTER TABLE " + exp + " ADD COLUMN src_rowid BIGINT");
        }
        long sourceRows = 0;
        long valid = 0;
        List<String> rejectedKeys = new ArrayList<>();
        try (Connection s = source.dataSource().getConnection(); Statement st = s.createStatement();
             CopyWriter copy = new CopyWriter(c, CopyWriter.copySql(exp, cols(spec, "") + ", src_rowid"), spec.columns())) {
            st.setFetchSize(5000);
            try (ResultSet rs = st.executeQuery("SELECT rowid AS " + SqliteSource.ROWID + ", * FROM \""
                    + mapping.sourceTable() + "\" ORDER BY rowid")) {
                ResultSetMetaData md = rs.getMetaData();
                int n = md.getColumnCount();
                String[] names = new String[n];
                for (int i = 0; i < n; i++) {
                    names[i] = md.getColumnLabel(i + 1).toLowerCase();
                }
                while (rs.next()) {
                    Map<String, Object> src = new HashMap<>(n * 2);
                    for (int i = 0; i < n; i++) {
                        src.put(names[i], rs.getObject(i + 1));
                    }
                    sourceRows++;
                    Row row = mapping.toRow(src, ctx);
                    spec.validator().validate(row, spec);
                    if (row.isValid()) {
                        valid++;
                        copy.write(row.values(), ((Number) src.get(SqliteSource.ROWID)).longValue());
                    } else {
                        rejectedKeys.add(row.sourceKey());
                    }
                }
            }
            copy.finish();
        }
        String keys = spec.key().stream().map(k -> "\"" + k + "\"").collect(Collectors.joining(", "));
        String join = spec.key().stream().map(k -> "e.\"" + k + "\" = t.\"" + k + "\"").collect(Collectors.joining(" AND "));
        List<Column> compared = spec.columns().stream().filter(col -> !TableSpec.AUDIT_COLUMNS.contains(col.name())).toList();
        String eCols = compared.stream().map(col -> "e." + col.sql()).collect(Collectors.joining(", "));
        String tCols = compared.stream().map(col -> "t." + col.sql()).collect(Collectors.joining(", "));
        long distinct;
        long missing;
        long differing;
        List<String> samples = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE " + exp + "_w ON COMMIT DROP AS SELECT DISTINCT ON (" + keys + ") * FROM "
                    + exp + " ORDER BY " + keys + (spec.has(TableSpec.AS_OF) ? ", as_of DESC NULLS LAST" : "") + ", src_rowid DESC");
            distinct = single(st, "SELECT count(*) FROM " + exp + "_w");
            missing = single(st, "SELECT count(*) FROM " + exp + "_w e WHERE NOT EXISTS (SELECT 1 FROM "
                    + spec.table() + " t WHERE " + join + ")");
            String diffSql = " FROM " + exp + "_w e JOIN " + spec.table() + " t ON " + join + " WHERE (" + eCols
                    + ") IS DISTINCT FROM (" + tCols + ")";
            differing = single(st, "SELECT count(*)" + diffSql);
            if (differing > 0) {
                try (ResultSet rs = st.executeQuery("SELECT 'rowid=' || e.src_rowid || ' expected (' || concat_ws(', ', "
                        + eCols + ") || ') found (' || concat_ws(', ', " + tCols + ") || ')'" + diffSql + " LIMIT 5")) {
                    while (rs.next()) {
                        samples.add(rs.getString(1));
                    }
                }
            }
        }
        long rejectedNotRecorded = countUnrecorded(c, mapping.sourceTable(), rejectedKeys, samples);
        long extra = extraRows(c, spec, exp + "_w", join, allTables, samples);
        return new TableReport(mapping.sourceTable(), sourceRows, distinct, valid - distinct, rejectedKeys.size(),
                missing, differing, rejectedNotRecorded, extra, samples);
    }

    private long countUnrecorded(Connection c, String table, List<String> keys, List<String> samples) throws SQLException {
        if (keys.isEmpty()) {
            return 0;
        }
        Set<String> recorded = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT source_key FROM rejected_records WHERE source = ?"
                + " AND source_table = ?")) {
            ps.setString(1, source.id());
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    recorded.add(rs.getString(1));
                }
            }
        }
        long missing = 0;
        for (String k : keys) {
            if (!recorded.contains(k)) {
                missing++;
                if (samples.size() < 10) {
                    samples.add(k + " breaks a rule but is not in rejected_records");
                }
            }
        }
        return missing;
    }

    /** Target rows with no source row. Stock rows created for symbols that only other tables name are expected. */
    private long extraRows(Connection c, TableSpec spec, String expected, String join, List<String> allTables,
                           List<String> samples) throws SQLException {
        StringBuilder sql = new StringBuilder("FROM " + spec.table() + " t WHERE NOT EXISTS (SELECT 1 FROM " + expected
                + " e WHERE " + join + ")");
        if (spec.table().equals("stocks")) {
            for (String other : allTables) {
                TableSpec o = SourceMappings.get(other).spec();
                if (!other.equals("stocks") && o.has("symbol")) {
                    sql.append(" AND NOT EXISTS (SELECT 1 FROM ").append(o.table()).append(" x WHERE x.symbol = t.symbol)");
                }
            }
        }
        try (Statement st = c.createStatement()) {
            long n = single(st, "SELECT count(*) " + sql);
            if (n > 0) {
                String keyText = spec.key().stream().map(k -> "t.\"" + k + "\"::text").collect(Collectors.joining(" || '/' || "));
                try (ResultSet rs = st.executeQuery("SELECT " + keyText + " " + sql + " LIMIT 3")) {
                    while (rs.next()) {
                        samples.add("target row " + rs.getString(1) + " has no source row");
                    }
                }
            }
            return n;
        }
    }

    private static String cols(TableSpec spec, String prefix) {
        return spec.columns().stream().map(col -> prefix + col.sql()).collect(Collectors.joining(", "));
    }

    private static long single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public static Map<String, Object> asMap(TableReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source_rows", r.sourceRows());
        m.put("loaded", r.loaded());
        m.put("merged", r.merged());
        m.put("rejected", r.rejected());
        m.put("missing", r.missing());
        m.put("differing", r.differing());
        m.put("rejected_not_recorded", r.rejectedNotRecorded());
        m.put("extra", r.extra());
        return m;
    }
}
