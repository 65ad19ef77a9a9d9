package io.stockula.etl.source.yahoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpecs;
import io.stockula.etl.transform.TradingDates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The parsers against every real Yahoo response recorded in ../shared/yahoo (see its SOURCES.md), checked against
 * values read off the recordings. Skipped where that folder is not present; the recordings are never copied here.
 */
class YahooConformanceTest {

    static final Path DIR = Path.of("..", "shared", "yahoo");
    static final ZoneId NY = ZoneId.of("America/New_York");

    @BeforeAll
    static void recordingsPresent() {
        Assumptions.assumeTrue(Files.isDirectory(DIR), "../shared/yahoo is not present: conformance test skipped");
    }

    private static byte[] read(String name) throws IOException {
        return Files.readAllBytes(DIR.resolve(name));
    }

    private static ChartResult chart(String file, String symbol, String interval) throws IOException {
        ChartData d = new ChartParser().parse(read(file), symbol);
        return new ChartRows(new TradingDates()).toResult(new ChartRequest(1L, symbol, interval, 0, 1, ChartRequest.FIRST), d);
    }

    private static LocalDate localDate(Row r) {
        return ((OffsetDateTime) r.get(TableSpecs.PRICE_HISTORY.index("timestamp"))).toLocalDate();
    }

    private static Object col(Row r, String column) {
        return r.get(TableSpecs.PRICE_HISTORY.index(column));
    }

