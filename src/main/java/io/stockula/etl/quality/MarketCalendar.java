package io.stockula.etl.quality;

import java.time.DayOfWeek;
import java.time.LocalDate;

/** Which days a market trades, and how many trading days separate two dates (the freshness measure). */
public interface MarketCalendar {

    /** Crypto and (per the freshness rule) FX: every calendar day counts. */
    MarketCalendar EVERY_DAY = new MarketCalendar() {
        @Override
        public boolean isTradingDay(LocalDate date) {
            return true;
        }

        @Override
        public String name() {
            return "calendar-days";
        }
    };

    /** Exchanges we have no holiday rules for: Monday to Friday. */
    MarketCalendar WEEKDAYS = new MarketCalendar() {
        @Override
        public boolean isTradingDay(LocalDate date) {
            return date.getDayOfWeek() != DayOfWeek.SATURDAY && date.getDayOfWeek() != DayOfWeek.SUNDAY;
        }

        @Override
        public String name() {
            return "weekdays";
        }
    };

    boolean isTradingDay(LocalDate date);

    String name();

    /**
     * The trading days {@code d} with {@code after < d <= upTo}: a bar dated Friday is 1 trading day old on the
     * following Monday (the weekend does not count), 0 on Friday itself, and never negative.
     */
    default long tradingDaysBetween(LocalDate after, LocalDate upTo) {
        if (!upTo.isAfter(after)) {
            return 0;
        }
        long n = 0;
        LocalDate from = after.plusDays(1);
        for (LocalDate d = from; !d.isAfter(upTo); d = d.plusDays(1)) {
            if (isTradingDay(d)) {
                n++;
            }
        }
        return n;
    }
}
