package io.stockula.etl.source.sqlite;

import io.stockula.etl.load.TableSpec;
import io.stockula.etl.load.TableSpecs;
import io.stockula.etl.source.sqlite.TableMapping.Extractor;
import io.stockula.etl.transform.JsonText;
import io.stockula.etl.transform.PriceUnits;
import io.stockula.etl.transform.SourceValues;
import io.stockula.etl.transform.TradingDates;
import io.stockula.etl.validate.Reason;
import io.stockula.etl.validate.SymbolRules;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The eleven Stockula tables, source column by target column. Both schema shapes (SQLModel/alembic and the
 * older raw SQL) go through the same mapping: a column the source lacks reads as NULL (e.g. updated_at on the
 * raw-SQL price_history), only the listed required columns must exist.
 */
public final class SourceMappings {

    public static final Map<String, TableMapping> ALL = new LinkedHashMap<>();

    /** price_history.source of a row from a Stockula file. */
    public static final String SOURCE = "sqlite";

    private static final String[] PRICES = {"open_price", "high_price", "low_price", "close_price"};

    static {
        add(table("stocks", TableSpecs.STOCKS, Set.of("symbol"))
                .col("symbol", symbol())
                .col("name", optionalText("name")).col("sector", optionalText("sector"))
                .col("industry", optionalText("industry")).col("market_cap", real("market_cap"))
                .col("exchange", optionalText("exchange")).col("currency", optionalText("currency")));
        add(table("price_history", TableSpecs.PRICE_HISTORY, Set.of("symbol", "date"))
                .col("symbol", symbol())
                .col("timestamp", SourceMappings::barTimestamp)
                .col("interval_type", (s, r, c) -> interval(s))
                .col("open_price", price("open_price")).col("high_price", price("high_price"))
                .col("low_price", price("low_price")).col("close_price", price("close_price"))
                .col("volume", integer("volume"))
                // Stockula kept only yfinance's auto-adjusted values: the raw ones are unknown
                .col("raw_open", none()).col("raw_high", none()).col("raw_low", none()).col("raw_close", none())
                .col("adj_close", none())
                .col("source", (s, r, c) -> SOURCE)
                .col("as_of", SourceMappings::asOf));
        add(table("dividends", TableSpecs.DIVIDENDS, Set.of("symbol", "date", "amount"))
                .col("symbol", symbol()).col("date", date("date")).col("amount", real("amount")));
        add(table("splits", TableSpecs.SPLITS, Set.of("symbol", "date", "ratio"))
                .col("symbol", symbol()).col("date", date("date")).col("ratio", real("ratio")));
        for (String t : new String[] {"options_calls", "options_puts"}) {
            add(table(t, TableSpecs.get(t), Set.of("symbol", "expiration_date", "strike"))
                    .col("symbol", symbol()).col("expiration_date", date("expiration_date")).col("strike", real("strike"))
                    .col("last_price", real("last_price")).col("bid", real("bid")).col("ask", real("ask"))
                    .col("volume", integer("volume")).col("open_interest", integer("open_interest"))
                    .col("implied_volatility", real("implied_volatility"))
                    .col("in_the_money", bool("in_the_money"))
                    .col("contract_symbol", (s, r, c) -> {
                        String v = SourceValues.optionalText(s.get("contract_symbol"));
                        return v == null ? "" : v.strip();
                    })
                    // Stockula overwrote its quotes in place: the last write time is when the quote was taken
                    .col("snapshot_at", (s, r, c) -> {
                        OffsetDateTime t1 = SourceValues.timestamp(s.get("updated_at"), "updated_at", r);
                        OffsetDateTime t2 = t1 != null ? t1 : SourceValues.timestamp(s.get("created_at"), "created_at", r);
                        return t2 != null ? t2 : c.runStartedAt();
                    }));
        }
        add(table("stock_info", TableSpecs.STOCK_INFO, Set.of("symbol", "info_json"))
                .col("symbol", symbol())
                .col("info_json", json("info_json"))
                .col("info_json_raw", (s, r, c) -> {
                    JsonText.Parsed p = JsonText.parse(SourceValues.text(s.get("info_json")));
                    return p == null ? null : p.raw();
                }));
        add(table("strategies", TableSpecs.STRATEGIES, Set.of("id", "name"))
                .col("id", integer("id")).col("name", text("name")).col("class_name", text("class_name"))
                .col("module_path", text("module_path")).col("description", optionalText("description"))
                .col("category", optionalText("category")).col("is_active", bool("is_active")));
        add(table("strategy_presets", TableSpecs.STRATEGY_PRESETS, Set.of("id", "strategy_id", "name"))
                .col("id", integer("id")).col("strategy_id", integer("strategy_id")).col("name", text("name"))
                .col("parameters_json", json("parameters_json")).col("description", optionalText("description"))
                .col("is_default", bool("is_default")));
        add(table("autots_models", TableSpecs.AUTOTS_MODELS, Set.of("id"))
                .col("id", integer("id")).col("name", text("name")).col("categories", json("categories"))
                .col("is_slow", bool("is_slow")).col("is_gpu_enabled", bool("is_gpu_enabled"))
                .col("requires_regressor", bool("requires_regressor"))
                .col("min_data_points", integer("min_data_points")).col("description", optionalText("description")));
        add(table("autots_presets", TableSpecs.AUTOTS_PRESETS, Set.of("id"))
                .col("id", integer("id")).col("name", text("name")).col("models", json("models"))
                .col("description", optionalText("description")).col("use_case", optionalText("use_case")));
    }

