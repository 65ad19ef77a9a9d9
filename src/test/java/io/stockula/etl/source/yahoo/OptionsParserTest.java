package io.stockula.etl.source.yahoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpec;
import io.stockula.etl.load.TableSpecs;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class OptionsParserTest {

    private final OptionsParser parser = new OptionsParser();

    @Test
    void contractsCarryTheQuoteTimeAsSnapshot() {
        OptionsParser.Result r = parser.parse(FakeYahoo.fixture("options_AAPL.json").getBytes(StandardCharsets.UTF_8),
                "AAPL", Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(r.calls().rows()).hasSize(3);
        assertThat(r.puts().rows()).hasSize(3);
        assertThat(r.expirations()).containsExactly(1718928000L, 1719532800L, 1720137600L);
        assertThat(r.snapshotAt().toInstant()).isEqualTo(Instant.ofEpochSecond(1718395201));
        TableSpec c = TableSpecs.OPTIONS_CALLS;
        Row call = r.calls().rows().get(1);
        assertThat(call.get(c.index("contract_symbol"))).isEqualTo("AAPL240621C00210000");
        assertThat(call.get(c.index("expiration_date"))).isEqualTo(LocalDate.of(2024, 6, 21));
        assertThat(call.get(c.index("strike"))).isEqualTo(210.0);
        assertThat(call.get(c.index("volume"))).isEqualTo(30211L);
        assertThat(call.get(c.index("open_interest"))).isEqualTo(41250L);
        assertThat(call.get(c.index("implied_volatility"))).isEqualTo(0.2351);
        assertThat(call.get(c.index("in_the_money"))).isEqualTo(true);
        assertThat(((OffsetDateTime) call.get(c.index("snapshot_at"))).toInstant()).isEqualTo(Instant.ofEpochSecond(1718395201));
        Row put = r.puts().rows().get(0);
        assertThat(put.get(TableSpecs.OPTIONS_PUTS.index("volume"))).isNull(); // Yahoo left the key out
    }

    @Test
    void withoutAQuoteTimeTheSnapshotIsNow() {
        String body = """
                {"optionChain":{"result":[{"underlyingSymbol":"X","expirationDates":[],"options":[{"expirationDate":1718928000,
                "calls":[{"contractSymbol":"X1","strike":5,"lastPrice":1}],"puts":[]}]}],"error":null}}""";
        Instant now = Instant.parse("2024-06-14T20:10:00.123Z");
        OptionsParser.Result r = parser.parse(body.getBytes(StandardCharsets.UTF_8), "X", now);
        assertThat(r.snapshotAt().toInstant()).isEqualTo(Instant.parse("2024-06-14T20:10:00Z"));
        assertThat(r.calls().rows().get(0).get(TableSpecs.OPTIONS_CALLS.index("expiration_date")))
                .isEqualTo(LocalDate.of(2024, 6, 21));
    }

    @Test
    void aSymbolWithoutOptionsIsAnEmptyAnswer() {
        String body = "{\"optionChain\":{\"result\":[],\"error\":null}}";
        OptionsParser.Result r = parser.parse(body.getBytes(StandardCharsets.UTF_8), "BTC-USD", Instant.now());
        assertThat(r.calls().rows()).isEmpty();
        assertThat(r.expirations()).isEmpty();
    }
}
