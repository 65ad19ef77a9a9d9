package io.stockula.etl.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpec;
import io.stockula.etl.load.TableSpecs;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriceBarValidatorTest {

    private static final TableSpec SPEC = TableSpecs.PRICE_HISTORY;

    private static Row bar(String ts, Double o, Double h, Double l, Double c, Long v) {
        return io.stockula.etl.testsupport.PriceBars.bar("AAPL", ts, o, h, l, c, v, "k", Map.of());
    }

    private static java.util.List<String> reasons(Row r) {
        SPEC.validator().validate(r, SPEC);
        return r.reasons();
    }

    @Test
    void acceptsAValidBarAndFlatBarsOfRatesAndFunds() {
        assertThat(reasons(bar("2024-01-02T00:00-05:00", 187.15, 188.44, 183.89, 185.64, 82_488_700L))).isEmpty();
        // ^IRX and mutual funds: O=H=L=C, volume 0
        assertThat(reasons(bar("2024-01-02T00:00-05:00", 0.0421, 0.0421, 0.0421, 0.0421, 0L))).isEmpty();
        // adjusted prices carry float noise: close a hair above high is not a violation
        assertThat(reasons(bar("2024-01-02T00:00-05:00", 49.2220936764523, 49.2730696778324, 47.57, 49.27306967783241, 1L)))
                .isEmpty();
    }

    @Test
    void namesEveryBrokenPriceRule() {
        assertThat(reasons(bar("2024-01-02T00:00-05:00", 10.0, 9.0, 11.0, 10.0, 1L)))
                .containsExactly(Reason.HIGH_BELOW_LOW, Reason.HIGH_BELOW_OPEN_CLOSE, Reason.LOW_ABOVE_OPEN_CLOSE);
        assertThat(reasons(bar("2024-01-02T00:00-05:00", 10.0, 11.0, 9.0, 10.0, -1L))).containsExactly("negative:volume");
        assertThat(reasons(bar("2024-01-02T00:00-05:00", -1.0, 11.0, 9.0, 10.0, 1L))).containsExactly("negative:open_price");
        assertThat(reasons(bar("2024-01-02T00:00-05:00", Double.NaN, 11.0, 9.0, 10.0, 1L))).containsExactly("not_finite:open_price");
        assertThat(reasons(bar("2024-01-02T00:00-05:00", null, null, null, null, 1L))).containsExactly(Reason.PRICES_MISSING);
    }

    @Test
    void rejectsFarFutureAndMissingTimes() {
        assertThat(reasons(bar("2099-01-02T00:00-05:00", 1.0, 1.0, 1.0, 1.0, 1L))).containsExactly("date_in_future:timestamp");
        assertThat(reasons(bar(null, 1.0, 1.0, 1.0, 1.0, 1L))).containsExactly("required_missing:timestamp");
    }
}
