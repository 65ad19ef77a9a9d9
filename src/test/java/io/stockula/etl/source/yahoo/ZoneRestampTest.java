package io.stockula.etl.source.yahoo;

import static io.stockula.etl.source.yahoo.PriceBasisScenarioTest.count;
import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.StockulaEtl;
import io.stockula.etl.testsupport.TestDatabases;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crypto pair quoted in CAD is migrated before Yahoo has described it: its days are dated in a guessed zone
 * (New York). Yahoo then names UTC: the symbol's daily rows are re-stamped in the transaction that writes Yahoo's
 * bars, so every day keeps one row; a later migration of the same file dates them in Yahoo's zone too.
 */
class ZoneRestampTest extends YahooRouteTest {

    @TempDir
    Path dir;

    @Test
    void aGuessedZoneIsReplacedByYahoosAndEveryDayKeepsOneRow() throws Exception {
        AdjustedSeries s = new AdjustedSeries("BTC-CAD", ZoneId.of("UTC"), LocalTime.MIDNIGHT, LocalDate.of(2024, 3, 1),
                12, 90000, 5);
        Path file = dir.resolve("stockula.db");
        s.writeStockulaFile(file, 10, "2024-03-20 08:00:00.000001"); // Stockula had 10 of the 12 days
        String url = TestDatabases.freshPostgres();
        assertThat(StockulaEtl.execute("migrate", "--sqlite", file.toString(), "--db", url)).isZero();
        String perDay = "SELECT count(*) FROM (SELECT (\"timestamp\" AT TIME ZONE 'UTC')::date FROM price_history"
                + " WHERE symbol = 'BTC-CAD' GROUP BY 1 HAVING count(*) > 1) d";
        // the guess: New York midnight (05:00Z in March before the DST switch)
        assertThat(count(url, "SELECT count(*) FROM price_history WHERE symbol = 'BTC-CAD'"
                + " AND (\"timestamp\" AT TIME ZONE 'America/New_York')::time = '00:00'")).isEqualTo(10);

        fake.chart("BTC-CAD", FakeYahoo.body(s.json(0, 12)));
        rt = YahooTestRuntime.start(url, fake, Map.of("stockula.yahoo.symbols", "BTC-CAD",
                "stockula.yahoo.response-timeout", "20s"), YahooTestRuntime.PRICE_ROUTES);
        YahooRun run = rt.request("direct:yahoo-prices-run", null);
        assertThat(run.status()).isEqualTo("succeeded");
        assertThat(count(url, "SELECT count(*) FROM price_history WHERE symbol = 'BTC-CAD'")).isEqualTo(12);
        assertThat(count(url, perDay)).isZero();
        assertThat(count(url, "SELECT count(*) FROM price_history WHERE symbol = 'BTC-CAD'"
                + " AND (\"timestamp\" AT TIME ZONE 'UTC')::time = '00:00' AND source = 'yahoo'")).isEqualTo(12);
        assertThat(rt.scalar("SELECT exchange_timezone FROM stocks WHERE symbol = 'BTC-CAD'")).isEqualTo("UTC");
        assertThat(PriceBasisScenarioTest.compare(url, s, 12, 12)[3]).as("days off Yahoo's series").isZero();
        rt.close();
        rt = null;

        // the file migrated again (a new process): its days are dated in Yahoo's zone now, still one row each
        assertThat(StockulaEtl.execute("migrate", "--sqlite", file.toString(), "--db", url, "--restart")).isZero();
        assertThat(count(url, "SELECT count(*) FROM price_history WHERE symbol = 'BTC-CAD'")).isEqualTo(12);
        assertThat(count(url, perDay)).isZero();
        assertThat(count(url, "SELECT count(*) FROM price_history WHERE symbol = 'BTC-CAD' AND source = 'yahoo'"))
                .as("Stockula's older rows do not replace Yahoo's").isEqualTo(12);
    }
}
