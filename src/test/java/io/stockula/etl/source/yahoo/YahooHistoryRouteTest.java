package io.stockula.etl.source.yahoo;

import static io.stockula.etl.source.yahoo.FakeYahoo.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.stockula.etl.load.Batch;
import io.stockula.etl.load.BatchWriter;
import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpec;
import io.stockula.etl.load.TableSpecs;
import io.stockula.etl.ops.EtlMetrics;
import io.stockula.etl.transform.TradingDates;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What happens over several pulls: the live bar, a new split, a migrated bar meeting an ingested one, intraday. */
class YahooHistoryRouteTest extends YahooRouteTest {

    static final ZoneId NY = ZoneId.of("America/New_York");

    private static Instant midnight(int y, int m, int d) {
        return LocalDate.of(y, m, d).atStartOfDay(NY).toInstant();
    }

    @Test
    void theLiveLastBarIsRewrittenByTheNextPull() throws Exception {
        fake.chartSequence("NVDA", json("chart_NVDA_1d_live.json"), json("chart_NVDA_1d_next.json"));
        rt = YahooTestRuntime.start(fake, Map.of("stockula.yahoo.symbols", "NVDA"), YahooTestRuntime.PRICE_ROUTES);
        rt.request("direct:yahoo-prices-run", null);
        assertThat(rt.rows("SELECT close_price, volume FROM price_history WHERE symbol = 'NVDA' AND \"timestamp\" = ?",
                java.sql.Timestamp.from(midnight(2024, 6, 12)))).containsExactly(Map.of("close_price", 124.9,
                "volume", 201222333L));

        YahooRun second = rt.request("direct:yahoo-prices-run", null);
        List<Map<String, Object>> bars = rt.rows("SELECT \"timestamp\", close_price, volume FROM price_history"
                + " WHERE symbol = 'NVDA' ORDER BY 1");
        assertThat(bars).extracting(r -> ((java.sql.Timestamp) r.get("timestamp")).toInstant())
                .containsExactly(midnight(2024, 6, 10), midnight(2024, 6, 11), midnight(2024, 6, 12), midnight(2024, 6, 13));
        assertThat(bars.get(2)).containsEntry("close_price", 125.2).containsEntry("volume", 299595000L);
        YahooRun.SymbolTally t = second.symbols().get("NVDA");
        assertThat(t.updated()).isEqualTo(1); // the 12th, final now
        assertThat(t.unchanged()).isEqualTo(1); // the 11th
        assertThat(t.inserted()).isEqualTo(1); // the 13th, live
        LoggedRequest incremental = fake.chartRequests("NVDA").get(1);
        assertThat(incremental.queryParameter("period1").firstValue())
                .isEqualTo(String.valueOf(LocalDate.of(2024, 6, 5).atStartOfDay(NY).toEpochSecond()));
    }

