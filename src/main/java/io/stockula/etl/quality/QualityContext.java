package io.stockula.etl.quality;

import io.stockula.etl.transform.TradingDates;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the checks of one run share: the connection (one read-only snapshot, so every check sees the same data),
 * the thresholds, the clock and calendars, and lookups that several checks need (row counts, the distinct
 * symbols of a table, each symbol's exchange zone), computed once.
 */
public final class QualityContext {

    private final Connection connection;
    private final QualitySettings settings;
    private final Clock clock;
    private final UsMarketCalendar usCalendar;
    private final Map<String, Long> rowCounts = new HashMap<>();
    private final Map<String, List<String>> symbols = new HashMap<>();
    private Map<String, StockRow> stocks;
    private final List<SeriesAge> seriesAges = new ArrayList<>();

    public QualityContext(Connection connection, QualitySettings settings, Clock clock) {
        this.connection = connection;
        this.settings = settings;
        this.clock = clock;
        this.usCalendar = new UsMarketCalendar(settings.extraClosures());
    }

    public Connection connection() {
        return connection;
    }

    public QualitySettings settings() {
        return settings;
    }

    public Clock clock() {
        return clock;
    }

    public UsMarketCalendar usCalendar() {
        return usCalendar;
    }

    /** Exact row count (cached: the completeness check records the counts it computes anyway). */
    public long rows(String table) throws SQLException {
        Long n = rowCounts.get(table);
        if (n == null) {
            try (Statement st = connection.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                n = rs.getLong(1);
            }
            rowCounts.put(table, n);
        }
        return n;
    }

    void recordRows(String table, long n) {
        rowCounts.put(table, n);
    }

    public Map<String, Long> knownRowCounts() {
        return Map.copyOf(rowCounts);
    }

    /**
     * The distinct symbols of a table, sorted, by a loose index scan over the primary key (whose first column is
     * symbol): one index probe per symbol instead of reading every row.
     */
    public List<String> symbols(String table) throws SQLException {
        List<String> cached = symbols.get(table);
        if (cached != null) {
            return cached;
        }
        String sql = QualityTables.STOCKS.equals(table)
                ? "SELECT symbol FROM stocks ORDER BY symbol"
                : "WITH RECURSIVE s(symbol) AS ("
                + " (SELECT symbol FROM " + table + " ORDER BY symbol LIMIT 1)"
                + " UNION ALL"
                + " SELECT (SELECT t.symbol FROM " + table + " t WHERE t.symbol > s.symbol ORDER BY t.symbol LIMIT 1)"
                + " FROM s WHERE s.symbol IS NOT NULL)"
                + " SELECT symbol FROM s WHERE symbol IS NOT NULL";
        List<String> out = new ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        out = List.copyOf(out);
        symbols.put(table, out);
        return out;
    }

    /** Rows of {@code table} whose symbol is one of {@code symbols} (index lookups on the primary key). */
    public long rowsOfSymbols(String table, Collection<String> symbolSet) throws SQLException {
        if (symbolSet.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT count(*) FROM " + table + " WHERE symbol = ANY(?)")) {
            ps.setArray(1, textArray(symbolSet));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public Set<String> stockSymbols() throws SQLException {
        return stocks().keySet();
    }

    /** The exchange zone of a symbol: stocks.exchange_timezone when valid, else the zone its shape implies. */
    public ZoneId zoneOf(String symbol) throws SQLException {
        StockRow row = stocks().get(symbol);
        if (row != null && row.zone != null) {
            return row.zone;
        }
        return TradingDates.inferZone(symbol);
    }

    /**
     * False for a stock marked inactive (delisted): its series are not expected to move. A configured symbol
     * ({@code stockula.yahoo.symbols}) is expected to move whatever its state: if it was deactivated by mistake,
     * the freshness check is what notices.
     */
    public boolean isActive(String symbol) throws SQLException {
        StockRow row = stocks().get(symbol);
        return row == null || row.active || settings.configuredSymbols().contains(symbol);
    }

    private Map<String, StockRow> stocks() throws SQLException {
        if (stocks == null) {
            Map<String, StockRow> m = new LinkedHashMap<>();
            try (Statement st = connection.createStatement();
                 ResultSet rs = st.executeQuery("SELECT symbol, exchange_timezone, is_active FROM stocks")) {
                while (rs.next()) {
                    m.put(rs.getString(1), new StockRow(parseZone(rs.getString(2)), rs.getBoolean(3)));
                }
            }
            stocks = m;
        }
        return stocks;
    }

    private static ZoneId parseZone(String id) {
        if (id == null || id.isBlank()) {
            return null;
        }
        try {
            return ZoneId.of(id.trim());
        } catch (DateTimeException e) {
            return null;
        }
    }

    public Array textArray(Collection<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray(String[]::new));
    }

    /** The freshness check leaves each series' age here, for the gauges and the report. */
    public List<SeriesAge> seriesAges() {
        return seriesAges;
    }

    public static Set<String> minus(Collection<String> a, Collection<String> b) {
        Set<String> out = new java.util.TreeSet<>(a);
        out.removeAll(b instanceof Set<?> ? b : new HashSet<>(b));
        return out;
    }

    private record StockRow(ZoneId zone, boolean active) {
    }
}
