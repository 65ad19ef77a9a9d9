package io.stockula.etl.quality;

import java.time.Instant;
import java.time.LocalDate;

/**
 * How far behind one series (symbol and interval) of price_history is: its newest bar, that bar's trading date
 * in the exchange zone, and the trading days since then by the symbol's calendar.
 */
public record SeriesAge(String symbol, String interval, Instant latest, LocalDate latestDate, String calendar,
                        long ageTradingDays, int maxAge, boolean active) {

    /** Stale: more than {@code maxAge} trading days behind. Inactive (delisted) stocks are never stale. */
    public boolean stale() {
        return active && ageTradingDays > maxAge;
    }
}
