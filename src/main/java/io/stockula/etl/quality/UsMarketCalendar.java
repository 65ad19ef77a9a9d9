package io.stockula.etl.quality;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.temporal.TemporalAdjusters;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The NYSE/Nasdaq full-day closures, computed by rule (no table to keep up to date):
 * New Year's Day (a Sunday is observed on Monday; a Saturday is <b>not</b> observed on the Friday before, which
 * would be the last trading day of the year), Martin Luther King Jr. Day (third Monday of January), Washington's
 * Birthday (third Monday of February), Good Friday (two days before Western Easter, by the Gregorian computus),
 * Memorial Day (last Monday of May), Juneteenth (19 June, from 2022), Independence Day (4 July), Labor Day
 * (first Monday of September), Thanksgiving (fourth Thursday of November) and Christmas (25 December). Fixed-date
 * holidays falling on a Saturday are observed the Friday before, on a Sunday the Monday after.
 * <p>
 * Unscheduled closures (national days of mourning, 9/11, Hurricane Sandy) follow no rule: they come from a
 * configured list ({@code stockula.quality.calendar.extra-closures}). Early closes are trading days.
 */
public final class UsMarketCalendar implements MarketCalendar {

    private final Set<LocalDate> extraClosures;
    private final Map<Integer, Set<LocalDate>> byYear = new ConcurrentHashMap<>();

    public UsMarketCalendar(Collection<LocalDate> extraClosures) {
        this.extraClosures = Set.copyOf(extraClosures);
    }

    public UsMarketCalendar() {
        this(Set.of());
    }

    @Override
    public String name() {
        return "nyse";
    }

    @Override
    public boolean isTradingDay(LocalDate date) {
        DayOfWeek dow = date.getDayOfWeek();
        return dow != DayOfWeek.SATURDAY && dow != DayOfWeek.SUNDAY && !isHoliday(date);
    }

    /** A weekday on which the market is closed (by rule or by the extra list). */
    public boolean isHoliday(LocalDate date) {
        return extraClosures.contains(date) || holidays(date.getYear()).contains(date);
    }

    /** The rule-based closures of a year (weekdays only), sorted. */
    public Set<LocalDate> holidays(int year) {
        return byYear.computeIfAbsent(year, UsMarketCalendar::compute);
    }

    private static Set<LocalDate> compute(int year) {
        Set<LocalDate> h = new TreeSet<>();
        LocalDate newYear = LocalDate.of(year, 1, 1);
        if (newYear.getDayOfWeek() == DayOfWeek.SUNDAY) {
            h.add(newYear.plusDays(1));
        } else if (newYear.getDayOfWeek() != DayOfWeek.SATURDAY) {
            h.add(newYear);
        }
        h.add(nthWeekday(year, Month.JANUARY, DayOfWeek.MONDAY, 3));
        h.add(nthWeekday(year, Month.FEBRUARY, DayOfWeek.MONDAY, 3));
        h.add(easterSunday(year).minusDays(2));
        h.add(LocalDate.of(year, 5, 1).with(TemporalAdjusters.lastInMonth(DayOfWeek.MONDAY)));
        if (year >= 2022) {
            h.add(observed(LocalDate.of(year, 6, 19)));
        }
        h.add(observed(LocalDate.of(year, 7, 4)));
        h.add(nthWeekday(year, Month.SEPTEMBER, DayOfWeek.MONDAY, 1));
        h.add(nthWeekday(year, Month.NOVEMBER, DayOfWeek.THURSDAY, 4));
        h.add(observed(LocalDate.of(year, 12, 25)));
        return Set.copyOf(h);
    }

    /** Saturday → the Friday before, Sunday → the Monday after. */
    static LocalDate observed(LocalDate date) {
        return switch (date.getDayOfWeek()) {
            case SATURDAY -> date.minusDays(1);
            case SUNDAY -> date.plusDays(1);
            default -> date;
        };
    }

    static LocalDate nthWeekday(int year, Month month, DayOfWeek dow, int n) {
        return LocalDate.of(year, month, 1).with(TemporalAdjusters.dayOfWeekInMonth(n, dow));
    }

    /** Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
    static LocalDate easterSunday(int year) {
        int a = year % 19;
        int b = year / 100;
        int c = year % 100;
        int d = b / 4;
        int e = b % 4;
        int f = (b + 8) / 25;
        int g = (b - f + 1) / 3;
        int h = (19 * a + b - d - g + 15) % 30;
        int i = c / 4;
        int k = c % 4;
        int l = (32 + 2 * e + 2 * i - h - k) % 7;
        int m = (a + 11 * h + 22 * l) / 451;
        int month = (h + l - 7 * m + 114) / 31;
        int day = ((h + l - 7 * m + 114) % 31) + 1;
        return LocalDate.of(year, month, day);
    }
}
