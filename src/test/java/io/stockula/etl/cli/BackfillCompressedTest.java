package io.stockula.etl.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stockula.etl.StockulaEtl;
import io.stockula.etl.source.yahoo.FakeYahoo;
import io.stockula.etl.testsupport.Sql;
import io.stockula.etl.testsupport.TestDatabases;
import io.stockula.etl.testsupport.TimescaleJobs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code backfill} from the fake Yahoo into compressed price history on the real TimescaleDB server: the same bars
 * again leave every chunk compressed; a revised bar is rewritten (its chunk becomes partial) and nothing else.
 */
class BackfillCompressedTest {

    private static final String BARS = "SELECT symbol, \"timestamp\", open_price, high_price, low_price, close_price, volume"
            + " FROM price_history ORDER BY 1, 2";

    private final FakeYahoo fake = new FakeYahoo();

    @AfterEach
    void stop() {
        fake.close();
    }

    private int backfill(String db) {
        List<String> all = new ArrayList<>(List.of("backfill", "--symbols", "AAPL", "--from", "2020-01-01", "--to",
                "2021-12-31", "--db", db, "-D", "stockula.db.pool-size=2", "-D", "stockula.redelivery.delay=10",
                "-D", "stockula.redelivery.maximum-delay=50", "-D", "stockula.yahoo.requests-per-second=0"));
        fake.settings().forEach((k, v) -> all.addAll(List.of("-D", k + "=" + v)));
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new StockulaEtl());
        cli.setExecutionExceptionHandler(ExitCodes::handle);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        int code = cli.execute(all.toArray(String[]::new));
        assertThat(code).as(out.toString()).isZero();
        return code;
    }

    @Test
    void backfillIntoCompressedHistoryRewritesOnlyWhatYahooRevised() throws Exception {
        String db = TestDatabases.freshTimescale();
        fake.chart("AAPL", "chart_AAPL_1d.json");
        backfill(db);
        try (Connection c = DriverManager.getConnection(db)) {
            List<List<String>> first = Sql.rows(c, BARS);
            assertThat(first).hasSize(8);
            TimescaleJobs.takeOffSchedule(c);
            TimescaleJobs.compressAll(c, "price_history");
            String compressed = TimescaleJobs.chunkStates(c, "price_history");
            assertThat(compressed).isEqualTo("compressed=1 partial=0 uncompressed=0"); // 2020-08-26 .. 2020-09-04: one 30-day chunk

            // the same answer again: every bar compared, none written, nothing decompressed
            backfill(db);
            assertThat(Sql.rows(c, BARS)).isEqualTo(first);
            assertThat(TimescaleJobs.chunkStates(c, "price_history")).isEqualTo(compressed);

            // Yahoo revises the volume of the last bar: that row changes, in its (now partial) chunk, no other
            ObjectNode chart = (ObjectNode) new ObjectMapper().readTree(FakeYahoo.fixture("chart_AAPL_1d.json"));
            ArrayNode volume = (ArrayNode) chart.path("chart").path("result").get(0).path("indicators").path("quote").get(0)
                    .path("volume");
            volume.set(volume.size() - 1, 424242L);
            fake.chart("AAPL", aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                    .withBody(chart.toString()));
            backfill(db);
            List<List<String>> after = Sql.rows(c, BARS);
            assertThat(after.subList(0, 7)).isEqualTo(first.subList(0, 7));
            assertThat(after.get(7).get(6)).isEqualTo("424242");
            assertThat(TimescaleJobs.chunkStates(c, "price_history")).isEqualTo("compressed=0 partial=1 uncompressed=0");
        }
    }
}