    @Test
    void aMigratedHistoryIsReadWholeAtFirstYahooSightAndAMigratedBarStaysOneRow() throws Exception {
        String url = io.stockula.etl.testsupport.TestDatabases.freshPostgres();
        fake.chart("AAPL", "chart_AAPL_1d.json");
        rt = YahooTestRuntime.start(url, fake, Map.of("stockula.yahoo.symbols", "AAPL"), YahooTestRuntime.PRICE_ROUTES);
        // bars as the SQLite migration writes them: before the split, on the old scale, at the same trading-date key.
        // Yahoo has never served this symbol (no row of source yahoo): its first pull reads the whole history, so
        // every day Yahoo has is rewritten on the current basis (a split or dividend the file missed included)
        TradingDates dates = new TradingDates();
        TableSpec ph = TableSpecs.PRICE_HISTORY;
        List<Row> rows = new ArrayList<>();
        for (Object[] bar : new Object[][] {{LocalDate.of(2020, 8, 14), 459.63}, {LocalDate.of(2020, 8, 26), 506.09},
                {LocalDate.of(2020, 8, 28), 499.23}}) {
            Row r = new Row(ph.columns().size(), "rowid", Map.of());
            r.set(ph.index("symbol"), "AAPL");
            r.set(ph.index("timestamp"), dates.barStart("AAPL", (LocalDate) bar[0]));
            r.set(ph.index("interval_type"), "1d");
            r.set(ph.index("open_price"), bar[1]);
            r.set(ph.index("high_price"), bar[1]);
            r.set(ph.index("low_price"), bar[1]);
            r.set(ph.index("close_price"), bar[1]);
            r.set(ph.index("volume"), 40000000L);
            rows.add(r);
        }
        new BatchWriter(rt.boot.database().dataSource(), EtlMetrics.standalone())
                .write(new Batch(ph, "sqlite", "sqlite:/stockula.db", "price_history", rows));

        YahooRun run = rt.request("direct:yahoo-prices-run", null);

        List<LoggedRequest> asked = fake.chartRequests("AAPL");
        assertThat(asked).hasSize(1);
        assertThat(asked.get(0).queryParameter("period1").firstValue()).isEqualTo(String.valueOf(WindowPlanner.ALL_HISTORY));
        assertThat(run.symbols().get("AAPL").splitRefetches()).isZero();
        assertThat(rt.count("SELECT count(*) FROM price_history WHERE symbol = 'AAPL' AND \"timestamp\" = ?",
                java.sql.Timestamp.from(midnight(2020, 8, 26)))).isEqualTo(1);
        assertThat(rt.scalar("SELECT close_price FROM price_history WHERE symbol = 'AAPL' AND \"timestamp\" = ?",
                java.sql.Timestamp.from(midnight(2020, 8, 26)))).isEqualTo(126.52249908447266);
        assertThat(rt.rows("SELECT raw_close, adj_close, source FROM price_history WHERE symbol = 'AAPL' AND \"timestamp\" = ?",
                java.sql.Timestamp.from(midnight(2020, 8, 26)))).containsExactly(Map.of("raw_close", 126.52249908447266,
                "adj_close", 126.52249908447266, "source", "yahoo"));
        // the 14th: Yahoo did not send it, the migrated row stays as it was
        assertThat(rt.scalar("SELECT close_price FROM price_history WHERE symbol = 'AAPL' AND \"timestamp\" = ?",
                java.sql.Timestamp.from(midnight(2020, 8, 14)))).isEqualTo(459.63);
        assertThat(rt.count("SELECT count(*) FROM price_history WHERE symbol = 'AAPL'")).isEqualTo(9);
        assertThat(rt.count("SELECT count(*) FROM splits WHERE symbol = 'AAPL'")).isEqualTo(1);
        assertThat(run.accounted()).isTrue();
        assertThat(run.status()).isEqualTo("succeeded");

        // Yahoo's history and the split are known now: the next pull is incremental only
        rt.request("direct:yahoo-prices-run", null);
        assertThat(fake.chartRequests("AAPL")).hasSize(2);
        assertThat(fake.chartRequests("AAPL").get(1).queryParameter("period1").firstValue())
                .isEqualTo(String.valueOf(midnight(2020, 9, 4).minusSeconds(7 * 86400).getEpochSecond()));
    }

    @Test
    void intradayBarsKeepTheirInstant() throws Exception {
        fake.chart("AAPL", "chart_AAPL_1h.json");
        rt = YahooTestRuntime.start(fake, Map.of(), YahooTestRuntime.PRICE_ROUTES);
        YahooRun run = rt.request("direct:yahoo-backfill", new BackfillRequest(List.of("AAPL"), null, null, List.of("1h")));
        List<Map<String, Object>> bars = rt.rows("SELECT \"timestamp\", volume FROM price_history WHERE symbol = 'AAPL'"
                + " AND interval_type = '1h' ORDER BY 1");
        assertThat(bars).hasSize(7);
        assertThat(((java.sql.Timestamp) bars.get(0).get("timestamp")).toInstant()).isEqualTo(Instant.parse("2022-09-02T13:30:00Z"));
        assertThat(((java.sql.Timestamp) bars.get(6).get("timestamp")).toInstant()).isEqualTo(Instant.parse("2022-09-02T19:30:00Z"));
        assertThat(run.symbols().get("AAPL").skipped()).isEqualTo(1); // the zero-volume bar at the close
        assertThat(run.accounted()).isTrue();
        LoggedRequest r = fake.chartRequests("AAPL").get(0);
        assertThat(r.queryParameter("interval").firstValue()).isEqualTo("1h");
        assertThat(r.queryParameter("events").isPresent()).isFalse();
        long from = Long.parseLong(r.queryParameter("period1").firstValue());
        assertThat(Instant.now().getEpochSecond() - from).isBetween(728L * 86400, 730L * 86400);
        assertThat(rt.scalar("SELECT job FROM etl_run_history WHERE run_id = ?", run.runId())).isEqualTo("yahoo-backfill");
    }
}
