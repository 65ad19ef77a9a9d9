package io.stockula.etl.quality;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Completeness: the share of rows in which each required field is populated, per table and field, in one pass
 * over each table. "Populated" means not NULL, and for numbers not NaN, for text not blank, for JSON not
 * {@code {}} or {@code null}. An empty table is complete (ratio 1, details.rows = 0).
 */
public final class CompletenessCheck implements QualityCheck {

    enum Kind { NUMBER, INTEGER, TEXT, JSON }

    record Field(String column, Kind kind) {
        String populated() {
            String c = column;
            return switch (kind) {
                case NUMBER -> c + " IS NOT NULL AND " + c + " <> 'NaN'::float8";
                case INTEGER -> c + " IS NOT NULL";
                case TEXT -> "btrim(" + c + ") <> ''";
                case JSON -> c + " IS NOT NULL AND " + c + " NOT IN ('{}'::jsonb, 'null'::jsonb)";
            };
        }
    }

    /** The required fields of each table. */
    static final Map<String, List<Field>> REQUIRED = new LinkedHashMap<>();

    static {
        REQUIRED.put("price_history", List.of(new Field("open_price", Kind.NUMBER), new Field("high_price", Kind.NUMBER),
                new Field("low_price", Kind.NUMBER), new Field("close_price", Kind.NUMBER), new Field("volume", Kind.INTEGER)));
        REQUIRED.put("stocks", List.of(new Field("name", Kind.TEXT), new Field("sector", Kind.TEXT),
                new Field("industry", Kind.TEXT), new Field("exchange", Kind.TEXT), new Field("currency", Kind.TEXT),
                new Field("exchange_timezone", Kind.TEXT)));
        REQUIRED.put("dividends", List.of(new Field("amount", Kind.NUMBER)));
        REQUIRED.put("splits", List.of(new Field("ratio", Kind.NUMBER)));
        for (String t : List.of("options_calls", "options_puts")) {
            REQUIRED.put(t, List.of(new Field("last_price", Kind.NUMBER), new Field("bid", Kind.NUMBER),
                    new Field("ask", Kind.NUMBER), new Field("implied_volatility", Kind.NUMBER)));
        }
        REQUIRED.put("stock_info", List.of(new Field("info_json", Kind.JSON)));
    }

    @Override
    public String name() {
        return "completeness";
    }

    @Override
    public Dimension dimension() {
        return Dimension.COMPLETENESS;
    }

    @Override
    public List<CheckResult> run(QualityContext ctx) throws SQLException {
        List<CheckResult> out = new ArrayList<>();
        for (Map.Entry<String, List<Field>> e : REQUIRED.entrySet()) {
            out.addAll(table(ctx, e.getKey(), e.getValue()));
        }
        return out;
    }

    static String sql(String table, List<Field> fields) {
        StringBuilder sql = new StringBuilder("SELECT count(*)");
        for (Field f : fields) {
            sql.append(", count(*) FILTER (WHERE ").append(f.populated()).append(')');
        }
        return sql.append(" FROM ").append(table).toString();
    }

    private static List<CheckResult> table(QualityContext ctx, String table, List<Field> fields) throws SQLException {
        long rows;
        long[] populated = new long[fields.size()];
        try (Statement st = ctx.connection().createStatement(); ResultSet rs = st.executeQuery(sql(table, fields))) {
            rs.next();
            rows = rs.getLong(1);
            for (int i = 0; i < fields.size(); i++) {
                populated[i] = rs.getLong(i + 2);
            }
        }
        ctx.recordRows(table, rows);
        double min = ctx.settings().completenessMin(table);
        List<CheckResult> out = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            double ratio = rows == 0 ? 1.0 : (double) populated[i] / rows;
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("rows", rows);
            details.put("populated", populated[i]);
            out.add(CheckResult.atLeast(table, Dimension.COMPLETENESS, "field_populated", fields.get(i).column(),
                    ratio, min, details));
        }
        return out;
    }
}
