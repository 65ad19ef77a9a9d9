package io.stockula.etl.source.yahoo;

import static io.stockula.etl.source.yahoo.FakeYahoo.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.cli.CliHarness;
import io.stockula.etl.cli.ExitCodes;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One 404 does not deactivate a symbol: only a streak of stockula.yahoo.deactivate.misses answers over at least
 * stockula.yahoo.deactivate.days days does (days simulated by moving the streak's first 404 back); a served bar
 * ends the streak; the deactivation is counted for the alert; `symbols reactivate` undoes it.
 */
class YahooSymbolDeactivationTest extends YahooRouteTest {

    private void pull() {
        rt.request("direct:yahoo-prices-run", null);
    }

    private Object active(String symbol) throws Exception {
        List<Map<String, Object>> rows = rt.rows("SELECT is_active FROM stocks WHERE symbol = ?", symbol);
        return rows.isEmpty() ? "no row" : rows.get(0).get("is_active");
    }

    private double deactivatedCounter() {
        return rt.boot.meterRegistry().find("stockula.yahoo.symbols.deactivated").counter().count();
    }

    @Test
    void aSymbolIsDeactivatedOnlyAfterRepeated404sOverDaysAndReactivatedByCommand() throws Exception {
        fake.chart("GONE", json(404, "chart_404.json"))
                .chartSequence("FLAKY", json(404, "chart_404.json"), json("chart_AAPL_1d.json"));
        rt = YahooTestRuntime.start(fake, Map.of("stockula.yahoo.symbols", "GONE,FLAKY",
                "stockula.yahoo.deactivate.misses", "3", "stockula.yahoo.deactivate.days", "2",
                "stockula.yahoo.response-timeout", "20s"), YahooTestRuntime.PRICE_ROUTES);

        pull();
        assertThat(active("GONE")).as("one 404: still pulled").isNotEqualTo(false);
        assertThat(rt.count("SELECT misses FROM etl_symbol_misses WHERE symbol = 'GONE'")).isEqualTo(1);
        assertThat(rt.count("SELECT count(*) FROM etl_symbol_misses WHERE symbol = 'FLAKY'")).isEqualTo(1);

        pull(); // the same day: a second and third 404 are not "over several days"
        pull();
        assertThat(active("GONE")).isNotEqualTo(false);
        assertThat(rt.count("SELECT misses FROM etl_symbol_misses WHERE symbol = 'GONE'")).isEqualTo(3);
        assertThat(fake.chartRequests("GONE")).as("asked on every run").hasSize(3);
        assertThat(rt.count("SELECT count(*) FROM etl_symbol_misses WHERE symbol = 'FLAKY'"))
                .as("FLAKY served bars on its second pull: streak over").isZero();
        assertThat(active("FLAKY")).isNotEqualTo(false);
        assertThat(deactivatedCounter()).isZero();

        rt.execute("UPDATE etl_symbol_misses SET first_miss = now() - interval '3 days' WHERE symbol = 'GONE'");
        pull(); // the fourth 404, the streak now spans 3 days
        assertThat(active("GONE")).isEqualTo(false);
        assertThat(rt.scalar("SELECT inactive_reason FROM stocks WHERE symbol = 'GONE'"))
                .isEqualTo("yahoo chart 404: No data found, symbol may be delisted");
        assertThat(deactivatedCounter()).isEqualTo(1.0);
        pull();
        assertThat(fake.chartRequests("GONE")).as("no longer asked").hasSize(4);

        CliHarness.Result r = CliHarness.run("symbols", "reactivate", "GONE", "NOPE", "--db", rt.dbUrl);
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.INCOMPLETE);
        assertThat(r.out()).isEqualTo("GONE reactivated (was inactive: yahoo chart 404: No data found, symbol may be delisted)"
                + System.lineSeparator());
        assertThat(r.err()).contains("error: NOPE is not in stocks: nothing to reactivate");
        assertThat(active("GONE")).isEqualTo(true);
        assertThat(rt.count("SELECT count(*) FROM etl_symbol_misses WHERE symbol = 'GONE'")).isZero();
        pull();
        assertThat(fake.chartRequests("GONE")).as("asked again after the reactivation").hasSize(5);
    }
}
