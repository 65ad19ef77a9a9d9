package io.stockula.etl.quality;

import java.util.List;

/** The tables the checks look at. Every table but {@code stocks} refers to a stock by {@code symbol}. */
public final class QualityTables {

    public static final String PRICES = "price_history";
    public static final String STOCKS = "stocks";

    /** Stockula's data tables (strategies and autots_* are reference data, not checked). */
    public static final List<String> DATA = List.of(PRICES, STOCKS, "dividends", "splits", "options_calls",
            "options_puts", "stock_info");

    /** Tables with a symbol column that should name a stocks row (all lead their primary key with symbol). */
    public static final List<String> WITH_SYMBOL = List.of(PRICES, "dividends", "splits", "options_calls",
            "options_puts", "stock_info");

    /** The rollups: continuous aggregates on TimescaleDB, materialized views on plain PostgreSQL. */
    public static final List<String> ROLLUPS = List.of("price_daily", "price_weekly", "price_monthly");

    private QualityTables() {
    }
}
