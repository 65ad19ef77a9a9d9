package io.stockula.etl.cli;

import static io.stockula.etl.source.yahoo.FakeYahoo.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockula.etl.StockulaEtl;
import io.stockula.etl.source.yahoo.FakeYahoo;
import io.stockula.etl.testsupport.TestDatabases;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code backfill} against the fake Yahoo loads exactly what it served, and says so. */
class BackfillCommandTest {

    private final FakeYahoo fake = new FakeYahoo();

    @AfterEach
    void stop() {
        fake.close();
    }

    private int backfill(String db, StringWriter out, String... args) {
        List<String> all = new ArrayList<>(List.of("backfill"));
        all.addAll(List.of(args));
        all.addAll(List.of("--db", db, "-D", "stockula.redelivery.delay=10", "-D", "stockula.redelivery.maximum-delay=50",
                "-D", "stockula.yahoo.requests-per-second=0"));
        fake.settings().forEach((k, v) -> all.addAll(List.of("-D", k + "=" + v)));
        CommandLine cli = new CommandLine(new StockulaEtl());
        cli.setExecutionExceptionHandler(ExitCodes::handle);
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        return cli.execute(all.toArray(String[]::new));
    }

    /**
     * Every bar of a fixture with prices: "symbol|epoch of its trading date's midnight|open|high|low|close|volume" in
     * Stockula's basis (yfinance auto_adjust: O/H/L x adjclose/close, close = adjclose), then "|raw O|H|L|C|adjclose"
     * as Yahoo sent them.
     */
    private static Set<String> served(String fixture, String symbol) throws Exception {
        JsonNode r = new ObjectMapper().readTree(FakeYahoo.fixture(fixture)).path("chart").path("result").get(0);
        ZoneId zone = ZoneId.of(r.path("meta").path("exchangeTimezoneName").asText());
        JsonNode q = r.path("indicators").path("quote").get(0);
        Set<String> out = new HashSet<>();
        for (int i = 0; i < r.path("timestamp").size(); i++) {
            if (q.path("close").get(i).isNull()) {
                continue;
            }
            LocalDate day = Instant.ofEpochSecond(r.path("timestamp").get(i).asLong()).atZone(zone).toLocalDate();
            double close = q.path("close").get(i).asDouble();
            double adj = r.path("indicators").path("adjclose").get(0).path("adjclose").get(i).asDouble();
            double f = adj / close;
            out.add(symbol + "|" + day.atStartOfDay(zone).toEpochSecond() + "|" + q.path("open").get(i).asDouble() * f + "|"
                    + q.path("high").get(i).asDouble() * f + "|" + q.path("low").get(i).asDouble() * f + "|"
                    + adj + "|" + q.path("volume").get(i).asLong() + "|" + q.path("open").get(i).asDouble() + "|"
                    + q.path("high").get(i).asDouble() + "|" + q.path("low").get(i).asDouble() + "|" + close + "|" + adj);
        }
        return out;
    }

    @Test
    void loadsExactlyWhatYahooServedAndExitsZero() throws Exception {
        fake.chart("AAPL", "chart_AAPL_1d.json").chart("MSFT", "chart_MSFT_1d.json");
        String db = TestDatabases.freshPostgres();
        StringWriter out = new StringWriter();

        int code = backfill(db, out, "--symbols", "AAPL,msft", "--from", "2020-01-01", "--to", "2021-12-31");

        assertThat(code).as(out.toString()).isZero();
        Set<String> stored = new HashSet<>();
        try (Connection c = DriverManager.getConnection(db); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT symbol, extract(epoch from \"timestamp\")::bigint, open_price,"
                    + " high_price, low_price, close_price, volume, raw_open, raw_high, raw_low, raw_close, adj_close"
                    + " FROM price_history WHERE interval_type = '1d'")) {
                while (rs.next()) {
                    stored.add(rs.getString(1) + "|" + rs.getLong(2) + "|" + rs.getDouble(3) + "|" + rs.getDouble(4) + "|"
                            + rs.getDouble(5) + "|" + rs.getDouble(6) + "|" + rs.getLong(7) + "|" + rs.getDouble(8) + "|"
                            + rs.getDouble(9) + "|" + rs.getDouble(10) + "|" + rs.getDouble(11) + "|" + rs.getDouble(12));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT record->>'symbol', (record->>'timestamp')::bigint"
                    + " FROM rejected_records")) {
                while (rs.next()) {
                    ZoneId ny = ZoneId.of("America/New_York");
                    long midnight = Instant.ofEpochSecond(rs.getLong(2)).atZone(ny).toLocalDate().atStartOfDay(ny)
                            .toEpochSecond();
                    stored.add(rs.getString(1) + "|" + midnight + "|rejected");
                }
            }
        }
        Set<String> expected = new HashSet<>(served("chart_AAPL_1d.json", "AAPL"));
        Set<String> msft = served("chart_MSFT_1d.json", "MSFT");
        String bad = msft.stream().filter(s -> s.contains("|236.0|")).findFirst().orElseThrow();
        msft.remove(bad);
        msft.add(bad.substring(0, bad.indexOf('|', bad.indexOf('|') + 1)) + "|rejected");
        expected.addAll(msft);
        assertThat(stored).isEqualTo(expected);