    private SourceMappings() {
    }

    public static TableMapping get(String table) {
        TableMapping m = ALL.get(table);
        if (m == null) {
            throw new IllegalArgumentException("not a Stockula table: " + table + " (known: " + String.join(", ", ALL.keySet()) + ")");
        }
        return m;
    }

    /** '1d' when the legacy schema's nullable interval is empty. */
    static String interval(Map<String, Object> s) {
        String v = SourceValues.optionalText(s.get("interval"));
        return v == null ? "1d" : v.strip();
    }

    /**
     * The trading-date rule (see TradingDates): a daily-or-longer bar at midnight of its date in the symbol's
     * exchange zone. Stockula's intraday rows carry only a date (one bar per day survived): they too are placed at
     * local midnight of that date; a date with a time of day is that local time.
     */
    static Object barTimestamp(Map<String, Object> s, io.stockula.etl.load.Row r, MappingContext c) {
        Object raw = s.get("date");
        LocalDate d = SourceValues.date(raw, "date", r);
        if (d == null) {
            return null;
        }
        String symbol = SymbolRules.normalize(s.get("symbol"));
        String text = raw.toString().strip();
        if (text.length() > 10 && !TradingDates.isDailyOrLonger(interval(s))) {
            try {
                return java.time.LocalDateTime.parse(text.replace(' ', 'T'))
                        .atZone(c.tradingDates().zoneOf(symbol)).toOffsetDateTime();
            } catch (java.time.format.DateTimeParseException e) {
                r.reject(Reason.of(Reason.DATE_INVALID, "date"));
                return null;
            }
        }
        return c.tradingDates().barStart(symbol, d);
    }

    /**
     * A price in Stockula's unit: as stored, except a rate symbol's row that is not already a decimal (see
     * PriceUnits), which is divided by 100.
     */
    private static Extractor price(String col) {
        return (s, r, c) -> {
            Double v = SourceValues.real(s.get(col), col, r);
            String symbol = SymbolRules.normalize(s.get("symbol"));
            if (v == null || !c.units().isRate(symbol)) {
                return v;
            }
            Double[] p = new Double[PRICES.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = SourceValues.real(s.get(PRICES[i]), PRICES[i], r);
            }
            return PriceUnits.divide(v, c.units().sqliteDivisor(symbol, p[0], p[1], p[2], p[3]));
        };
    }

    /** As of when the row was true: its updated_at, or created_at when it has none (the older schema). */
    static Object asOf(Map<String, Object> s, io.stockula.etl.load.Row r, MappingContext c) {
        java.time.Instant updated = SourceValues.instant(s.get("updated_at"), "updated_at", r);
        return updated != null ? updated : SourceValues.instant(s.get("created_at"), "created_at", r);
    }

    private static Extractor none() {
        return (s, r, c) -> null;
    }

    // ---- building blocks ----------------------------------------------------------------------------------

    private static Extractor symbol() {
        return (s, r, c) -> SymbolRules.normalize(s.get("symbol"));
    }

    private static Extractor text(String col) {
        return (s, r, c) -> SourceValues.text(s.get(col));
    }

    private static Extractor optionalText(String col) {
        return (s, r, c) -> SourceValues.optionalText(s.get(col));
    }

    private static Extractor real(String col) {
        return (s, r, c) -> SourceValues.real(s.get(col), col, r);
    }

    private static Extractor integer(String col) {
        return (s, r, c) -> SourceValues.integer(s.get(col), col, r);
    }

    private static Extractor bool(String col) {
        return (s, r, c) -> SourceValues.bool(s.get(col), col, r);
    }

    private static Extractor date(String col) {
        return (s, r, c) -> SourceValues.date(s.get(col), col, r);
    }

    private static Extractor json(String col) {
        return (s, r, c) -> {
            String text = SourceValues.text(s.get(col));
            if (text == null) {
                return null;
            }
            JsonText.Parsed p = JsonText.parse(text);
            if (p == null) {
                r.reject(Reason.of(Reason.JSON_INVALID, col));
                return null;
            }
            return p.jsonb();
        };
    }

    private static Builder table(String source, TableSpec spec, Set<String> required) {
        return new Builder(source, spec, required);
    }

    private static void add(Builder b) {
        Map<String, Extractor> cols = new LinkedHashMap<>(b.cols);
        cols.putIfAbsent("created_at", (s, r, c) -> SourceValues.instant(s.get("created_at"), "created_at", r));
        cols.putIfAbsent("updated_at", (s, r, c) -> SourceValues.instant(s.get("updated_at"), "updated_at", r));
        ALL.put(b.source, new TableMapping(b.source, b.spec, cols, b.required));
    }

    private static final class Builder {
        final String source;
        final TableSpec spec;
        final Set<String> required;
        final Map<String, Extractor> cols = new LinkedHashMap<>();

        Builder(String source, TableSpec spec, Set<String> required) {
            this.source = source;
            this.spec = spec;
            this.required = required;
        }

        Builder col(String target, Extractor e) {
            cols.put(target, e);
            return this;
        }
    }
}
