package io.stockula.etl.source.yahoo;

import static io.stockula.etl.source.yahoo.FakeYahoo.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.config.EtlSettings;
import io.stockula.etl.dlq.DeadLetter;
import io.stockula.etl.dlq.ReplaySession;
import io.stockula.etl.testsupport.TestDatabases;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A write that fails inside the shared yahoo-write route (the target refuses stock_info rows): the failure goes
 * back to the request route, which redelivers it like any other step and then dead-letters its own message, the
 * ReferenceRequest, replayable through direct:yahoo-quote-summary; the replay stores the rows.
 */
class YahooWriteFailureTest extends YahooRouteTest {

    @Test
    void aFailedWriteDeadLettersTheRequestAfterTheRedeliveriesAndItsReplayStoresTheRows() throws Exception {
        fake.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/v10/finance/quoteSummary/AAPL"))
                .willReturn(json("quoteSummary_AAPL.json")));
        String db = TestDatabases.freshPostgres();
        rt = YahooTestRuntime.start(db, fake, Map.of("stockula.yahoo.symbols", "AAPL"), YahooTestRuntime.ALL_ROUTES);
        // every attempt is counted (a sequence is not rolled back with the refused write), then the row is refused
        rt.execute("CREATE SEQUENCE info_attempts");
        rt.execute("CREATE FUNCTION refuse_info() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " PERFORM nextval('info_attempts'); RAISE EXCEPTION 'stock_info refused by the test'; END $$");
        rt.execute("CREATE TRIGGER refuse_info BEFORE INSERT OR UPDATE ON stock_info FOR EACH ROW"
                + " EXECUTE FUNCTION refuse_info()");

        YahooRun run = rt.request("direct:yahoo-quote-summary-run", null);

        assertThat(rt.count("SELECT count(*) FROM stocks WHERE symbol = 'AAPL' AND name = 'Apple Inc.'"))
                .as("the stocks batch before it was written").isEqualTo(1);
        assertThat(rt.count("SELECT count(*) FROM stock_info")).isZero();
        assertThat(rt.count("SELECT last_value FROM info_attempts"))
                .as("1 + stockula.redelivery.maximum-redeliveries writes").isEqualTo(4);
        assertThat(fake.requests("/v10/finance/quoteSummary/AAPL")).as("redelivered: the write, not the request")
                .hasSize(1);
        List<Map<String, Object>> letters = rt.rows("SELECT id, route_id, replay_uri, attempts, category, body,"
                + " exception_message FROM etl_dead_letters");
        assertThat(letters).hasSize(1);
        Map<String, Object> dl = letters.get(0);
        assertThat(dl).containsEntry("route_id", "yahoo-quote-summary")
                .containsEntry("replay_uri", "direct:yahoo-quote-summary").containsEntry("attempts", 4);
        assertThat((String) dl.get("exception_message")).contains("stock_info refused by the test");
        JsonNode body = new ObjectMapper().readTree((String) dl.get("body"));
        assertThat(body.get("symbol").asText()).as("the dead letter holds the request: %s", body).isEqualTo("AAPL");
        assertThat(body.get("kind").asText()).isEqualTo(ReferenceRequest.QUOTE_SUMMARY);
        assertThat(body.get("runId").asLong()).isEqualTo(run.runId());
        assertThat(run.totals().deadLetters()).isEqualTo(1);
        assertThat(run.status()).isNotEqualTo("succeeded");

        // the cause fixed, `dlq replay` (its session: only the direct: routes started) sends the request through
        // its route again: the rows are stored
        rt.execute("DROP TRIGGER refuse_info ON stock_info");
        Map<String, String> settings = YahooTestRuntime.testSettings(db, fake);
        settings.putAll(ReplaySession.settingsOverrides());
        settings.put("stockula.yahoo.symbols", "AAPL");
        long id = ((Number) dl.get("id")).longValue();
        try (Bootstrap boot = Bootstrap.open(EtlSettings.load(null, settings));
             ReplaySession session = new ReplaySession(boot, Map.of())) {
            DeadLetter letter = session.queue().find(List.of(id)).get(0);
            ReplaySession.Outcome outcome = session.replay(letter, false);
            assertThat(outcome.result()).as(outcome.message()).isEqualTo(ReplaySession.Result.REPLAYED);
        }
        assertThat(rt.scalar("SELECT info_json->>'sector' FROM stock_info WHERE symbol = 'AAPL'")).isEqualTo("Technology");
        assertThat(rt.scalar("SELECT status FROM etl_dead_letters WHERE id = ?", id)).isEqualTo(DeadLetter.REPLAYED);
        assertThat(rt.count("SELECT count(*) FROM etl_dead_letters")).isEqualTo(1);
        assertThat(fake.requests("/v10/finance/quoteSummary/AAPL")).hasSize(2);
    }
}
