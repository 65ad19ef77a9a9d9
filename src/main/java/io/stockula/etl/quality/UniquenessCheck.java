package io.stockula.etl.quality;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Uniqueness of natural keys that the primary keys cannot enforce:
 * <ul>
 *   <li>{@code duplicate_trading_days} (price_history): the same symbol and interval with two bars for one
 *       trading day (1d), week (1wk), month (1mo) or quarter (3mo) at different timestamps, e.g. one stamped at
 *       local midnight and one at the 09:30 open. The primary key includes the exact timestamp, so it lets these
 *       through; they double volumes and break the rollups. Trading periods are taken in the exchange zone.</li>
 *   <li>{@code symbol_case_variants} (every table): symbols that differ only in case or surrounding blanks
 *       ({@code aapl} beside {@code AAPL}): one instrument split in two.</li>
 * </ul>
 * The value is the number of duplicated keys; {@code details.extra_rows} the rows beyond the first of each.
 * <p>
 * Efficiency: a daily bar of a canonical series sits at local midnight of its trading date, and two bars at local
 * midnight of the same date are the same timestamp (which the key forbids). So only series with a bar
 * off midnight can hold a duplicate day: one pass finds those series, and only their rows are then walked in
 * key order (window over the primary key index). Weekly and longer series are few rows and always walked.
 */
public final class UniquenessCheck implements QualityCheck {

    static final int EXAMPLES = 20;

    static final String DUPLICATE_DAYS_SQL = """
            WITH z(symbol, zone) AS (SELECT * FROM unnest(?::text[], ?::text[])),
            s AS (SELECT DISTINCT p.symbol, p.interval_type, z.zone
                  FROM price_history p JOIN z ON z.symbol = p.symbol
                  WHERE p.interval_type IN ('1wk', '1mo', '3mo')
                     OR (p.interval_type = '1d' AND (p."timestamp" AT TIME ZONE z.zone)::time <> time '00:00')),
            b AS (SELECT p.symbol, p.interval_type, p."timestamp",
                         CASE p.interval_type
                           WHEN '1d' THEN (p."timestamp" AT TIME ZONE s.zone)::date
                           ELSE date_trunc(CASE p.interval_type WHEN '1wk' THEN 'week' WHEN '1mo' THEN 'month'
                                           ELSE 'quarter' END, p."timestamp" AT TIME ZONE s.zone)::date
                         END AS period
                  FROM s JOIN price_history p ON p.symbol = s.symbol AND p.interval_type = s.interval_type),
            w AS (SELECT symbol, interval_type, period,
                         lag(period) OVER (PARTITION BY symbol, interval_type ORDER BY "timestamp") AS previous
                  FROM b)
            SELECT symbol, interval_type, period, count(*) + 1 AS bars
            FROM w WHERE period = previous
            GROUP BY symbol, interval_type, period
            ORDER BY symbol, interval_type, period""";

    @Override
    public String name() {
        return "uniqueness";
    }

    @Override
    public Dimension dimension() {
        return Dimension.UNIQUENESS;
    }

    @Override
    public List<CheckResult> run(QualityContext ctx) throws SQLException {
        List<CheckResult> out = new ArrayList<>();
        out.add(duplicateTradingDays(ctx));
        for (String table : QualityTables.DATA) {
            out.add(caseVariants(ctx, table));
        }
        return out;
    }

    private static CheckResult duplicateTradingDays(QualityContext ctx) throws SQLException {
        List<String> symbols = ctx.symbols(QualityTables.PRICES);
        List<String> zones = new ArrayList<>(symbols.size());
        for (String s : symbols) {
            ZoneId z = ctx.zoneOf(s);
            zones.add(z.getId());
        }
        long keys = 0;
        long extra = 0;
        List<Map<String, Object>> examples = new ArrayList<>();
        if (!symbols.isEmpty()) {
            try (PreparedStatement ps = ctx.connection().prepareStatement(DUPLICATE_DAYS_SQL)) {
                ps.setArray(1, ctx.textArray(symbols));
                ps.setArray(2, ctx.textArray(zones));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys++;
                        long bars = rs.getLong(4);
                        extra += bars - 1;
                        if (examples.size() < EXAMPLES) {
                            Map<String, Object> ex = new LinkedHashMap<>();
                            ex.put("symbol", rs.getString(1));
                            ex.put("interval", rs.getString(2));
                            ex.put("period", rs.getDate(3).toLocalDate().toString());
                            ex.put("bars", bars);
                            examples.add(ex);
                        }
                    }
                }
            }
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("extra_rows", extra);
        d.put("examples", examples);
        return CheckResult.atMost(QualityTables.PRICES, Dimension.UNIQUENESS, "duplicate_trading_days", null, keys,
                ctx.settings().duplicatesMax(QualityTables.PRICES), d);
    }

    /** Groups of symbols equal after trim and upper-casing; the rows of the non-canonical spellings are extra. */
    private static CheckResult caseVariants(QualityContext ctx, String table) throws SQLException {
        Map<String, TreeSet<String>> groups = new TreeMap<>();
        for (String s : ctx.symbols(table)) {
            groups.computeIfAbsent(canonical(s), k -> new TreeSet<>()).add(s);
        }
        List<List<String>> variants = new ArrayList<>();
        List<String> extraSymbols = new ArrayList<>();
        for (Map.Entry<String, TreeSet<String>> g : groups.entrySet()) {
            if (g.getValue().size() > 1) {
                variants.add(List.copyOf(g.getValue()));
                // the canonical spelling is the keeper; without one, the first in order
                String keeper = g.getValue().contains(g.getKey()) ? g.getKey() : g.getValue().first();
                g.getValue().stream().filter(s -> !s.equals(keeper)).forEach(extraSymbols::add);
            }
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("extra_rows", ctx.rowsOfSymbols(table, extraSymbols));
        d.put("variants", variants.stream().limit(EXAMPLES).toList());
        return CheckResult.atMost(table, Dimension.UNIQUENESS, "symbol_case_variants", null, variants.size(),
                ctx.settings().duplicatesMax(table), d);
    }

    static String canonical(String symbol) {
        return symbol.strip().toUpperCase(Locale.ROOT);
    }
}
