package io.stockula.etl.quality;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Consistency between tables:
 * <ul>
 *   <li>{@code orphan_rows}: rows whose symbol has no {@code stocks} row, per table (the schema has no foreign
 *       keys on purpose: a load never blocks on a missing stock, the orphan is reported here instead);</li>
 *   <li>{@code events_without_prices}: dividends and splits of a symbol that has no price_history row at all.</li>
 * </ul>
 * Both work on the distinct symbols of each table (a loose index scan), then count the rows of the offending
 * symbols through the primary key: no full scan of price_history.
 */
public final class ConsistencyCheck implements QualityCheck {

    static final int NAMED = 20;

    @Override
    public String name() {
        return "consistency";
    }

    @Override
    public Dimension dimension() {
        return Dimension.CONSISTENCY;
    }

    @Override
    public List<CheckResult> run(QualityContext ctx) throws SQLException {
        List<CheckResult> out = new ArrayList<>();
        Set<String> stocks = ctx.stockSymbols();
        for (String table : QualityTables.WITH_SYMBOL) {
            Set<String> orphans = QualityContext.minus(ctx.symbols(table), stocks);
            long rows = ctx.rowsOfSymbols(table, orphans);
            out.add(CheckResult.atMost(table, Dimension.CONSISTENCY, "orphan_rows", null, rows,
                    ctx.settings().orphansMax(table), details(ctx, table, rows, orphans)));
        }
        List<String> priced = ctx.symbols(QualityTables.PRICES);
        for (String table : List.of("dividends", "splits")) {
            Set<String> unpriced = QualityContext.minus(ctx.symbols(table), priced);
            long rows = ctx.rowsOfSymbols(table, unpriced);
            out.add(CheckResult.atMost(table, Dimension.CONSISTENCY, "events_without_prices", null, rows,
                    ctx.settings().orphansMax(table), details(ctx, table, rows, unpriced)));
        }
        return out;
    }

    private static Map<String, Object> details(QualityContext ctx, String table, long rows, Set<String> symbols)
            throws SQLException {
        Map<String, Object> d = new LinkedHashMap<>();
        long total = ctx.rows(table);
        d.put("rows", total);
        d.put("ratio", total == 0 ? 0.0 : (double) rows / total);
        d.put("symbol_count", symbols.size());
        d.put("symbols", symbols.stream().limit(NAMED).toList());
        return d;
    }
}
