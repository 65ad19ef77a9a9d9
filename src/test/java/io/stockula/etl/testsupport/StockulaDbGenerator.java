package io.stockula.etl.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes Stockula SQLite files for tests and benchmarks: the HEAD (SQLModel) schema or the older raw-SQL one,
 * N symbols x D weekdays of random-walk bars with unrounded doubles (like Yahoo's adjusted prices), the other
 * tables, and optionally a set of dirty rows, each of a kind real files produce:
 * text in a numeric column, high < low, negative volume, a non-ISO date, truncated JSON, an orphan symbol,
 * a far-future date, a lower-case duplicate ('aapl' next to 'AAPL'), padded symbols, '' for NULL, a fractional
 * volume, NaN/Infinity inside info_json.
 */
public final class StockulaDbGenerator {

    /** What a generated file holds, so tests can assert exact outcomes. */
    public record Expectation(long priceRows, long dirtyRejected, long dirtyMerged, long orphanSymbols) {
    }

    public static final String HEAD_SCHEMA = """
            CREATE TABLE stocks (symbol VARCHAR NOT NULL, name VARCHAR, sector VARCHAR, industry VARCHAR, market_cap FLOAT,
              exchange VARCHAR, currency VARCHAR, created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
              updated_at DATETIME DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (symbol));
            CREATE TABLE price_history (id INTEGER NOT NULL, symbol VARCHAR NOT NULL, date DATE NOT NULL, open_price FLOAT,
              high_price FLOAT, low_price FLOAT, close_price FLOAT, volume INTEGER, interval VARCHAR NOT NULL,
              created_at DATETIME DEFAULT CURRENT_TIMESTAMP, updated_at DATETIME DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (id),
              CONSTRAINT uq_price_history UNIQUE (symbol, date, interval), FOREIGN KEY(symbol) REFERENCES stocks (symbol));
            CREATE INDEX idx_price_history_symbol_date ON price_history (symbol, date);
            CREATE TABLE dividends (id INTEGER NOT NULL, symbol VARCHAR NOT NULL, date DATE NOT NULL, amount FLOAT NOT NULL,
              created_at DATETIME DEFAULT CURRENT_TIMESTAMP, updated_at DATETIME DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (id),
              CONSTRAINT uq_dividends UNIQUE (symbol, date));
            CREATE TABLE splits (id INTEGER NOT NULL, symbol VARCHAR NOT NULL, date DATE NOT NULL, ratio FLOAT NOT NULL,
              created_at DATETIME DEFAULT CURRENT_TIMESTAMP, updated_at DATETIME DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (id),
              CONSTRAINT uq_splits UNIQUE (symbol, date));
            CREATE TABLE options_calls (id INTEGER NOT NULL, symbol VARCHAR NOT NULL, expiration_date DATE NOT NULL,
              strike FLOAT NOT NULL, last_price FLOAT, bid FLOAT, ask FLOAT, volume INTEGER, open_interest INTEGER,
              implied_volatility FLOAT, in_the_money BOOLEAN, contract_symbol VARCHAR, created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
              updated_at DATETIME DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (id),
              CONSTRAINT uq_options_calls UNIQUE (symbol, expiration_date, strike, contract_symbol));
            CREATE TABLE options_puts (id INTEGER NOT NULL, symbol VARCHAR NOT NULL, expiration_date DATE NOT NULL,
              strike FLOAT NOT NULL, last_price FLOAT, bid FLOAT, ask FLOAT, volume INTEGER, open_interest INTEGER,
              implied_volatility FLOAT, in_the_money BOOLEAN, contract_symbol VARCHAR, created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
              updated_at DATETIME DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (id),
              CONSTRAINT uq_options_puts UNIQUE (symbol, expiration_date, strike, contract_symbol));
            CREATE TABLE stock_info (symbol VARCHAR NOT NULL, info_json TEXT NOT NULL, created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
              updated_at DATETIME DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (symbol));
            CREATE TABLE strategies (id INTEGER NOT NULL, name VARCHAR NOT NULL, class_name VARCHAR NOT NULL,
              module_path VARCHAR NOT NULL, description VARCHAR, category VARCHAR, is_active BOOLEAN NOT NULL,
              created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL, PRIMARY KEY (id));
            CREATE TABLE strategy_presets (id INTEGER NOT NULL, strategy_id INTEGER NOT NULL, name VARCHAR NOT NULL,
              parameters_json VARCHAR NOT NULL, description VARCHAR, is_default BOOLEAN NOT NULL, created_at DATETIME NOT NULL,
              updated_at DATETIME NOT NULL, PRIMARY KEY (id), CONSTRAINT unique_strategy_preset UNIQUE (strategy_id, name));
            CREATE TABLE autots_models (id INTEGER NOT NULL, name VARCHAR, categories VARCHAR, is_slow BOOLEAN,
              is_gpu_enabled BOOLEAN, requires_regressor BOOLEAN, min_data_points INTEGER, description VARCHAR,
              created_at DATETIME, updated_at DATETIME, PRIMARY KEY (id));
            CREATE TABLE autots_presets (id INTEGER NOT NULL, name VARCHAR, models VARCHAR, description VARCHAR,
              use_case VARCHAR, created_at DATETIME, updated_at DATETIME, PRIMARY KEY (id));
            CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
            """;

    private static final String[] TICKER_SHAPES = {"BRK-B", "BRK.B", "^GSPC", "BTC-USD", "EURUSD=X", "GS2C.DE", "FXAIX", "^IRX"};

    private StockulaDbGenerator() {
    }

    public static List<String> symbols(int n) {
        List<String> out = new ArrayList<>(List.of(TICKER_SHAPES));
        out.add(0, "AAPL");
        out.add(1, "MSFT");
        for (int i = 0; out.size() < n; i++) {
            out.add("S" + Integer.toString(i, 36).toUpperCase());
        }
        return out.subList(0, n);
    }

    public static List<LocalDate> weekdays(LocalDate from, int n) {
        List<LocalDate> out = new ArrayList<>(n);
        for (LocalDate d = from; out.size() < n; d = d.plusDays(1)) {
            if (d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY) {
                out.add(d);
            }
        }
        return out;
    }

    public static Expectation generate(Path file, int symbols, int days, boolean dirty, long seed) throws SQLException {
        return generate(file, symbols, days, dirty, seed, LocalDate.of(2015, 1, 2));
    }

    /** As above, with the bars starting on the weekday {@code from} (e.g. 30 years back for a long history). */
    public static Expectation generate(Path file, int symbols, int days, boolean dirty, long seed, LocalDate from)
            throws SQLException {
        try {
            Files.deleteIfExists(file);
        } catch (java.io.IOException e) {
            throw new SQLException(e);
        }
        Random rnd = new Random(seed);
        List<String> syms = symbols(symbols);
        List<LocalDate> dates = weekdays(from, days);
        long dirtyRejected = 0;
        long dirtyMerged = 0;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement st = c.createStatement()) {
                for (String ddl : HEAD_SCHEMA.split(";")) {
                    if (!ddl.isBlank()) {
                        st.execute(ddl);
                    }
                }
                st.execute("PRAGMA journal_mode=OFF");
                st.execute("PRAGMA synchronous=OFF");
            }
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO stocks VALUES (?,?,?,?,?,?,?,?,?)")) {
                for (String s : syms) {
                    ps.setString(1, s);
                    ps.setString(2, s + " Inc.");
                    ps.setString(3, rnd.nextBoolean() ? "Technology" : "");
                    ps.setString(4, "");
                    ps.setDouble(5, rnd.nextDouble() * 1e12);
                    ps.setString(6, "NMS");
                    ps.setString(7, "USD");
                    ps.setString(8, "2025-08-05 13:54:05.498997");
                    ps.setString(9, "2025-08-05 13:54:05");
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO price_history (symbol, date, open_price, high_price,"
                    + " low_price, close_price, volume, interval, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)")) {
                for (String s : syms) {
                    double price = 10 + rnd.nextDouble() * 400;
                    for (LocalDate d : dates) {
                        price = Math.max(1e-5, price * (1 + (rnd.nextGaussian() * 0.02)));
                        double open = price * (1 + rnd.nextGaussian() * 0.005);
                        double close = price;
                        double high = Math.max(open, close) * (1 + rnd.nextDouble() * 0.01);
                        double low = Math.min(open, close) * (1 - rnd.nextDouble() * 0.01);
                        bar(ps, s, d.toString(), open, high, low, close, (long) (rnd.nextDouble() * 5e7), "1d");
                    }
                    ps.executeBatch();
                }
                if (dirty) {
                    // each kind of bad input once (see the class comment); the expected outcome in the comment
                    barRaw(ps, "MSFT", "2024-06-10", "N/A", 2.0, 1.0, 1.5, 100L, "1d");       // rejected not_numeric
                    bar(ps, "MSFT", "2024-06-11", 5, 4, 6, 5, 100L, "1d");                     // rejected high_below_low
                    bar(ps, "MSFT", "2024-06-12", 5, 6, 4, 5, -100L, "1d");                  // rejected negative:volume
                    bar(ps, "MSFT", "08/11/2025", 5, 6, 4, 5, 100L, "1d");                    // rejected date_invalid
                    bar(ps, "MSFT", "2099-01-02", 5, 6, 4, 5, 100L, "1d");                    // rejected date_in_future
                    barRaw(ps, "MSFT", "2024-06-03", 5.0, 6.0, 4.0, 5.0, 1.5, "1d");          // rejected not_integer
                    bar(ps, "ZZZORPHAN", "2024-06-03", 5, 6, 4, 5, 100L, "1d");              // loaded, stock created
                    bar(ps, "aapl", dates.get(0).toString(), 1, 2, 0.5, 1.5, 7L, "1d");      // merged into AAPL's bar
                    bar(ps, " nvda ", "2024-06-03", 5, 6, 4, 5, 100L, "");                   // loaded as NVDA, 1d
                    bar(ps, "TINY", "2024-06-04", 0.00001234, 0.0000125, 0.0000120, 0.0000124, 9_000_000_000L, "1d");
                    ps.executeBatch();
                    dirtyRejected += 6;
                    dirtyMerged += 1;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dividends (symbol, date, amount, created_at, updated_at)"
                    + " VALUES (?,?,?,?,?)")) {
                for (String s : syms) {
                    for (int q = 0; q < days / 63; q++) {
                        ps.setString(1, s);
                        ps.setString(2, dates.get(q * 63).toString());
                        ps.setDouble(3, 0.000536 + rnd.nextDouble());
                        ps.setString(4, "2025-07-27 01:21:55");
                        ps.setString(5, "2025-07-27 01:21:55.123456");
                        ps.addBatch();
                    }
                }
                if (dirty) {
                    ps.setString(1, "AAPL");
                    ps.setString(2, "2024-13-45");
                    ps.setString(3, "0.24");
                    ps.setString(4, null);
                    ps.setString(5, null);
                    ps.addBatch(); // rejected date_invalid
                    dirtyRejected++;
                }
                ps.executeBatch();
            }
            try (Statement st = c.createStatement()) {
                st.execute("INSERT INTO splits (symbol, date, ratio) VALUES ('AAPL', '2020-08-31', 4.0), ('NVDA', '2024-06-10', 10.0)");
                st.execute("INSERT INTO options_calls (symbol, expiration_date, strike, last_price, bid, ask, volume, open_interest,"
                        + " implied_volatility, in_the_money, contract_symbol, updated_at) VALUES"
                        + " ('AAPL', '2025-09-19', 200.0, 12.5, 12.4, 12.6, 1500, 20000, 0.2512, 1, 'AAPL250919C00200000', '2025-08-05 14:00:00.000001'),"
                        + " ('AAPL', '2025-09-19', 250.0, 0.5, 0.45, 0.55, 300, 5000, 0.31, 0, NULL, '2025-08-05 14:00:00')");
                st.execute("INSERT INTO options_puts (symbol, expiration_date, strike, last_price, in_the_money, contract_symbol)"
                        + " VALUES ('AAPL', '2025-09-19', 200.0, 3.2, 0, 'AAPL250919P00200000')");
                st.execute("INSERT INTO stock_info (symbol, info_json) VALUES ('AAPL', '{\"longName\": \"Apple Inc.\","
                        + " \"trailingPE\": NaN, \"beta\": Infinity, \"marketCap\": 3194468958208}'),"
                        + " ('MSFT', '{\"longName\": \"Microsoft Corporation\", \"sector\": \"Technology\"}')");
                st.execute("INSERT INTO strategies VALUES (1, 'smacross', 'SMACross', 'stockula.backtesting.strategies', '', 'trend', 1,"
                        + " '2025-08-05 13:54:05.1', '2025-08-05 13:54:05.1')");
                st.execute("INSERT INTO strategy_presets VALUES (1, 1, 'default', '{\"fast\": 10, \"slow\": 20}', NULL, 1,"
                        + " '2025-08-05 13:54:05', '2025-08-05 13:54:05')");
                st.execute("INSERT INTO autots_models VALUES (1, 'ARIMA', '[\"univariate\"]', 0, 0, 0, 10, '', NULL, NULL)");
                st.execute("INSERT INTO autots_presets VALUES (1, 'fast', '{\"ARIMA\": 0.3}', NULL, NULL, NULL, NULL)");
                if (dirty) {
                    st.execute("INSERT INTO stock_info (symbol, info_json) VALUES ('TRUNC', '{\"longName\": \"Trunc')"); // json_invalid
                    st.execute("INSERT INTO strategy_presets VALUES (2, 1, 'broken', '{\"fast\": ', NULL, 0, '2025-08-05 13:54:05',"
                            + " '2025-08-05 13:54:05')"); // json_invalid
                    dirtyRejected += 2;
                }
            }
            c.commit();
        }
        long priceRows = (long) symbols * days + (dirty ? 10 : 0);
        return new Expectation(priceRows, dirtyRejected, dirtyMerged, dirty ? 3 : 0);
    }

    private static void bar(PreparedStatement ps, String s, String date, double o, double h, double l, double c, Long v,
                            String interval) throws SQLException {
        barRaw(ps, s, date, o, h, l, c, v, interval);
    }

    private static void barRaw(PreparedStatement ps, String s, String date, Object o, Object h, Object l, Object c,
                               Object v, String interval) throws SQLException {
        ps.setString(1, s);
        ps.setString(2, date);
        ps.setObject(3, o);
        ps.setObject(4, h);
        ps.setObject(5, l);
        ps.setObject(6, c);
        ps.setObject(7, v);
        ps.setString(8, interval);
        ps.setString(9, "2025-08-05 13:54:05.501435");
        ps.setString(10, "2025-08-05 13:54:05.501444");
        ps.addBatch();
    }

    /** mvn -q exec... or from a test: writes FILE with SYMBOLS x DAYS bars (and dirty rows with "dirty"). */
    public static void main(String[] args) throws Exception {
        Expectation e = generate(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                args.length > 3 && args[3].equals("dirty"), 42);
        System.out.println(e);
    }
}
