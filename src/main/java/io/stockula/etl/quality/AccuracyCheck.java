package io.stockula.etl.quality;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accuracy: the share of rows that break a table's value rules, per table, in one pass over each table.
 * <ul>
 *   <li>bars (price_history and the rollups): high ≥ max(open, close) ≥ min(open, close) ≥ low ≥ 0 and
 *       volume ≥ 0; the two comparisons with high and low allow a relative slack
 *       ({@code stockula.quality.accuracy.tolerance}, 1e-9) for the float noise of adjusted prices;</li>
 *   <li>dividends: amount &gt; 0; splits: ratio &gt; 0;</li>
 *   <li>options: strike &gt; 0, prices and counts ≥ 0, implied volatility ≥ 0, bid ≤ ask when there is an ask.</li>
 * </ul>
 * NaN and NULL values are not judged here (completeness counts them). Rollups on plain PostgreSQL that were never
 * refreshed cannot be read and are skipped.
 */
public final class AccuracyCheck implements QualityCheck {

    record Rules(String from, Map<String, String> rules) {
    }

    @Override
    public String name() {
        return "accuracy";
    }

    @Override
    public Dimension dimension() {
        return Dimension.ACCURACY;
    }

    static Rules bars(String table, double tolerance) {
        String from = "(SELECT nullif(open_price, 'NaN') AS o, nullif(high_price, 'NaN') AS h,"
                + " nullif(low_price, 'NaN') AS l, nullif(close_price, 'NaN') AS c, volume AS v FROM " + table + ") x";
        Map<String, String> r = new LinkedHashMap<>();
        r.put("high_below_open_close", "h < greatest(o, c) * (1 - " + tolerance + ")");
        r.put("low_above_open_close", "l > least(o, c) * (1 + " + tolerance + ")");
        r.put("high_below_low", "h < l");
        r.put("negative_price", "least(o, h, l, c) < 0");
        r.put("negative_volume", "v < 0");
        return new Rules(from, r);
    }

    static Map<String, Rules> rules(double tolerance) {
        Map<String, Rules> m = new LinkedHashMap<>();
        m.put("price_history", bars("price_history", tolerance));
        m.put("dividends", new Rules("dividends", Map.of("non_positive_amount", "amount <= 0")));
        m.put("splits", new Rules("splits", Map.of("non_positive_ratio", "ratio <= 0")));
        for (String t : List.of("options_calls", "options_puts")) {
            Map<String, String> r = new LinkedHashMap<>();
            r.put("non_positive_strike", "strike <= 0");
            r.put("negative_price", "least(nullif(last_price, 'NaN'), nullif(bid, 'NaN'), nullif(ask, 'NaN')) < 0");
            r.put("bid_above_ask", "ask > 0 AND ask <> 'NaN' AND bid > ask");
            r.put("negative_count", "volume < 0 OR open_interest < 0");
            r.put("negative_implied_volatility", "implied_volatility < 0");
            m.put(t, new Rules(t, r));
        }
        return m;
    }

    static String sql(Rules rules) {
        StringBuilder sql = new StringBuilder("SELECT count(*)");
        StringBuilder any = new StringBuilder();
        for (String predicate : rules.rules().values()) {
            sql.append(", count(*) FILTER (WHERE ").append(predicate).append(')');
            any.append(any.isEmpty() ? "" : " OR ").append('(').append(predicate).append(')');
        }
        return sql.append(", count(*) FILTER (WHERE ").append(any).append(") FROM ").append(rules.from()).toString();
    }

    @Override
    public List<CheckResult> run(QualityContext ctx) throws SQLException {
        double tolerance = ctx.settings().accuracyTolerance();
        Map<String, Rules> all = rules(tolerance);
        if (ctx.settings().accuracyIncludesRollups()) {
            for (String view : QualityTables.ROLLUPS) {
                if (readable(ctx, view)) {
                    all.put(view, bars(view, tolerance));
                }
            }
        }
        List<CheckResult> out = new ArrayList<>();
        for (Map.Entry<String, Rules> e : all.entrySet()) {
            out.add(table(ctx, e.getKey(), e.getValue()));
        }
        return out;
    }

    private static CheckResult table(QualityContext ctx, String table, Rules rules) throws SQLException {
        Map<String, Object> byRule = new LinkedHashMap<>();
        long rows;
        long violations;
        try (Statement st = ctx.connection().createStatement(); ResultSet rs = st.executeQuery(sql(rules))) {
            rs.next();
            rows = rs.getLong(1);
            int i = 2;
            for (String rule : rules.rules().keySet()) {
                byRule.put(rule, rs.getLong(i++));
            }
            violations = rs.getLong(i);
        }
        if (!QualityTables.ROLLUPS.contains(table)) {
            ctx.recordRows(table, rows);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("rows", rows);
        details.put("violations", violations);
        details.put("by_rule", byRule);
        double ratio = rows == 0 ? 0.0 : (double) violations / rows;
        return CheckResult.atMost(table, Dimension.ACCURACY, "value_rules", null, ratio,
                ctx.settings().accuracyMaxViolationRatio(table), details);
    }

    /** A rollup can be read unless it is a plain materialized view that was never refreshed. */
    private static boolean readable(QualityContext ctx, String view) throws SQLException {
        try (Statement st = ctx.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT to_regclass('" + view + "') IS NOT NULL,"
                     + " coalesce((SELECT ispopulated FROM pg_matviews WHERE matviewname = '" + view
                     + "' AND schemaname = ANY(current_schemas(false))), true)")) {
            rs.next();
            return rs.getBoolean(1) && rs.getBoolean(2);
        }
    }
}