    @Test
    void everyRecordingParses() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            List<Path> all = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            assertThat(all).hasSizeGreaterThanOrEqualTo(28); // 28 bodies and the crumb text, as SOURCES.md lists
            for (Path p : all) {
                String name = p.getFileName().toString();
                byte[] body = Files.readAllBytes(p);
                if (name.startsWith("chart_")) {
                    String symbol = name.split("_")[1];
                    String interval = name.split("_")[2];
                    ChartResult r = chart(name, symbol, interval);
                    assertThat(r.returned()).as(name).isEqualTo(r.prices().rows().size() + r.skipped() + r.mergedLive());
                } else if (name.startsWith("quoteSummary_") && name.contains("_404_")) {
                    assertThatThrownBy(() -> new QuoteSummaryParser().parse(body, "X")).as(name)
                            .isInstanceOf(YahooApiException.class);
                } else if (name.startsWith("quoteSummary_")) {
                    assertThat(new QuoteSummaryParser().parse(body, name.split("_")[1]).info().rows()).as(name).hasSize(1);
                } else if (name.startsWith("options_")) {
                    assertThat(new OptionsParser().parse(body, "AAPL", Instant.now()).calls().rows()).as(name).isNotEmpty();
                } else {
                    // v7 quote: the ETL does not use it (Yahoo has been closing it to anonymous clients)
                    assertThat(new ObjectMapper().readTree(body).has("quoteResponse")).as(name).isTrue();
                }
            }
        }
        assertThat(CrumbManager.plausible(new String(read("getcrumb_response.txt")).strip())).isTrue();
    }

    @Test
    void aaplDailyWithSplitAndDividend() throws IOException {
        ChartResult r = chart("chart_AAPL_1d_2020-08-31_2020-11-07_split_div.json", "AAPL", "1d");
        List<Row> bars = r.prices().rows();
        assertThat(bars).hasSize(49);
        assertThat(localDate(bars.get(0))).isEqualTo(LocalDate.of(2020, 8, 31));
        assertThat(((OffsetDateTime) col(bars.get(0), "timestamp")).toInstant())
                .isEqualTo(LocalDate.of(2020, 8, 31).atStartOfDay(NY).toInstant());
        // Stockula's basis (yfinance auto_adjust=True): close = adjclose, open x adjclose/close; Yahoo's values kept
        assertThat(col(bars.get(0), "close_price")).isEqualTo(125.82673645019531);
        assertThat(col(bars.get(0), "open_price")).isEqualTo(127.58000183105469 * (125.82673645019531 / 129.0399932861328));
        assertThat(col(bars.get(0), "raw_close")).isEqualTo(129.0399932861328);
        assertThat(col(bars.get(0), "raw_open")).isEqualTo(127.58000183105469);
        assertThat(col(bars.get(0), "adj_close")).isEqualTo(125.82673645019531);
        assertThat(col(bars.get(48), "close_price")).isEqualTo(115.93415069580078);
        assertThat(col(bars.get(48), "raw_close")).isEqualTo(118.69000244140625);
        assertThat(col(bars.get(0), "source")).isEqualTo("yahoo");
        // across the EDT -> EST switch every bar still lands on its own local midnight
        assertThat(bars).extracting(b -> ((OffsetDateTime) col(b, "timestamp")).toLocalTime().toString()).containsOnly("00:00");
        assertThat(localDate(bars.get(48))).isEqualTo(LocalDate.of(2020, 11, 6));
        assertThat(r.splits().rows().get(0).get(TableSpecs.SPLITS.index("ratio"))).isEqualTo(4.0);
        assertThat(r.splits().rows().get(0).get(TableSpecs.SPLITS.index("date"))).isEqualTo(LocalDate.of(2020, 8, 31));
        assertThat(r.dividends().rows().get(0).get(TableSpecs.DIVIDENDS.index("amount"))).isEqualTo(0.205);
        assertThat(r.dividends().rows().get(0).get(TableSpecs.DIVIDENDS.index("date"))).isEqualTo(LocalDate.of(2020, 11, 6));
    }

    @Test
    void nvdaSplitAndMsftDividends() throws IOException {
        ChartResult nvda = chart("chart_NVDA_1d_2021-02-01_2022-01-31_split.json", "NVDA", "1d");
        assertThat(nvda.prices().rows()).hasSize(252);
        assertThat(col(nvda.prices().rows().get(0), "close_price")).isEqualTo(13.2034912109375);
        assertThat(col(nvda.prices().rows().get(0), "raw_close")).isEqualTo(13.237000465393066);
        assertThat(col(nvda.prices().rows().get(0), "open_price")).isEqualTo(13.053250312805176 * (13.2034912109375 / 13.237000465393066));
        assertThat(nvda.splits().rows().get(0).get(TableSpecs.SPLITS.index("date"))).isEqualTo(LocalDate.of(2021, 7, 20));
        assertThat(nvda.splits().rows().get(0).get(TableSpecs.SPLITS.index("ratio"))).isEqualTo(4.0);
        ChartResult msft = chart("chart_MSFT_1d_2021-02-01_2022-01-31_div.json", "MSFT", "1d");
        assertThat(col(msft.prices().rows().get(0), "close_price")).isEqualTo(231.1864776611328);
        assertThat(col(msft.prices().rows().get(0), "raw_close")).isEqualTo(239.64999389648438);
        assertThat(col(msft.prices().rows().get(0), "adj_close")).isEqualTo(231.1864776611328);
        assertThat(msft.dividends().rows()).extracting(d -> d.get(TableSpecs.DIVIDENDS.index("amount")))
                .containsExactly(0.56, 0.56, 0.56, 0.62);
        assertThat(msft.dividends().rows().get(3).get(TableSpecs.DIVIDENDS.index("date"))).isEqualTo(LocalDate.of(2021, 11, 17));
    }

    @Test
    void liveLastBarsLandOnTheirTradingDate() throws IOException {
        ChartResult aapl = chart("chart_AAPL_1d_6mo_div_live_last_bar.json", "AAPL", "1d");
        Row last = aapl.prices().rows().get(aapl.prices().rows().size() - 1);
        assertThat(localDate(last)).isEqualTo(LocalDate.of(2025, 10, 29));
        assertThat(col(last, "close_price")).isEqualTo(269.70001220703125);
        ChartResult xetra = chart("chart_GS2C.DE_1d_5d_xetra.json", "GS2C.DE", "1d");
        Row x = xetra.prices().rows().get(4);
        assertThat(((OffsetDateTime) col(x, "timestamp")).toInstant())
                .isEqualTo(LocalDate.of(2025, 10, 29).atStartOfDay(ZoneId.of("Europe/Berlin")).toInstant());
        // monthly bars: the live row of the month is folded into the month's bar
        ChartResult monthly = chart("chart_AAPL_1mo_split_event_key_vs_date.json", "AAPL", "1mo");
        assertThat(monthly.mergedLive()).isEqualTo(1);
        assertThat(localDate(monthly.prices().rows().get(monthly.prices().rows().size() - 1))).isEqualTo(LocalDate.of(2024, 10, 1));
        assertThat(monthly.splits().rows().get(0).get(TableSpecs.SPLITS.index("date"))).isEqualTo(LocalDate.of(2020, 8, 31));
    }

    @Test
    void zonesOfCryptoFxIndexAndIntraday() throws IOException {
        ChartResult btc = chart("chart_BTC-USD_1d_2020-01-01_2020-01-03_crypto.json", "BTC-USD", "1d");
        assertThat(((OffsetDateTime) col(btc.prices().rows().get(0), "timestamp")).toInstant())
                .isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(col(btc.prices().rows().get(0), "close_price")).isEqualTo(7200.17431640625);
        ChartResult fx = chart("chart_EURUSD=X_1d_2020-01-01_2020-01-03_fx.json", "EURUSD=X", "1d");
        assertThat(fx.prices().rows()).extracting(b -> col(b, "volume")).containsOnly(0L);
        assertThat(col(fx.prices().rows().get(0), "close_price")).isEqualTo(1.1220825910568237);
        ChartResult nsei = chart("chart_NSEI_1d_index.json", "^NSEI", "1d");
        assertThat(localDate(nsei.prices().rows().get(0))).isEqualTo(LocalDate.of(2022, 7, 1));
        assertThat(((OffsetDateTime) col(nsei.prices().rows().get(0), "timestamp")).getOffset().getTotalSeconds())
                .isEqualTo(5 * 3600 + 1800);
        ChartResult hourly = chart("chart_AAPL_1h_2022-09-02_intraday.json", "AAPL", "1h");
        assertThat(hourly.returned()).isEqualTo(8);
        assertThat(hourly.skippedOutsideSession()).isEqualTo(1);
        assertThat(((OffsetDateTime) col(hourly.prices().rows().get(0), "timestamp")).toInstant())
                .isEqualTo(Instant.parse("2022-09-02T13:30:00Z"));
        // intraday: no adjclose from Yahoo, stored as yfinance does (Yahoo's values), adj_close empty
        assertThat(col(hourly.prices().rows().get(0), "close_price")).isEqualTo(160.10000610351562);
        assertThat(col(hourly.prices().rows().get(0), "raw_close")).isEqualTo(160.10000610351562);
        assertThat(col(hourly.prices().rows().get(0), "adj_close")).isNull();
        assertThat(chart("chart_AAPL_1m_2025-02-01_weekend_no_bars.json", "AAPL", "1m").returned()).isZero();
        ChartResult capio = chart("chart_CAPIO.ST_1d_delisted_no_bars.json", "CAPIO.ST", "1d");
        assertThat(capio.data().isDelistedPlaceholder()).isTrue();
    }

    @Test
    void quoteSummaryAndOptions() throws IOException {
        QuoteSummaryParser.Result qt = new QuoteSummaryParser().parse(read("quoteSummary_AAPL_quoteType.json"), "AAPL");
        assertThat(qt.timezone()).isEqualTo("America/New_York");
        assertThat(qt.instrumentType()).isEqualTo("EQUITY");
        QuoteSummaryParser.Result profile = new QuoteSummaryParser()
                .parse(read("quoteSummary_AAPL_assetProfile-quoteType-fundProfile.json"), "AAPL");
        assertThat(profile.stocks().rows().get(0).get(TableSpecs.STOCKS.index("sector"))).isEqualTo("Technology");
        JsonNode formatted = new ObjectMapper().readTree((String) new QuoteSummaryParser()
                .parse(read("quoteSummary_MSFT_financialData_formatted_raw_fmt.json"), "MSFT").info().rows().get(0)
                .get(TableSpecs.STOCK_INFO.index("info_json")));
        assertThat(formatted.path("currentPrice").asDouble()).isEqualTo(541.55);
        assertThatThrownBy(() -> new QuoteSummaryParser().parse(
                read("quoteSummary_BTC-USD_balanceSheetHistory_404_no_fundamentals.json"), "BTC-USD"))
                .hasMessageContaining("No fundamentals data found");

        OptionsParser.Result nearest = new OptionsParser().parse(read("options_AAPL_v7.json"), "AAPL", Instant.now());
        assertThat(nearest.calls().rows()).hasSize(56);
        assertThat(nearest.puts().rows()).hasSize(56);
        assertThat(nearest.expirations()).hasSize(20);
        assertThat(nearest.snapshotAt().toInstant()).isEqualTo(Instant.ofEpochSecond(1761768001));
        Row call = nearest.calls().rows().get(0);
        assertThat(call.get(TableSpecs.OPTIONS_CALLS.index("contract_symbol"))).isEqualTo("AAPL251031C00125000");
        assertThat(call.get(TableSpecs.OPTIONS_CALLS.index("last_price"))).isEqualTo(145.99);
        assertThat(call.get(TableSpecs.OPTIONS_CALLS.index("expiration_date"))).isEqualTo(LocalDate.of(2025, 10, 31));
        OptionsParser.Result dated = new OptionsParser().parse(read("options_AAPL_v7_date_1757030400.json"), "AAPL",
                Instant.now());
        assertThat(dated.calls().rows()).hasSize(53);
        assertThat(dated.puts().rows()).hasSize(44);
        assertThat(dated.puts().rows()).anySatisfy(p -> assertThat(p.get(TableSpecs.OPTIONS_PUTS.index("volume"))).isNull());
    }
}
