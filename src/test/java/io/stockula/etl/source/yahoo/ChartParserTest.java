package io.stockula.etl.source.yahoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChartParserTest {

    private final ChartParser parser = new ChartParser();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsBarsEventsAndMetaByName() {
        ChartData d = parser.parse(bytes(FakeYahoo.fixture("chart_MSFT_1d.json")), "MSFT");
        assertThat(d.symbol()).isEqualTo("MSFT");
        assertThat(d.exchangeTimezoneName()).isEqualTo("America/New_York");
        assertThat(d.instrumentType()).isEqualTo("EQUITY");
        assertThat(d.size()).isEqualTo(10);
        assertThat(d.close()[0]).isEqualTo(242.82000732421875); // quote keys come in another order in this fixture
        assertThat(d.adjclose()).hasSize(10);
        assertThat(d.adjclose()[0]).isEqualTo(242.82000732421875);
        assertThat(d.adjclose()[3]).isNull();
        assertThat(d.volume()[0]).isEqualTo(22186700L);
        assertThat(d.allPricesNull(3)).isTrue();
        assertThat(d.volume()[3]).isNull();
        assertThat(d.dividends()).containsExactly(new ChartData.Dividend(1613572200L, 0.56));
        assertThat(d.splits()).isEmpty();
    }

    @Test
    void splitsTakeTheirDateAndRatioAndAcceptIntegerTokens() {
        String body = """
                {"chart":{"result":[{"meta":{"symbol":"X"},"timestamp":[100],"events":{"splits":{"99":{"date":100,
                "numerator":4,"denominator":1,"splitRatio":"4:1"},"98":{"date":50,"splitRatio":"3:2"}}},
                "indicators":{"quote":[{"open":[1],"high":[2],"low":[1],"close":[2],"volume":[7]}]}}],"error":null}}""";
        ChartData d = parser.parse(bytes(body), "X");
        assertThat(d.splits()).extracting(ChartData.Split::date, ChartData.Split::ratio)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(50L, 1.5), org.assertj.core.groups.Tuple.tuple(100L, 4.0));
        assertThat(d.open()[0]).isEqualTo(1.0);
    }

    @Test
    void aWindowWithoutBarsHasNoTimestampKey() {
        ChartData d = parser.parse(bytes(FakeYahoo.fixture("chart_OLDCO_1d_delisted.json")), "OLDCO");
        assertThat(d.size()).isZero();
        assertThat(d.isDelistedPlaceholder()).isTrue();
        assertThat(d.currency()).isNull();
    }

    @Test
    void readsRegularTradingPeriodsInBothShapes() {
        ChartData d = parser.parse(bytes(FakeYahoo.fixture("chart_AAPL_1h.json")), "AAPL");
        assertThat(d.regularPeriods()).hasSize(1);
        String withPrePost = """
                {"chart":{"result":[{"meta":{"tradingPeriods":{"pre":[[{"start":1,"end":5}]],"regular":[[{"start":10,"end":20}]],
                "post":[[{"start":20,"end":30}]]}},"timestamp":[],"indicators":{"quote":[{}]}}],"error":null}}""";
        assertThat(parser.parse(bytes(withPrePost), "Y").regularPeriods()).containsExactly(new long[] {10, 20});
    }

    @Test
    void yahooErrorObjectBecomesAnApiException() {
        assertThatThrownBy(() -> parser.parse(bytes(FakeYahoo.fixture("chart_404.json")), "GONE"))
                .isInstanceOf(YahooApiException.class)
                .hasMessageContaining("No data found, symbol may be delisted")
                .satisfies(e -> assertThat(((YahooApiException) e).code()).isEqualTo("Not Found"));
    }

    @Test
    void malformedBodiesCarryTheBody() {
        String body = FakeYahoo.fixture("chart_malformed.json");
        assertThatThrownBy(() -> parser.parse(bytes(body), "BROKEN"))
                .isInstanceOf(YahooMalformedResponseException.class)
                .satisfies(e -> assertThat(((YahooMalformedResponseException) e).getBody()).isEqualTo(body));
        assertThatThrownBy(() -> parser.parse(bytes("{\"chart\":{\"result\":[{\"timestamp\":[1,2],"
                + "\"indicators\":{\"quote\":[{\"close\":[1.0]}]}}]}}"), "X"))
                .isInstanceOf(YahooMalformedResponseException.class).hasMessageContaining("close has 1 values for 2");
        assertThatThrownBy(() -> parser.parse(bytes("[1,2]"), "X")).isInstanceOf(YahooMalformedResponseException.class);
    }
}
