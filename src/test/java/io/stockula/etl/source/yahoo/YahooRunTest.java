package io.stockula.etl.source.yahoo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class YahooRunTest {

    @Test
    void aBarIsUnaccountedUntilItIsWrittenOrDeadLettered() {
        YahooRun run = new YahooRun("t", 1L, List.of());
        ChartData d = new ChartParser().parse(FakeYahoo.fixture("chart_MSFT_1d.json").getBytes(StandardCharsets.UTF_8), "MSFT");
        ChartResult r = new ChartRows(new io.stockula.etl.transform.TradingDates())
                .toResult(new ChartRequest(1L, "MSFT", "1d", 0, 1, ChartRequest.FIRST), d);
        YahooRun.SymbolTally t = run.symbol("MSFT");
        t.chart(r);
        assertThat(run.accounted()).isFalse(); // 10 returned, 1 skipped, 9 on their way
        t.deadLettered(9);
        t.requestDone(false);
        assertThat(run.accounted()).isTrue();
        assertThat(run.outcome()).isEqualTo("failed"); // nothing succeeded
        run.symbol("AAPL").requestDone(true);
        assertThat(run.outcome()).isEqualTo("partial");
        assertThat(run.details()).containsEntry("bars_returned", 10L).containsEntry("bars_dead_lettered", 9L)
                .containsEntry("accounted", true);
    }

    @Test
    void aSkippedTriggerIsNotARun() {
        YahooRun s = YahooRun.skipped("yahoo-prices");
        assertThat(s.isSkipped()).isTrue();
        assertThat(s.requests()).isEmpty();
    }
}
