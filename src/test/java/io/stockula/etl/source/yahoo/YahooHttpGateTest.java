package io.stockula.etl.source.yahoo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class YahooHttpGateTest {

    @Test
    void theCrumbReplacesAnyEarlierOne() {
        assertThat(YahooHttpGate.withCrumb("/v10/finance/quoteSummary/AAPL?modules=price&", "a/b="))
                .isEqualTo("/v10/finance/quoteSummary/AAPL?modules=price&crumb=a%2Fb%3D");
        assertThat(YahooHttpGate.withCrumb("/v7/finance/options/AAPL?crumb=old&date=1", "new"))
                .isEqualTo("/v7/finance/options/AAPL?date=1&crumb=new");
        assertThat(YahooHttpGate.withCrumb("/v7/finance/options/AAPL", "c")).isEqualTo("/v7/finance/options/AAPL?crumb=c");
    }

    @Test
    void endpointsAreNamedAndOnlyTheCrumbOnesGetACrumb() {
        assertThat(YahooHttpGate.endpointOf("/v8/finance/chart/%5EGSPC?interval=1d")).isEqualTo("chart");
        assertThat(YahooHttpGate.endpointOf("/v10/finance/quoteSummary/AAPL")).isEqualTo("quoteSummary");
        assertThat(YahooHttpGate.endpointOf("/v7/finance/options/AAPL")).isEqualTo("options");
        assertThat(YahooHttpGate.needsCrumb("/v8/finance/chart/AAPL")).isFalse();
        assertThat(YahooHttpGate.needsCrumb("/v10/finance/quoteSummary/AAPL")).isTrue();
        assertThat(YahooCharts.pathSegment("^GSPC")).isEqualTo("%5EGSPC");
        assertThat(YahooCharts.pathSegment("EURUSD=X")).isEqualTo("EURUSD=X");
        assertThat(YahooCharts.pathSegment("BRK-B")).isEqualTo("BRK-B");
    }
}
