package io.stockula.etl.source.yahoo;

import io.stockula.etl.transform.TradingDates;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * What the Yahoo jobs read from and note in the database besides the batches: the active symbols, each
 * symbol's exchange zone and instrument type, the last stored bar per symbol and interval, the stored split
 * dates, and the inactive mark of a symbol Yahoo no longer knows.
 */
public final class StockDirectory {

    /** inactive_reason prefix of the marks this pipeline sets (and may lift again). */
    public static final String REASON_PREFIX = "yahoo ";

    private final DataSource dataSource;
    private final Map<String, String> described = new ConcurrentHashMap<>();
    /** symbols with a 404 streak in etl_symbol_misses (read once, then kept up to date by this process) */
    private final Set<String> missed = ConcurrentHashMap.newKeySet();
    private volatile boolean missesLoaded;

    public StockDirectory(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public List<String> activeSymbols() throws SQLException {
        return strings("SELECT symbol FROM stocks WHERE is_active ORDER BY symbol");
    }

    public Set<String> inactiveSymbols() throws SQLException {
        return new HashSet<>(strings("SELECT symbol FROM stocks WHERE NOT is_active"));
    }

    /** symbol -> instrument_type for the active symbols that have one. */
    public Map<String, String> instrumentTypes() throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT symbol, instrument_type FROM stocks WHERE instrument_type IS NOT NULL")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    /** Teaches the trading-date rule the zones stocks.exchange_timezone holds. */
    public void loadZones(TradingDates dates) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT symbol, exchange_timezone FROM stocks WHERE exchange_timezone IS NOT NULL")) {
            while (rs.next()) {
                try {
                    dates.remember(rs.getString(1), rs.getString(2));
                } catch (java.time.DateTimeException e) {
                    // an unknown zone name in the table: the symbol's shape decides instead
                }
            }
        }
    }

    /** The newest stored bar of each symbol for one interval (one index probe per symbol, one round trip). */
    public Map<String, Instant> lastBars(String interval, Collection<String> symbols) throws SQLException {
        return lastBars(interval, symbols, null);
    }

    /**
     * As {@link #lastBars(String, Collection)}, counting only the bars of one source (null: any): the Yahoo window
     * starts from Yahoo's own last bar, so that a history only migrated is reloaded whole on the current basis.
     */
    public Map<String, Instant> lastBars(String interval, Collection<String> symbols, String source) throws SQLException {
        Map<String, Instant> out = new HashMap<>();
        if (symbols.isEmpty()) {
            return out;
        }
        String sql = "SELECT s.symbol, (SELECT max(p.\"timestamp\") FROM price_history p WHERE p.symbol = s.symbol"
                + " AND p.interval_type = ?" + (source == null ? "" : " AND p.source = '" + source.replace("'", "") + "'")
                + ") FROM unnest(?::text[]) AS s(symbol)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, interval);
            Array arr = c.createArrayOf("text", symbols.toArray());
            ps.setArray(2, arr);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    java.sql.Timestamp t = rs.getTimestamp(2);
                    if (t != null) {
                        out.put(rs.getString(1), t.toInstant());
                    }
                }
            }
        }
        return out;
    }

    /** Whether bars of the symbol and interval are stored from before {@code before} (epoch seconds). */
    public boolean hasBarsBefore(String symbol, String interval, long before) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM price_history WHERE symbol = ?"
                     + " AND interval_type = ? AND \"timestamp\" < to_timestamp(?))")) {
            ps.setString(1, symbol);
            ps.setString(2, interval);
            ps.setLong(3, before);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    public Set<LocalDate> splitDates(String symbol) throws SQLException {
        return eventDates("splits", symbol);
    }

    public Set<LocalDate> dividendDates(String symbol) throws SQLException {
        return eventDates("dividends", symbol);
    }

    /** The (symbol, interval) pairs whose rebase is owed: a whole-history reload that has not committed yet. */
    public Set<String> pendingRebases() throws SQLException {
        return new HashSet<>(strings("SELECT symbol || '|' || interval_type FROM price_rebases"));
    }

    /**
     * Notes, at once and on its own, that these intervals of the symbol must be reloaded whole: the note goes only
     * with the reload's own transaction, so a reload that fails, is throttled or is killed is planned again.
     */
    public void oweRebase(String symbol, Collection<String> intervals, String reason) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO"
                + " price_rebases (symbol, interval_type, reason) VALUES (?,?,?) ON CONFLICT (symbol, interval_type)"
                + " DO UPDATE SET reason = EXCLUDED.reason, detected_at = now()")) {
            for (String interval : intervals) {
                ps.setString(1, symbol);
                ps.setString(2, interval);
                ps.setString(3, reason.length() > 500 ? reason.substring(0, 500) : reason);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private Set<LocalDate> eventDates(String table, String symbol) throws SQLException {
        Set<LocalDate> out = new HashSet<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT date FROM " + table + " WHERE symbol = ?")) {
            ps.setString(1, symbol);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getObject(1, LocalDate.class));
                }
            }
        }
        return out;
    }

    /**
     * Notes what Yahoo says about a symbol: its zone and instrument type always; name, exchange and currency only
     * where the row has none (quoteSummary owns those). A symbol this pipeline had marked inactive is active
     * again once Yahoo serves bars for it. Skipped when nothing changed since the last call in this process.
     */
    public void describe(String symbol, String zone, String instrumentType, String exchange, String currency,
                         String name, boolean hasBars) throws SQLException {
        if (hasBars) {
            clearMisses(symbol);
        }
        String signature = zone + "|" + instrumentType + "|" + exchange + "|" + currency + "|" + name + "|" + hasBars;
        if (Objects.equals(described.get(symbol), signature)) {
            return;
        }
        String sql = "INSERT INTO stocks AS s (symbol, exchange_timezone, instrument_type, exchange, currency, name)"
                + " VALUES (?,?,?,?,?,?) ON CONFLICT (symbol) DO UPDATE SET"
                + " exchange_timezone = coalesce(EXCLUDED.exchange_timezone, s.exchange_timezone),"
                + " instrument_type = coalesce(EXCLUDED.instrument_type, s.instrument_type),"
                + " exchange = coalesce(s.exchange, EXCLUDED.exchange),"
                + " currency = coalesce(s.currency, EXCLUDED.currency),"
                + " name = coalesce(s.name, EXCLUDED.name),"
                + " is_active = s.is_active OR (? AND s.inactive_reason LIKE 'yahoo %'),"
                + " inactive_reason = CASE WHEN ? AND s.inactive_reason LIKE 'yahoo %' THEN NULL ELSE s.inactive_reason END,"
                + " updated_at = now()"
                + " WHERE (s.exchange_timezone, s.instrument_type) IS DISTINCT FROM"
                + " (coalesce(EXCLUDED.exchange_timezone, s.exchange_timezone), coalesce(EXCLUDED.instrument_type, s.instrument_type))"
                + " OR (s.exchange IS NULL AND EXCLUDED.exchange IS NOT NULL)"
                + " OR (s.currency IS NULL AND EXCLUDED.currency IS NOT NULL)"
                + " OR (s.name IS NULL AND EXCLUDED.name IS NOT NULL)"
                + " OR (? AND NOT s.is_active AND s.inactive_reason LIKE 'yahoo %')";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, symbol);
            ps.setString(2, zone);
            ps.setString(3, instrumentType);
            ps.setString(4, exchange);
            ps.setString(5, currency);
            ps.setString(6, name);
            ps.setBoolean(7, hasBars);
            ps.setBoolean(8, hasBars);
            ps.setBoolean(9, hasBars);
            ps.executeUpdate();
        }
        described.put(symbol, signature);
    }

    /**
     * Counts a 404 for the symbol (etl_symbol_misses) and returns the streak: how many 404s since the first one
     * not followed by a served bar, and how long ago that first one was.
     */
    public MissStreak recordMiss(String symbol, String reason) throws SQLException {
        String sql = "INSERT INTO etl_symbol_misses AS m (symbol, last_reason) VALUES (?, ?) ON CONFLICT (symbol) DO UPDATE"
                + " SET misses = m.misses + 1, last_miss = now(), last_reason = EXCLUDED.last_reason"
                + " RETURNING misses, extract(epoch FROM now() - first_miss)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, symbol);
            ps.setString(2, reason);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                missed.add(symbol);
                return new MissStreak(rs.getInt(1), java.time.Duration.ofSeconds((long) rs.getDouble(2)));
            }
        }
    }

    /** Yahoo served bars for the symbol: its 404 streak, if any, is over. */
    public void clearMisses(String symbol) throws SQLException {
        if (!missesLoaded) {
            missed.addAll(strings("SELECT symbol FROM etl_symbol_misses"));
            missesLoaded = true;
        }
        if (missed.remove(symbol)) {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("DELETE FROM etl_symbol_misses WHERE symbol = ?")) {
                ps.setString(1, symbol);
                ps.executeUpdate();
            }
        }
    }

    /** How many 404s in a row a symbol has had, over how long. */
    public record MissStreak(int misses, java.time.Duration since) {
    }

    /**
     * Makes symbols active again (whatever marked them inactive) and forgets their 404 streak. Returns, per symbol
     * found in stocks, the reason it had been inactive for (null: it was active).
     */
    public Map<String, String> reactivate(java.util.Collection<String> symbols) throws SQLException {
        Map<String, String> found = new java.util.LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement get = c.prepareStatement("SELECT is_active, inactive_reason FROM stocks WHERE symbol = ? FOR UPDATE");
                 PreparedStatement set = c.prepareStatement("UPDATE stocks SET is_active = true, inactive_reason = NULL,"
                         + " updated_at = now() WHERE symbol = ? AND NOT is_active");
                 PreparedStatement forget = c.prepareStatement("DELETE FROM etl_symbol_misses WHERE symbol = ?")) {
                for (String symbol : symbols) {
                    get.setString(1, symbol);
                    try (ResultSet rs = get.executeQuery()) {
                        if (!rs.next()) {
                            continue;
                        }
                        found.put(symbol, rs.getBoolean(1) ? null : String.valueOf(rs.getString(2)));
                    }
                    set.setString(1, symbol);
                    set.executeUpdate();
                    forget.setString(1, symbol);
                    forget.executeUpdate();
                    missed.remove(symbol);
                    described.remove(symbol);
                }
            }
            c.commit();
        }
        return found;
    }

    /** Marks a symbol inactive (creating its row if needed): scheduled pulls skip it from now on. */
    public void markInactive(String symbol, String reason) throws SQLException {
        String sql = "INSERT INTO stocks AS s (symbol, is_active, inactive_reason) VALUES (?, false, ?)"
                + " ON CONFLICT (symbol) DO UPDATE SET is_active = false, inactive_reason = EXCLUDED.inactive_reason,"
                + " updated_at = now()";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, symbol);
            ps.setString(2, reason.length() > 500 ? reason.substring(0, 500) : reason);
            ps.executeUpdate();
        }
        described.remove(symbol);
    }

    private List<String> strings(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
