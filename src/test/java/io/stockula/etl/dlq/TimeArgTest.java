package io.stockula.etl.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class TimeArgTest {

    private final Clock clock = Clock.fixed(Instant.parse("2024-06-10T12:00:00Z"), ZoneId.of("Europe/Berlin"));

    @Test
    void agesDatesAndInstants() {
        assertThat(TimeArg.parse("30d", clock)).isEqualTo(Instant.parse("2024-05-11T12:00:00Z"));
        assertThat(TimeArg.parse("12h", clock)).isEqualTo(Instant.parse("2024-06-10T00:00:00Z"));
        assertThat(TimeArg.parse("90m", clock)).isEqualTo(Instant.parse("2024-06-10T10:30:00Z"));
        assertThat(TimeArg.parse("P2D", clock)).isEqualTo(Instant.parse("2024-06-08T12:00:00Z"));
        // dates and local times are in the machine's zone (here Berlin, UTC+2 in June)
        assertThat(TimeArg.parse("2024-06-01", clock)).isEqualTo(Instant.parse("2024-05-31T22:00:00Z"));
        assertThat(TimeArg.parse("2024-06-01T08:30", clock)).isEqualTo(Instant.parse("2024-06-01T06:30:00Z"));
        assertThat(TimeArg.parse("2024-06-01T08:30:00Z", clock)).isEqualTo(Instant.parse("2024-06-01T08:30:00Z"));
        assertThat(TimeArg.parse("2024-06-01T08:30:00-04:00", clock)).isEqualTo(Instant.parse("2024-06-01T12:30:00Z"));
        assertThatThrownBy(() -> TimeArg.parse("yesterday", clock)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a time");
    }
}