        String summary = out.toString();
        assertThat(summary).contains("every returned bar accounted for: yes");
        // a first backfill needs no reload after the split it finds: nothing older is stored
        assertThat(summary).containsPattern("AAPL\\s+1\\s+8\\s+8\\s+8\\s+0\\s+0\\s+0\\s+0\\s+0\\s+0\\s+1");
        assertThat(summary).containsPattern("MSFT\\s+1\\s+10\\s+8\\s+8\\s+0\\s+0\\s+1\\s+1\\s+0\\s+1\\s+0");
        assertThat(fake.chartRequests("AAPL").get(0).queryParameter("period1").firstValue())
                .isEqualTo(String.valueOf(LocalDate.of(2020, 1, 1).atStartOfDay(ZoneId.of("America/New_York")).toEpochSecond()));
    }

    @Test
    void aSymbolYahooDoesNotKnowMakesItExitOne() throws Exception {
        fake.chart("AAPL", "chart_AAPL_1d.json").chart("GONE", json(404, "chart_404.json"));
        StringWriter out = new StringWriter();
        int code = backfill(TestDatabases.freshPostgres(), out, "--symbols", "AAPL,GONE", "--interval", "1d");
        assertThat(code).isEqualTo(ExitCodes.INCOMPLETE);
        assertThat(out.toString()).contains("failed: GONE chart 1d backfill: Yahoo chart 404 Not Found for GONE:"
                + " No data found, symbol may be delisted (dead letter #");
        assertThat(out.toString()).contains("every returned bar accounted for: yes");
    }

    @Test
    void badOptionsAreUsageErrors() {
        StringWriter out = new StringWriter();
        assertThat(backfill("jdbc:postgresql://127.0.0.1:1/none", out, "--symbols", "AAPL", "--interval", "5h"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(backfill("jdbc:postgresql://127.0.0.1:1/none", out, "--symbols", "AAPL", "--from", "2024-02-01",
                "--to", "2024-01-01")).isEqualTo(ExitCodes.USAGE);
    }

    /**
     * An answer over stockula.yahoo.max-body-bytes and one that dribbles past stockula.yahoo.request-deadline are
     * dead-lettered with their reason; the good symbol of the same run is loaded; exit 1.
     */
    @Test
    void oversizeAndEndlessAnswersAreDeadLetteredWithTheReason() throws Exception {
        fake.chart("AAPL", "chart_AAPL_1d.json")
                .chart("HUGE", com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json").withBody("{\"chart\":" + " ".repeat(200_000) + "}"))
                .chart("SLOW", json("chart_MSFT_1d.json").withChunkedDribbleDelay(200, 120_000));
        String db = TestDatabases.freshPostgres();
        StringWriter out = new StringWriter();
        long t0 = System.nanoTime();
        int code = backfill(db, out, "--symbols", "AAPL,HUGE,SLOW", "-D", "stockula.yahoo.max-body-bytes=100000",
                "-D", "stockula.yahoo.request-deadline=2s", "-D", "stockula.redelivery.maximum-redeliveries=1");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("BackfillCommandTest: oversize and dribbling answers dead-lettered, backfill ended in " + ms + " ms");
        assertThat(code).as(out.toString()).isEqualTo(ExitCodes.INCOMPLETE);
        try (Connection c = DriverManager.getConnection(db); Statement st = c.createStatement()) {
            Set<String> letters = new HashSet<>();
            try (ResultSet rs = st.executeQuery("SELECT category, exception_message FROM etl_dead_letters")) {
                while (rs.next()) {
                    letters.add(rs.getString(1) + " | " + rs.getString(2));
                }
            }
            assertThat(letters).containsExactlyInAnyOrder(
                    "data | Yahoo chart answer larger than 100000 bytes (stockula.yahoo.max-body-bytes): more than 100000"
                            + " bytes received, not read",
                    "transient | Yahoo chart answer not complete within 2 s (stockula.yahoo.request-deadline): connection cut");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM price_history WHERE symbol = 'AAPL'")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(served("chart_AAPL_1d.json", "AAPL").size());
            }
        }
        assertThat(ms).as("1 + 1 redelivery of a 2 s deadline, not the 120 s the server would take").isLessThan(60_000);
    }
}
