package io.stockula.etl.source.yahoo;

import io.stockula.etl.transform.TradingDates;
import java.time.Duration;
import java.util.List;

/**
 * Yahoo's chart intervals and the limits it enforces on them (HTTP 422 when broken, no partial data):
 * 1m bars only within the last 30 days and at most 7 days per request (8 since 2026; 7 is safe for both),
 * 2m..90m within the last 60 days, 60m/1h within the last 730 days, daily and longer without limit.
 */
public final class Intervals {

    public static final List<String> SUPPORTED =
            List.of("1m", "2m", "5m", "15m", "30m", "60m", "90m", "1h", "1d", "5d", "1wk", "1mo", "3mo");

    /** Kept off every limit so that a window computed a little before the request is still inside it. */
    static final Duration SAFETY = Duration.ofDays(1);

    private Intervals() {
    }

    public static boolean isSupported(String interval) {
        return SUPPORTED.contains(interval);
    }

    public static boolean isIntraday(String interval) {
        return !TradingDates.isDailyOrLonger(interval);
    }

    /** The nominal length of one bar (a month counts 31 days, a quarter 92: used for overlaps only). */
    public static Duration barLength(String interval) {
        return switch (interval) {
            case "1h" -> Duration.ofMinutes(60);
            case "1d" -> Duration.ofDays(1);
            case "5d" -> Duration.ofDays(5);
            case "1wk" -> Duration.ofDays(7);
            case "1mo" -> Duration.ofDays(31);
            case "3mo" -> Duration.ofDays(92);
            default -> Duration.ofMinutes(Long.parseLong(interval.substring(0, interval.length() - 1)));
        };
    }

    /** How far back Yahoo serves this interval; null when there is no limit. */
    public static Duration lookback(String interval) {
        return switch (interval) {
            case "1m" -> Duration.ofDays(30);
            case "2m", "5m", "15m", "30m", "90m" -> Duration.ofDays(60);
            case "60m", "1h" -> Duration.ofDays(730);
            default -> null;
        };
    }

    /** The widest window one request may ask for; null when there is no limit. */
    public static Duration maxSpan(String interval) {
        return "1m".equals(interval) ? Duration.ofDays(7) : null;
    }
}
