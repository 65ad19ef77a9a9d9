package io.stockula.etl.source.yahoo;

import io.stockula.etl.transform.TradingDates;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides the window of each chart call:
 * <ul>
 *   <li>first sight of a symbol+interval: the whole history (from 1900-01-01, what yfinance sends for "max";
 *       {@code period1=0} would miss pre-1970 history such as ^GSPC's);</li>
 *   <li>afterwards: from the last stored bar minus an overlap, so that revised bars and the live last bar of the
 *       previous pull are read again and rewritten (daily and longer: {@code stockula.yahoo.prices.overlap},
 *       at least two bars; intraday: {@code intraday-overlap-bars} bars);</li>
 *   <li>intraday windows clamped to what Yahoo serves (1m 30 days, 2m..90m 60 days, 1h 730 days, a day of
 *       margin each) and cut into requests Yahoo accepts (1m: 7 days each). Asking beyond the limit gets a 422
 *       and no data at all.</li>
 * </ul>
 * Windows are {@code [period1, period2)} in epoch seconds, period2 = now.
 */
public final class WindowPlanner {

    /** 1900-01-01T00:00:00Z. */
    public static final long ALL_HISTORY = -2208988800L;

    private final YahooSettings settings;
    private final TradingDates dates;

    public WindowPlanner(YahooSettings settings, TradingDates dates) {
        this.settings = settings;
        this.dates = dates;
    }

    /** The scheduled pull: incremental when something is stored, the whole history otherwise. */
    public List<ChartRequest> plan(Long runId, String symbol, String interval, Instant lastStored, Instant now) {
        if (lastStored == null) {
            return wholeHistory(runId, symbol, interval, now, ChartRequest.FIRST);
        }
        long from = lastStored.minus(overlap(interval)).getEpochSecond();
        return window(runId, symbol, interval, from, now.getEpochSecond(), ChartRequest.INCREMENTAL, now);
    }

    public List<ChartRequest> wholeHistory(Long runId, String symbol, String interval, Instant now, String reason) {
        return window(runId, symbol, interval, ALL_HISTORY, now.getEpochSecond(), reason, now);
    }

    /**
     * A backfill: {@code from} and {@code to} are trading dates in the symbol's exchange zone, both included
     * ({@code --to 2024-12-31} includes the 31st); either may be null (the whole history / up to now).
     */
    public List<ChartRequest> backfill(Long runId, String symbol, String interval, LocalDate from, LocalDate to, Instant now) {
        ZoneId zone = dates.zoneOf(symbol);
        long p1 = from == null ? ALL_HISTORY : from.atStartOfDay(zone).toEpochSecond();
        long p2 = to == null ? now.getEpochSecond()
                : Math.min(now.getEpochSecond(), to.plusDays(1).atStartOfDay(zone).toEpochSecond());
        return window(runId, symbol, interval, p1, p2, ChartRequest.BACKFILL, now);
    }

    /** How far before the last stored bar an incremental pull starts. */
    public Duration overlap(String interval) {
        Duration bar = Intervals.barLength(interval);
        if (Intervals.isIntraday(interval)) {
            return bar.multipliedBy(Math.max(1, settings.intradayOverlapBars()));
        }
        Duration twoBars = bar.multipliedBy(2);
        return settings.overlap().compareTo(twoBars) >= 0 ? settings.overlap() : twoBars;
    }

    List<ChartRequest> window(Long runId, String symbol, String interval, long p1, long p2, String reason, Instant now) {
        Duration lookback = Intervals.lookback(interval);
        if (lookback != null) {
            long earliest = now.minus(lookback).plus(Intervals.SAFETY).getEpochSecond();
            p1 = Math.max(p1, earliest);
        }
        List<ChartRequest> out = new ArrayList<>();
        if (p1 >= p2) {
            return out;
        }
        Duration span = Intervals.maxSpan(interval);
        if (span == null) {
            out.add(new ChartRequest(runId, symbol, interval, p1, p2, reason));
            return out;
        }
        for (long start = p1; start < p2; start += span.getSeconds()) {
            out.add(new ChartRequest(runId, symbol, interval, start, Math.min(p2, start + span.getSeconds()), reason));
        }
        return out;
    }
}
