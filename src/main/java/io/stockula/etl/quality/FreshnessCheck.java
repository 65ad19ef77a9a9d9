package io.stockula.etl.quality;

import io.stockula.etl.transform.TradingDates;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Freshness: for every series (symbol and interval) of price_history, the age of its newest bar in
 * <b>trading days</b>: the trading days after the bar's trading date (its date in the exchange zone), up to and
 * including today in that zone. A bar dated Friday is 1 trading day old all Monday, so a Monday morning is not
 * stale; it is 0 on the day itself. A series is stale when its age exceeds the interval's allowance
 * ({@code stockula.quality.freshness.max-age}, 1 trading day for 1d bars), unless its stock is inactive.
 * <p>
 * Calendars: US listings (an America/New_York, Chicago, ... zone) use {@link UsMarketCalendar}; crypto (a UTC
 * zone, or shaped like {@code BTC-USD}) counts every calendar day; FX ({@code EURUSD=X}) counts Monday to Friday:
 * the currency market closes from Friday evening to Sunday evening and Yahoo's daily FX series has no weekend
 * bars, so calendar days would make every FX pair stale each Sunday and Monday; any other exchange counts Monday
 * to Friday too (no holiday rules for it).
 * <p>
 * The newest bar of each series comes from a loose index scan over the primary key (symbol, interval_type,
 * "timestamp"): one short index descent per series, not a scan of the table.
 */
public final class FreshnessCheck implements QualityCheck {

    static final String LATEST_SQL = """
            WITH RECURSIVE k AS (
              (SELECT symbol, interval_type FROM price_history ORDER BY symbol, interval_type LIMIT 1)
              UNION ALL
              SELECT n.symbol, n.interval_type FROM k CROSS JOIN LATERAL (
                SELECT p.symbol, p.interval_type FROM price_history p
                WHERE (p.symbol, p.interval_type) > (k.symbol, k.interval_type)
                ORDER BY p.symbol, p.interval_type LIMIT 1) n)
            SELECT k.symbol, k.interval_type,
                   (SELECT max(p."timestamp") FROM price_history p
                    WHERE p.symbol = k.symbol AND p.interval_type = k.interval_type) AS latest
            FROM k""";

    static final Set<String> US_ZONES = Set.of("America/New_York", "America/Chicago", "America/Denver",
            "America/Los_Angeles", "America/Phoenix", "America/Detroit", "America/Anchorage", "Pacific/Honolulu",
            "US/Eastern", "US/Central", "US/Mountain", "US/Pacific", "EST5EDT", "CST6CDT");

    static final int NAMED = 50;

    @Override
    public String name() {
        return "freshness";
    }

    @Override
    public Dimension dimension() {
        return Dimension.FRESHNESS;
    }

    /** The calendar a symbol's age is counted in. */
    static MarketCalendar calendarFor(String symbol, ZoneId zone, UsMarketCalendar us) {
        if (symbol.endsWith("=X")) {
            return MarketCalendar.WEEKDAYS;
        }
        if (isUtc(zone) || isUtc(TradingDates.inferZone(symbol))) {
            return MarketCalendar.EVERY_DAY;
        }
        return US_ZONES.contains(zone.getId()) ? us : MarketCalendar.WEEKDAYS;
    }

    private static boolean isUtc(ZoneId zone) {
        return zone.normalized().equals(ZoneOffset.UTC) || zone.getId().equals("UTC") || zone.getId().equals("Etc/UTC")
                || zone.getId().equals("GMT");
    }

    @Override
    public List<CheckResult> run(QualityContext ctx) throws SQLException {
        List<SeriesAge> ages = measure(ctx);
        ctx.seriesAges().clear();
        ctx.seriesAges().addAll(ages);
        Map<String, List<SeriesAge>> byInterval = new TreeMap<>();
        for (SeriesAge a : ages) {
            byInterval.computeIfAbsent(a.interval(), k -> new ArrayList<>()).add(a);
        }
        List<CheckResult> out = new ArrayList<>();
        for (Map.Entry<String, List<SeriesAge>> e : byInterval.entrySet()) {
            List<SeriesAge> stale = e.getValue().stream().filter(SeriesAge::stale)
                    .sorted((a, b) -> Long.compare(b.ageTradingDays(), a.ageTradingDays())).toList();
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("series", e.getValue().size());
            d.put("max_age_trading_days", ctx.settings().freshnessMaxAge(e.getKey()));
            d.put("oldest_age_trading_days", e.getValue().stream().filter(SeriesAge::active)
                    .mapToLong(SeriesAge::ageTradingDays).max().orElse(0));
            d.put("stale_symbols", stale.stream().limit(NAMED).map(FreshnessCheck::describe).toList());
            out.add(CheckResult.atMost(QualityTables.PRICES, Dimension.FRESHNESS, "stale_series", e.getKey(),
                    stale.size(), 0, d));
            for (SeriesAge a : stale) {
                out.add(CheckResult.atMost(QualityTables.PRICES, Dimension.FRESHNESS, "series_age",
                        a.symbol() + "/" + a.interval(), a.ageTradingDays(), a.maxAge(), describe(a)));
            }
        }
        return out;
    }

    static Map<String, Object> describe(SeriesAge a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("symbol", a.symbol());
        m.put("interval", a.interval());
        m.put("age_trading_days", a.ageTradingDays());
        m.put("latest", a.latest().toString());
        m.put("latest_trading_date", a.latestDate().toString());
        m.put("calendar", a.calendar());
        return m;
    }

    /** Every series with the age of its newest bar (stale or not). */
    public static List<SeriesAge> measure(QualityContext ctx) throws SQLException {
        List<SeriesAge> out = new ArrayList<>();
        try (Statement st = ctx.connection().createStatement(); ResultSet rs = st.executeQuery(LATEST_SQL)) {
            while (rs.next()) {
                String symbol = rs.getString(1);
                String interval = rs.getString(2);
                Instant latest = rs.getObject(3, java.time.OffsetDateTime.class).toInstant();
                ZoneId zone = ctx.zoneOf(symbol);
                MarketCalendar cal = calendarFor(symbol, zone, ctx.usCalendar());
                LocalDate latestDate = latest.atZone(zone).toLocalDate();
                LocalDate today = LocalDate.now(ctx.clock().withZone(zone));
                long age = cal.tradingDaysBetween(latestDate, today);
                out.add(new SeriesAge(symbol, interval, latest, latestDate, cal.name(), age,
                        ctx.settings().freshnessMaxAge(interval), ctx.isActive(symbol)));
            }
        }
        return out;
    }
}
