package io.stockula.etl.source.yahoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpecs;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuoteSummaryParserTest {

    private final QuoteSummaryParser parser = new QuoteSummaryParser();

    @Test
    void fillsTheStocksRowAndAFlatInfoDocument() throws Exception {
        QuoteSummaryParser.Result r = parser.parse(FakeYahoo.fixture("quoteSummary_AAPL.json")
                .getBytes(StandardCharsets.UTF_8), "aapl");
        Row s = r.stocks().rows().get(0);
        assertThat(s.get(TableSpecs.STOCKS.index("symbol"))).isEqualTo("AAPL");
        assertThat(s.get(TableSpecs.STOCKS.index("name"))).isEqualTo("Apple Inc.");
        assertThat(s.get(TableSpecs.STOCKS.index("sector"))).isEqualTo("Technology");
        assertThat(s.get(TableSpecs.STOCKS.index("industry"))).isEqualTo("Consumer Electronics");
        assertThat(s.get(TableSpecs.STOCKS.index("market_cap"))).isEqualTo(3678454366208.0); // price's {raw,fmt}
        assertThat(s.get(TableSpecs.STOCKS.index("exchange"))).isEqualTo("NMS");
        assertThat(s.get(TableSpecs.STOCKS.index("currency"))).isEqualTo("USD");
        assertThat(r.timezone()).isEqualTo("America/New_York");
        assertThat(r.instrumentType()).isEqualTo("EQUITY");

        JsonNode info = new ObjectMapper().readTree((String) r.info().rows().get(0).get(TableSpecs.STOCK_INFO.index("info_json")));
        assertThat(info.path("sector").asText()).isEqualTo("Technology");
        assertThat(info.path("marketCap").asLong()).isEqualTo(3688676720640L); // summaryDetail comes after price
        assertThat(info.path("trailingPE").asDouble()).isEqualTo(38.91442);
        assertThat(info.has("maxAge")).isFalse();
        assertThat(info.has("yield")).isFalse(); // {} is Yahoo's empty value
        assertThat(info.path("companyOfficers").get(0).path("name").asText()).isEqualTo("Mr. Timothy D. Cook");
        assertThat(info.path("symbol").asText()).isEqualTo("AAPL");
    }

    @Test
    void yahooErrorsAndGarbageAreTold() {
        assertThatThrownBy(() -> parser.parse(FakeYahoo.fixture("quoteSummary_404_not_found.json")
                .getBytes(StandardCharsets.UTF_8), "GONE"))
                .isInstanceOf(YahooApiException.class).hasMessageContaining("Quote not found");
        assertThatThrownBy(() -> parser.parse("{}".getBytes(StandardCharsets.UTF_8), "X"))
                .isInstanceOf(YahooMalformedResponseException.class);
    }
}
