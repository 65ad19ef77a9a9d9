package io.stockula.etl.load;

import static io.stockula.etl.load.ColumnType.BIGINT;
import static io.stockula.etl.load.ColumnType.BOOLEAN;
import static io.stockula.etl.load.ColumnType.DATE;
import static io.stockula.etl.load.ColumnType.DOUBLE;
import static io.stockula.etl.load.ColumnType.JSONB;
import static io.stockula.etl.load.ColumnType.TEXT;
import static io.stockula.etl.load.ColumnType.TIMESTAMPTZ;

import io.stockula.etl.validate.EventValidator;
import io.stockula.etl.validate.OptionQuoteValidator;
import io.stockula.etl.validate.PriceBarValidator;
import io.stockula.etl.validate.RecordValidator;
import io.stockula.etl.validate.RequiredColumnsValidator;
import io.stockula.etl.validate.StockValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The eleven target tables (schema/common/V1__stockula_tables.sql) as specs: the one place that says which
 * columns a table has, which of them form its natural key, and which validator guards it.
 */
public final class TableSpecs {

    public static final TableSpec STOCKS = spec("stocks", List.of("symbol"), new StockValidator(),
            "symbol", TEXT, "name", TEXT, "sector", TEXT, "industry", TEXT, "market_cap", DOUBLE, "exchange", TEXT,
            "currency", TEXT, "created_at", TIMESTAMPTZ, "updated_at", TIMESTAMPTZ);

    public static final TableSpec PRICE_HISTORY = spec("price_history", List.of("symbol", "interval_type", "timestamp"),
            new PriceBarValidator(Duration.ofDays(2)),
            "symbol", TEXT, "timestamp", TIMESTAMPTZ, "interval_type", TEXT, "open_price", DOUBLE, "high_price", DOUBLE,
            "low_price", DOUBLE, "close_price", DOUBLE, "volume", BIGINT, "raw_open", DOUBLE, "raw_high", DOUBLE,
            "raw_low", DOUBLE, "raw_close", DOUBLE, "adj_close", DOUBLE, "source", TEXT, "as_of", TIMESTAMPTZ,
            "created_at", TIMESTAMPTZ, "updated_at", TIMESTAMPTZ);

    public static final TableSpec DIVIDENDS = spec("dividends", List.of("symbol", "date"), EventValidator.dividends(),
            "symbol", TEXT, "date", DATE, "amount", DOUBLE, "created_at", TIMESTAMPTZ, "updated_at", TIMESTAMPTZ);

    public static final TableSpec SPLITS = spec("splits", List.of("symbol", "date"), EventValidator.splits(),
            "symbol", TEXT, "date", DATE, "ratio", DOUBLE, "created_at", TIMESTAMPTZ, "updated_at", TIMESTAMPTZ);

    public static final TableSpec OPTIONS_CALLS = options("options_calls");
    public static final TableSpec OPTIONS_PUTS = options("options_puts");

    public static final TableSpec STOCK_INFO = spec("stock_info", List.of("symbol"), new StockValidator(),
            "symbol", TEXT, "info_json", JSONB, "info_json_raw", TEXT, "created_at", TIMESTAMPTZ, "updated_at", TIMESTAMPTZ);

    public static final TableSpec STRATEGIES = spec("strategies", List.of("id"),
            new RequiredColumnsValidator("id", "name", "class_name", "module_path", "is_active"),
            "id", BIGINT, "name", TEXT, "class_name", TEXT, "module_path", TEXT, "description", TEXT, "category", TEXT,
            "is_active", BOOLEAN, "created_at", TIMESTAMPTZ, "updated_at", TIMESTAMPTZ);

    public static final TableSpec STRATEGY_PRESETS = spec("strategy_presets", List.of("id"),
            new RequiredColumnsValidator("id", "strategy_id", "name", "parameters_json", "is_default"),
            "id", BIGINT, "strategy_id", BIGINT, "name", TEXT, "parameters_json", JSONB, "description", TEXT,
            "is_default", BOOLEAN, "created_at", TIMESTAMPTZ, "updated_at", TIMESTAMPTZ);

    public static final TableSpec AUTOTS_MODELS = spec("autots_models", List.of("id"), new RequiredColumnsValidator("id"),
            "id", BIGINT, "name", TEXT, "categories", JSONB, "is_slow", BOOLEAN, "is_gpu_enabled", BOOLEAN,
            "requires_regressor", BOOLEAN, "min_data_points", BIGINT, "description", TEXT, "created_at", TIMESTAMPTZ,
            "updated_at", TIMESTAMPTZ);

    public static final TableSpec AUTOTS_PRESETS = spec("autots_presets", List.of("id"), new RequiredColumnsValidator("id"),
            "id", BIGINT, "name", TEXT, "models", JSONB, "description", TEXT, "use_case", TEXT, "created_at", TIMESTAMPTZ,
            "updated_at", TIMESTAMPTZ);

    /** In dependency order: stocks first, so that the metadata of a symbol lands before rows create bare ones. */
    public static final Map<String, TableSpec> ALL = byName(STOCKS, PRICE_HISTORY, DIVIDENDS, SPLITS, OPTIONS_CALLS,
            OPTIONS_PUTS, STOCK_INFO, STRATEGIES, STRATEGY_PRESETS, AUTOTS_MODELS, AUTOTS_PRESETS);

    private TableSpecs() {
    }

    public static TableSpec get(String table) {
        TableSpec spec = ALL.get(table);
        if (spec == null) {
            throw new IllegalArgumentException("unknown table " + table + " (known: " + String.join(", ", ALL.keySet()) + ")");
        }
        return spec;
    }

    private static TableSpec options(String table) {
        return spec(table, List.of("symbol", "expiration_date", "strike", "contract_symbol", "snapshot_at"),
                new OptionQuoteValidator(),
                "symbol", TEXT, "expiration_date", DATE, "strike", DOUBLE, "last_price", DOUBLE, "bid", DOUBLE,
                "ask", DOUBLE, "volume", BIGINT, "open_interest", BIGINT, "implied_volatility", DOUBLE,
                "in_the_money", BOOLEAN, "contract_symbol", TEXT, "snapshot_at", TIMESTAMPTZ, "created_at", TIMESTAMPTZ,
                "updated_at", TIMESTAMPTZ);
    }

    private static TableSpec spec(String table, List<String> key, RecordValidator validator, Object... nameTypePairs) {
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < nameTypePairs.length; i += 2) {
            columns.add(new Column((String) nameTypePairs[i], (ColumnType) nameTypePairs[i + 1]));
        }
        return new TableSpec(table, columns, key, validator);
    }

    private static Map<String, TableSpec> byName(TableSpec... specs) {
        Map<String, TableSpec> m = new LinkedHashMap<>();
        for (TableSpec s : specs) {
            m.put(s.table(), s);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
