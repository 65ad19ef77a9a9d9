package io.stockula.etl.transform;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one rule both doors use to place a bar in time, so that a bar migrated from SQLite and the same bar
 * pulled from Yahoo are the same row:
 * <ul>
 *   <li>a daily or longer bar ({@code 1d, 5d, 1wk, 1mo, 3mo}) is stamped at <b>midnight of its trading date in
 *       the exchange's time zone</b>;</li>
 *   <li>an intraday bar keeps its exact instant.</li>
 * </ul>
 * The zone of a symbol is the IANA zone Yahoo reports ({@code meta.exchangeTimezoneName}, remembered in
 * {@code stocks.exchange_timezone}); for a symbol Yahoo has not described yet it is inferred from the symbol's
 * shape: crypto ({@code BTC-USD}) UTC, FX ({@code EURUSD=X}) Europe/London, exchange suffixes ({@code .DE}
 * Europe/Berlin, {@code .L} Europe/London, ...), and America/New_York otherwise (US listings, ^GSPC, mutual funds).
 */
public final class TradingDates {

    public static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    public static final Set<String> DAILY_OR_LONGER = Set.of("1d", "5d", "1wk", "1mo", "3mo");

    private static final Map<String, ZoneId> SUFFIX_ZONES = new LinkedHashMap<>();
    private static final Map<String, ZoneId> INDEX_ZONES = Map.of(
            "^NSEI", ZoneId.of("Asia/Kolkata"), "^BSESN", ZoneId.of("Asia/Kolkata"), "^N225", ZoneId.of("Asia/Tokyo"),
            "^HSI", ZoneId.of("Asia/Hong_Kong"), "^FTSE", ZoneId.of("Europe/London"), "^GDAXI", ZoneId.of("Europe/Berlin"),
            "^FCHI", ZoneId.of("Europe/Paris"), "^STOXX50E", ZoneId.of("Europe/Berlin"), "^AXJO", ZoneId.of("Australia/Sydney"),
            "^GSPTSE", ZoneId.of("America/Toronto"));
    private static final Set<String> CRYPTO_QUOTES = Set.of("USD", "USDT", "USDC", "EUR", "GBP", "BTC", "ETH", "JPY");

    static {
        zone("Europe/Berlin", ".DE", ".F", ".BE", ".DU", ".HM", ".MU", ".SG");
        zone("Europe/London", ".L", ".IL");
        zone("Europe/Paris", ".PA");
        zone("Europe/Amsterdam", ".AS");
        zone("Europe/Brussels", ".BR");
        zone("Europe/Madrid", ".MC");
        zone("Europe/Rome", ".MI");
        zone("Europe/Zurich", ".SW");
        zone("Europe/Stockholm", ".ST");
        zone("Europe/Oslo", ".OL");
        zone("Europe/Copenhagen", ".CO");
        zone("Europe/Helsinki", ".HE");
        zone("Europe/Vienna", ".VI");
        zone("Europe/Lisbon", ".LS");
        zone("Europe/Dublin", ".IR");
        zone("Europe/Warsaw", ".WA");
        zone("America/Toronto", ".TO", ".V", ".CN", ".NE");
        zone("America/Sao_Paulo", ".SA");
        zone("America/Mexico_City", ".MX");
        zone("Asia/Tokyo", ".T");
        zone("Asia/Hong_Kong", ".HK");
        zone("Asia/Shanghai", ".SS", ".SZ");
        zone("Asia/Kolkata", ".NS", ".BO");
        zone("Asia/Singapore", ".SI");
        zone("Asia/Seoul", ".KS", ".KQ");
        zone("Asia/Taipei", ".TW", ".TWO");
        zone("Australia/Sydney", ".AX");
        zone("Pacific/Auckland", ".NZ");
        zone("Africa/Johannesburg", ".JO");
        zone("Asia/Jerusalem", ".TA");
    }

    private final Map<String, ZoneId> known = new ConcurrentHashMap<>();
    private final Map<String, ZoneId> inferred = new ConcurrentHashMap<>();
    private final Map<ZoneId, Map<LocalDate, OffsetDateTime>> midnights = new ConcurrentHashMap<>();

    private static void zone(String zone, String... suffixes) {
        for (String s : suffixes) {
            SUFFIX_ZONES.put(s, ZoneId.of(zone));
        }
    }

    /** Remembers a zone Yahoo reported (or stocks.exchange_timezone holds) for a symbol. */
    public void remember(String symbol, String ianaZone) {
        if (symbol != null && ianaZone != null && !ianaZone.isBlank()) {
            known.put(symbol, ZoneId.of(ianaZone));
        }
    }

    public ZoneId zoneOf(String symbol) {
        ZoneId z = known.get(symbol);
        if (z == null) {
            z = inferred.computeIfAbsent(symbol == null ? "" : symbol, TradingDates::inferZone);
        }
        return z;
    }

    /** The zone a symbol's shape implies (see the class comment). */
    public static ZoneId inferZone(String symbol) {
        if (symbol == null) {
            return NEW_YORK;
        }
        if (symbol.endsWith("=X")) {
            return ZoneId.of("Europe/London");
        }
        ZoneId index = INDEX_ZONES.get(symbol);
        if (index != null) {
            return index;
        }
        int dash = symbol.lastIndexOf('-');
        if (dash > 0 && CRYPTO_QUOTES.contains(symbol.substring(dash + 1)) && symbol.indexOf('.') < 0) {
            return ZoneId.of("UTC");
        }
        int dot = symbol.lastIndexOf('.');
        if (dot > 0) {
            ZoneId z = SUFFIX_ZONES.get(symbol.substring(dot));
            if (z != null) {
                return z;
            }
        }
        return NEW_YORK;
    }

    /** Midnight of a trading date in the symbol's zone: the timestamp of that day's (or week's...) bar. */
    public OffsetDateTime barStart(String symbol, LocalDate tradingDate) {
        return midnight(zoneOf(symbol), tradingDate);
    }

    public OffsetDateTime midnight(ZoneId zone, LocalDate date) {
        return midnights.computeIfAbsent(zone, z -> new ConcurrentHashMap<>())
                .computeIfAbsent(date, d -> d.atStartOfDay(zone).toOffsetDateTime());
    }

    /**
     * The trading date of a bar Yahoo stamped at {@code epochSeconds}. Daily bars come stamped at the session
     * open (09:30 New York, 07:00Z Xetra), or at the last trade for the live bar; some arrive at 22:00/23:00 of the
     * previous local day because of a Yahoo DST bug, which is shifted forward as yfinance does.
     */
    public static LocalDate tradingDate(long epochSeconds, ZoneId zone) {
        ZonedDateTime local = Instant.ofEpochSecond(epochSeconds).atZone(zone);
        if (local.getMinute() == 0 && local.getSecond() == 0 && local.getHour() >= 22) {
            return local.toLocalDate().plusDays(1);
        }
        return local.toLocalDate();
    }

    public static boolean isDailyOrLonger(String interval) {
        return DAILY_OR_LONGER.contains(interval);
    }
}
