package io.stockula.etl.source.yahoo;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.StockulaEtl;
import io.stockula.etl.testsupport.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scenario with our own data: a Stockula file fetched when two dividends were known is migrated; Yahoo
 * is pulled (first sight: the whole history), then pulled again when a third dividend has gone ex. Every bar ends
 * equal to yfinance's auto-adjusted series of the latest fetch, with Yahoo's raw values and adjclose beside it, and
 * ^IRX is a decimal throughout.
 */
class PriceBasisScenarioTest extends YahooRouteTest {

    static final ZoneId NY = ZoneId.of("America/New_York");
    static final int FILE_AT = 80;     // the Stockula file was fetched when 80 bars existed (dividends on 20 and 60)
    static final int FIRST_PULL = 90;  // Yahoo's first pull: no new dividend yet
    static final int LATEST = 120;     // the second pull: a dividend on day 100 the file never knew

    @TempDir
    Path dir;

    @Test
    void aMigratedFileMeetsANewDividendAndEveryBarEndsOnTheLatestBasis() throws Exception {
        AdjustedSeries divco = new AdjustedSeries("DIVCO", NY, LocalTime.of(9, 30), LocalDate.of(2024, 1, 2), LATEST, 180, 8)
                .dividend(20, 0.82).dividend(60, 0.85).dividend(100, 0.91);
        AdjustedSeries irx = new AdjustedSeries("^IRX", NY, LocalTime.of(9, 30), LocalDate.of(2024, 1, 2), LATEST, 5.2, 9);
        Path file = dir.resolve("stockula.db");
        divco.writeStockulaFile(file, FILE_AT, "2024-04-24 22:10:05.123456");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             PreparedStatement ps = c.prepareStatement("INSERT INTO price_history (symbol, date, open_price, high_price,"
                     + " low_price, close_price, volume, interval, updated_at) VALUES ('^IRX', ?, ?, ?, ?, ?, 0, '1d', ?)")) {
            // Stockula's _cache_rates: the day's rate / 100 as open = high = low = close, volume 0
            for (int i = 0; i < FILE_AT; i++) {
                double rate = irx.close(i, FILE_AT) / 100;
                ps.setString(1, irx.days[i].toString());
                for (int k = 2; k <= 5; k++) {
                    ps.setDouble(k, rate);
                }
                ps.setString(6, "2024-04-24 22:10:06.000001");
                ps.executeUpdate();
            }
        }
        String url = TestDatabases.freshPostgres();
        assertThat(StockulaEtl.execute("migrate", "--sqlite", file.toString(), "--db", url)).isZero();
        assertThat(StockulaEtl.execute("verify", "--sqlite", file.toString(), "--db", url)).isZero();

        // migrated: Stockula's values, raw unknown, ^IRX kept as the decimal it is
        double[] before = compare(url, divco, LATEST, FILE_AT);
        assertThat(count(url, "SELECT count(*) FROM price_history WHERE symbol = 'DIVCO' AND source = 'sqlite'"
                + " AND raw_close IS NULL AND adj_close IS NULL AND as_of = '2024-04-24 22:10:05.123456+00'")).isEqualTo(FILE_AT);
        assertThat(count(url, "SELECT count(*) FROM price_history WHERE symbol = '^IRX' AND close_price < 0.1"
                + " AND open_price = close_price")).isEqualTo(FILE_AT);

        String all = String.valueOf(WindowPlanner.ALL_HISTORY);
        fake.chart("DIVCO", FakeYahoo.body(divco.json(FIRST_PULL - 6, LATEST))); // the incremental window: from a week before
        // (added later, so WireMock prefers it) the whole history: as of the first pull, then as of the latest
        fake.sequence(() -> fake.chartRequest("DIVCO").withQueryParam("period1", equalTo(all)), "divco-whole",
                FakeYahoo.body(divco.json(0, FIRST_PULL)), FakeYahoo.body(divco.json(0, LATEST)));
        fake.sequence(() -> fake.chartRequest("^IRX"), "irx", FakeYahoo.body(irx.json(0, FIRST_PULL)), FakeYahoo.body(irx.json(0, LATEST)));
        rt = YahooTestRuntime.start(url, fake, Map.of("stockula.yahoo.symbols", "DIVCO,^IRX", "stockula.yahoo.response-timeout", "20s"), YahooTestRuntime.PRICE_ROUTES);

        // first sight by Yahoo: the whole history, no new dividend: the series as of the first pull
        YahooRun first = rt.request("direct:yahoo-prices-run", null);
        assertThat(first.status()).isEqualTo("succeeded");
        assertThat(fake.chartRequests("DIVCO").get(0).queryParameter("period1").firstValue()).isEqualTo(all);
        double[] afterFirst = compare(url, divco, FIRST_PULL, FIRST_PULL);
        assertThat(afterFirst[1]).as("max |close - auto-adjusted| after the first pull").isZero();

