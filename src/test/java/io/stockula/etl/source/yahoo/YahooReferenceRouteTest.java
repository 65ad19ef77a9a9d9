package io.stockula.etl.source.yahoo;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.stockula.etl.source.yahoo.FakeYahoo.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** quoteSummary and options, through the cookie and crumb flow, with a crumb that has expired. */
class YahooReferenceRouteTest extends YahooRouteTest {

    @Test
    void quoteSummaryFillsStocksAndStockInfoAfterRefreshingAnExpiredCrumbOnce() throws Exception {
        fake.sequence(() -> get(urlPathEqualTo("/v1/test/getcrumb")), "crumbs",
                aResponse().withBody("crumbOne"), aResponse().withBody("crumbTwo"));
        String qs = "/v10/finance/quoteSummary/";
        fake.server().stubFor(get(urlPathEqualTo(qs + "AAPL")).withQueryParam("crumb", equalTo("crumbOne"))
                .willReturn(json(401, "invalid_crumb_401.json")));
        fake.server().stubFor(get(urlPathEqualTo(qs + "AAPL")).withQueryParam("crumb", equalTo("crumbTwo"))
                .willReturn(json("quoteSummary_AAPL.json")));
        fake.server().stubFor(get(urlPathEqualTo(qs + "GONE")).willReturn(json(404, "quoteSummary_404_not_found.json")));
        fake.server().stubFor(get(urlPathEqualTo(qs + "BTC-USD")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody("{\"quoteSummary\":{\"result\":null,\"error\":"
                        + "{\"code\":\"Not Found\",\"description\":\"No fundamentals data found for any of the"
                        + " summaryTypes=assetProfile\"}}}")));
        rt = YahooTestRuntime.start(fake, Map.of("stockula.yahoo.symbols", "AAPL,GONE,BTC-USD",
                "stockula.yahoo.deactivate.misses", "1", "stockula.yahoo.deactivate.days", "0"),
                YahooTestRuntime.ALL_ROUTES);

        YahooRun run = rt.request("direct:yahoo-quote-summary-run", null);

        Map<String, Object> aapl = rt.rows("SELECT name, sector, industry, market_cap, exchange, currency,"
                + " exchange_timezone, instrument_type, is_active FROM stocks WHERE symbol = 'AAPL'").get(0);
        assertThat(aapl).containsEntry("name", "Apple Inc.").containsEntry("sector", "Technology")
                .containsEntry("industry", "Consumer Electronics").containsEntry("market_cap", 3678454366208.0)
                .containsEntry("exchange", "NMS").containsEntry("currency", "USD")
                .containsEntry("exchange_timezone", "America/New_York").containsEntry("instrument_type", "EQUITY")
                .containsEntry("is_active", true);
        assertThat(rt.scalar("SELECT info_json->>'sector' FROM stock_info WHERE symbol = 'AAPL'")).isEqualTo("Technology");
        assertThat(rt.scalar("SELECT (info_json->>'trailingPE')::float8 FROM stock_info WHERE symbol = 'AAPL'"))
                .isEqualTo(38.91442);
        List<LoggedRequest> asked = fake.requests(qs + "AAPL");
        assertThat(asked).extracting(r -> r.queryParameter("crumb").firstValue()).containsExactly("crumbOne", "crumbTwo");
        assertThat(asked.get(1).getHeader("Cookie")).contains("A3=");
        assertThat(asked.get(1).queryParameter("modules").firstValue()).contains("assetProfile", "price", "summaryDetail",
                "quoteType");
        fake.server().verify(2, getRequestedFor(urlPathEqualTo("/v1/test/getcrumb")));

        assertThat(rt.rows("SELECT is_active, inactive_reason FROM stocks WHERE symbol = 'GONE'").get(0))
                .containsEntry("is_active", false)
                .containsEntry("inactive_reason", "yahoo quoteSummary 404: Quote not found for ticker symbol: GONE");
        assertThat(rt.scalar("SELECT category FROM etl_dead_letters WHERE body LIKE '%GONE%'")).isEqualTo("business");
        assertThat(rt.count("SELECT count(*) FROM etl_dead_letters")).isEqualTo(1); // BTC-USD: an empty answer
        assertThat(run.status()).isEqualTo("partial");
        assertThat(run.totals().otherRows()).containsEntry("stocks", 1L).containsEntry("stock_info", 1L);
        assertThat(rt.scalar("SELECT job FROM etl_run_history WHERE run_id = ?", run.runId())).isEqualTo("yahoo-quote-summary");
    }

    @Test
    void optionSnapshotsAreKeptWithTheQuoteTime() throws Exception {
        String path = "/v7/finance/options/AAPL";
        fake.server().stubFor(get(urlPathEqualTo(path)).withQueryParam("date", absent())
                .willReturn(json("options_AAPL.json")));
        fake.server().stubFor(get(urlPathEqualTo(path)).withQueryParam("date", equalTo("1719532800"))
                .willReturn(json("options_AAPL_1719532800.json")));
        rt = YahooTestRuntime.start(fake, Map.of("stockula.yahoo.symbols", "AAPL,EURUSD=X",
                "stockula.yahoo.options.expirations", "2"), YahooTestRuntime.ALL_ROUTES);

        YahooRun run = rt.request("direct:yahoo-options-run", null);

        assertThat(fake.requests("/v7/finance/options/EURUSD=X")).isEmpty(); // FX has no options
        assertThat(fake.requests(path)).hasSize(2).allSatisfy(r -> assertThat(r.queryParameter("crumb").firstValue())
                .isEqualTo(FakeYahoo.CRUMB));
        assertThat(rt.count("SELECT count(*) FROM options_calls WHERE symbol = 'AAPL'")).isEqualTo(4);
        assertThat(rt.count("SELECT count(*) FROM options_puts WHERE symbol = 'AAPL'")).isEqualTo(4);
        assertThat(rt.rows("SELECT DISTINCT snapshot_at FROM options_calls")).extracting(r ->
                ((java.sql.Timestamp) r.get("snapshot_at")).toInstant()).containsExactly(Instant.ofEpochSecond(1718395201));
        Map<String, Object> put = rt.rows("SELECT expiration_date, strike, volume, open_interest, in_the_money"
                + " FROM options_puts WHERE contract_symbol = 'AAPL240621P00200000'").get(0);
        assertThat(put).containsEntry("volume", null).containsEntry("open_interest", 25400L)
                .containsEntry("in_the_money", false).containsEntry("expiration_date", java.sql.Date.valueOf("2024-06-21"));
        assertThat(run.accounted()).isTrue();
        assertThat(run.totals().otherRows()).containsEntry("options_calls", 4L).containsEntry("options_puts", 4L);

        // the same closed-market chain pulled again is the same snapshot: nothing duplicated
        rt.request("direct:yahoo-options-run", null);
        assertThat(rt.count("SELECT count(*) FROM options_calls")).isEqualTo(4);
    }
}
