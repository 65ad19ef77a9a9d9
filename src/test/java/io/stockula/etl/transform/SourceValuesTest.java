package io.stockula.etl.transform;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.load.Row;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceValuesTest {

    private final Row row = new Row(1, "k", Map.of());

    @Test
    void readsBothSqlalchemyTimestampFormatsAsUtc() {
        assertThat(SourceValues.timestamp("2025-08-05 13:54:05.501435", "t", row))
                .isEqualTo(OffsetDateTime.parse("2025-08-05T13:54:05.501435Z"));
        assertThat(SourceValues.timestamp("2025-08-05 13:54:05", "t", row)).isEqualTo(OffsetDateTime.parse("2025-08-05T13:54:05Z"));
        assertThat(SourceValues.timestamp("2025-08-05T13:54:05+02:00", "t", row))
                .isEqualTo(OffsetDateTime.parse("2025-08-05T11:54:05Z"));
        assertThat(SourceValues.timestamp("2025-08-05", "t", row)).isEqualTo(OffsetDateTime.parse("2025-08-05T00:00:00Z"));
        assertThat(row.reasons()).isEmpty();
        assertThat(SourceValues.timestamp("yesterday", "updated_at", row)).isNull();
        assertThat(row.reasons()).containsExactly("date_invalid:updated_at");
    }

    @Test
    void datesMustBeIso() {
        assertThat(SourceValues.date("2024-02-29", "date", row)).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(SourceValues.date("2023-02-29", "date", row)).isNull();
        assertThat(SourceValues.date("08/11/2025", "date", row)).isNull();
        assertThat(SourceValues.date(20250811, "date", row)).isNull();
        assertThat(row.reasons()).containsExactly("date_invalid:date");
    }

    @Test
    void numbersAreTakenAsStoredOrRejected() {
        assertThat(SourceValues.real(49.2220936764523, "p", row)).isEqualTo(49.2220936764523);
        assertThat(SourceValues.real("1.5e3", "p", row)).isEqualTo(1500.0);
        assertThat(SourceValues.real("", "p", row)).isNull();
        assertThat(SourceValues.integer(411254000.0, "v", row)).isEqualTo(411_254_000L);
        assertThat(SourceValues.integer(9_000_000_000L, "v", row)).isEqualTo(9_000_000_000L);
        assertThat(row.reasons()).isEmpty();
        assertThat(SourceValues.real("N/A", "open_price", row)).isNull();
        assertThat(SourceValues.integer(1.5, "volume", row)).isNull();
        assertThat(row.reasons()).containsExactly("not_numeric:open_price", "not_integer:volume");
    }

    @Test
    void booleansAndEmptyText() {
        assertThat(SourceValues.bool(1, "b", row)).isTrue();
        assertThat(SourceValues.bool("0", "b", row)).isFalse();
        assertThat(SourceValues.bool("maybe", "b", row)).isNull();
        assertThat(row.reasons()).containsExactly("not_boolean:b");
        assertThat(SourceValues.optionalText("")).isNull();
        assertThat(SourceValues.text("")).isEmpty();
    }
}