        // the dividend of day 100: the incremental window is left to a whole-history rebase in the same run
        YahooRun second = rt.request("direct:yahoo-prices-run", null);
        List<com.github.tomakehurst.wiremock.verification.LoggedRequest> asked = fake.chartRequests("DIVCO");
        assertThat(asked).hasSize(3);
        assertThat(asked.get(1).queryParameter("period1").firstValue()).isNotEqualTo(all);
        assertThat(asked.get(2).queryParameter("period1").firstValue()).isEqualTo(all);
        assertThat(second.symbols().get("DIVCO").splitRefetches()).isEqualTo(1);
        assertThat(second.accounted()).isTrue();
        assertThat(second.status()).isEqualTo("succeeded");

        double[] after = compare(url, divco, LATEST, LATEST);
        assertThat(after[0]).as("bars compared").isEqualTo(LATEST);
        assertThat(after[1]).as("max |close - auto-adjusted close of the latest fetch|").isZero();
        assertThat(after[2]).as("max |open/high/low - auto-adjusted| and raw/adjclose differences").isZero();
        assertThat(after[3]).as("days off the latest series").isZero();
        assertThat(count(url, "SELECT count(*) FROM price_history WHERE symbol = 'DIVCO' AND source = 'yahoo'"))
                .isEqualTo(LATEST);
        assertThat(count(url, "SELECT count(*) FROM dividends WHERE symbol = 'DIVCO'")).isEqualTo(3);
        assertThat(count(url, "SELECT count(*) FROM price_rebases")).isZero();
        // ^IRX: Yahoo's percent stored as Stockula's decimal, raw values too, on every day
        assertThat(count(url, "SELECT count(*) FROM price_history WHERE symbol = '^IRX'")).isEqualTo(LATEST);
        assertThat(count(url, "SELECT count(*) FROM price_history WHERE symbol = '^IRX' AND greatest(open_price,"
                + " high_price, low_price, close_price, raw_open, raw_high, raw_low, raw_close, adj_close) < 0.1")).isEqualTo(LATEST);
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("SELECT close_price, raw_open FROM price_history WHERE symbol = '^IRX'"
                     + " AND \"timestamp\" = ?")) {
            ps.setTimestamp(1, Timestamp.from(irx.key(7)));
            try (var rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getDouble(1)).isEqualTo(irx.close(7, LATEST) / 100);
                assertThat(rs.getDouble(2)).isEqualTo(irx.open(7, LATEST) / 100);
            }
        }
        System.out.printf("[price basis] DIVCO, %d bars: migrated (fetched at bar %d) vs the auto-adjusted series of the"
                        + " latest fetch: %d days off, max |close diff| %.6f; after migrate + 2 Yahoo pulls: %d days off,"
                        + " max |diff| %.1f (every column: adjusted, raw, adjclose)%n",
                LATEST, FILE_AT, (long) before[3], before[1], (long) after[3], Math.max(after[1], after[2]));
    }


    /**
     * Stored DIVCO bars against the auto-adjusted series when Yahoo had {@code count} bars, over the first
     * {@code bars} days: {bars compared, max |close diff|, max diff of the other columns, days with any difference}.
     * The raw columns are compared only where stored.
     */
    static double[] compare(String url, AdjustedSeries s, int count, int bars) throws Exception {
        double maxClose = 0;
        double maxOther = 0;
        long off = 0;
        long compared = 0;
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("SELECT open_price, high_price, low_price, close_price, raw_open,"
                     + " raw_high, raw_low, raw_close, adj_close, volume FROM price_history WHERE symbol = ?"
                     + " AND interval_type = '1d' AND \"timestamp\" = ?")) {
            for (int i = 0; i < bars; i++) {
                ps.setString(1, s.symbol);
                ps.setTimestamp(2, Timestamp.from(s.key(i)));
                try (var rs = ps.executeQuery()) {
                    assertThat(rs.next()).as("a bar for day %d", i).isTrue();
                    double[] want = s.autoAdjusted(i, count);
                    double closeDiff = Math.abs(rs.getDouble(4) - want[3]);
                    double other = 0;
                    for (int k = 0; k < 3; k++) {
                        other = Math.max(other, Math.abs(rs.getDouble(1 + k) - want[k]));
                    }
                    if (rs.getObject(8) != null) {
                        other = Math.max(other, Math.abs(rs.getDouble(5) - s.open(i, count)));
                        other = Math.max(other, Math.abs(rs.getDouble(6) - s.high(i, count)));
                        other = Math.max(other, Math.abs(rs.getDouble(7) - s.low(i, count)));
                        other = Math.max(other, Math.abs(rs.getDouble(8) - s.close(i, count)));
                        other = Math.max(other, Math.abs(rs.getDouble(9) - s.adjclose(i, count)));
                    }
                    other = Math.max(other, Math.abs(rs.getLong(10) - s.volume(i, count)));
                    maxClose = Math.max(maxClose, closeDiff);
                    maxOther = Math.max(maxOther, other);
                    if (closeDiff > 0 || other > 0) {
                        off++;
                    }
                    compared++;
                }
            }
        }
        return new double[] {compared, maxClose, maxOther, off};
    }

    static long count(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
