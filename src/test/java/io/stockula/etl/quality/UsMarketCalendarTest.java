package io.stockula.etl.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UsMarketCalendarTest {

    private final UsMarketCalendar cal = new UsMarketCalendar(List.of(LocalDate.of(2025, 1, 9)));

    private static LocalDate d(String s) {
        return LocalDate.parse(s);
    }

    @Test
    void holidays2024AreTheNyseList() {
        // https://www.nyse.com/markets/hours-calendars (2024)
        assertThat(new UsMarketCalendar().holidays(2024)).containsExactlyInAnyOrder(
                d("2024-01-01"), d("2024-01-15"), d("2024-02-19"), d("2024-03-29"), d("2024-05-27"),
                d("2024-06-19"), d("2024-07-04"), d("2024-09-02"), d("2024-11-28"), d("2024-12-25"));
    }

    @Test
    void holidays2025And2023() {
        assertThat(new UsMarketCalendar().holidays(2025)).containsExactlyInAnyOrder(
                d("2025-01-01"), d("2025-01-20"), d("2025-02-17"), d("2025-04-18"), d("2025-05-26"),
                d("2025-06-19"), d("2025-07-04"), d("2025-09-01"), d("2025-11-27"), d("2025-12-25"));
        assertThat(new UsMarketCalendar().holidays(2023)).containsExactlyInAnyOrder(
                d("2023-01-02"), d("2023-01-16"), d("2023-02-20"), d("2023-04-07"), d("2023-05-29"),
                d("2023-06-19"), d("2023-07-04"), d("2023-09-04"), d("2023-11-23"), d("2023-12-25"));
    }

    @Test
    void goodFridayFollowsEaster() {
        assertThat(UsMarketCalendar.easterSunday(2024)).isEqualTo(d("2024-03-31"));
        assertThat(UsMarketCalendar.easterSunday(2019)).isEqualTo(d("2019-04-21"));
        assertThat(UsMarketCalendar.easterSunday(2038)).isEqualTo(d("2038-04-25"));
        assertThat(UsMarketCalendar.easterSunday(2008)).isEqualTo(d("2008-03-23"));
        assertThat(cal.isTradingDay(d("2024-03-29"))).as("Good Friday 2024").isFalse();
        assertThat(cal.isTradingDay(d("2024-03-28"))).isTrue();
        assertThat(cal.isTradingDay(d("2024-04-01"))).as("Easter Monday trades in New York").isTrue();
    }

    @Test
    void observedRules() {
        // New Year's Day on a Saturday is not observed: 31 Dec 2021 traded
        assertThat(cal.isTradingDay(d("2021-12-31"))).isTrue();
        assertThat(new UsMarketCalendar().holidays(2022)).doesNotContain(d("2021-12-31"));
        // on a Sunday it moves to Monday
        assertThat(cal.isTradingDay(d("2023-01-02"))).isFalse();
        assertThat(cal.isTradingDay(d("2017-01-02"))).isFalse();
        // Christmas 2021 (Saturday) observed Friday 24th; 2022 (Sunday) Monday 26th
        assertThat(cal.isTradingDay(d("2021-12-24"))).isFalse();
        assertThat(cal.isTradingDay(d("2022-12-26"))).isFalse();
        // Independence Day 2020 (Saturday) observed Friday 3 July; 2021 (Sunday) Monday 5 July
        assertThat(cal.isTradingDay(d("2020-07-03"))).isFalse();
        assertThat(cal.isTradingDay(d("2021-07-05"))).isFalse();
        assertThat(cal.isTradingDay(d("2026-07-03"))).isFalse();
    }

    @Test
    void juneteenthOnlyFrom2022() {
        assertThat(cal.isTradingDay(d("2021-06-18"))).isTrue();
        assertThat(cal.isTradingDay(d("2020-06-19"))).isTrue();
        assertThat(cal.isTradingDay(d("2022-06-20"))).as("19 June 2022 was a Sunday").isFalse();
        assertThat(cal.isTradingDay(d("2027-06-18"))).as("19 June 2027 is a Saturday").isFalse();
    }

    @Test
    void mondayHolidaysAndThanksgiving() {
        assertThat(cal.isTradingDay(d("2024-01-15"))).as("MLK").isFalse();
        assertThat(cal.isTradingDay(d("2024-02-19"))).as("Presidents").isFalse();
        assertThat(cal.isTradingDay(d("2024-05-27"))).as("Memorial").isFalse();
        assertThat(cal.isTradingDay(d("2024-09-02"))).as("Labor").isFalse();
        assertThat(cal.isTradingDay(d("2024-11-28"))).as("Thanksgiving").isFalse();
        assertThat(cal.isTradingDay(d("2024-11-29"))).as("the day after Thanksgiving closes early but trades").isTrue();
    }

    @Test
    void extraClosuresAndWeekends() {
        assertThat(cal.isTradingDay(d("2025-01-09"))).as("national day of mourning (configured)").isFalse();
        assertThat(new UsMarketCalendar().isTradingDay(d("2025-01-09"))).isTrue();
        assertThat(cal.isTradingDay(d("2024-06-08"))).isFalse();
        assertThat(cal.isTradingDay(d("2024-06-09"))).isFalse();
    }

    @Test
    void tradingDaysBetween() {
        // Friday's bar on Monday: 1 (only Monday counts); on Friday itself: 0
        assertThat(cal.tradingDaysBetween(d("2024-06-07"), d("2024-06-10"))).isEqualTo(1);
        assertThat(cal.tradingDaysBetween(d("2024-06-07"), d("2024-06-07"))).isZero();
        assertThat(cal.tradingDaysBetween(d("2024-06-07"), d("2024-06-01"))).isZero();
        // Thursday before Good Friday to the Tuesday after: Mon, Tue
        assertThat(cal.tradingDaysBetween(d("2024-03-28"), d("2024-04-02"))).isEqualTo(2);
        // a whole year 2024 has 252 trading days
        assertThat(cal.tradingDaysBetween(d("2023-12-31"), d("2024-12-31"))).isEqualTo(252);
        assertThat(MarketCalendar.EVERY_DAY.tradingDaysBetween(d("2024-06-07"), d("2024-06-10"))).isEqualTo(3);
        assertThat(MarketCalendar.WEEKDAYS.tradingDaysBetween(d("2024-03-28"), d("2024-04-02"))).isEqualTo(3);
        assertThat(Set.of(cal.name(), MarketCalendar.EVERY_DAY.name(), MarketCalendar.WEEKDAYS.name())).hasSize(3);
    }
}
