package io.stockula.etl.source.yahoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.testsupport.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `run` with the SQLite sync and Yahoo both on, writing the same days in both orders: the newer data (SQLite's
 * updated_at against Yahoo's fetch time) wins whole rows, an older write never replaces a newer one, and no day
 * mixes bases (a Yahoo row has its raw values, a Stockula row has none).
 */
class BothSourcesTest extends YahooRouteTest {

    static final ZoneId NY = ZoneId.of("America/New_York");
    static final String OLD = "2024-01-20 10:00:00.000001";   // Stockula fetched before Yahoo's pull
    static final String NEWER = "2099-01-01 00:00:00";          // Stockula's UPDATE after Yahoo's pull (whole seconds)

    @TempDir
    Path dir;

    @Test
    void theNewerDataWinsWholeRowsInBothOrders() throws Exception {
        AdjustedSeries a = new AdjustedSeries("BOTHA", NY, LocalTime.of(9, 30), LocalDate.of(2024, 1, 2), 10, 50, 1)
                .dividend(5, 0.4);
        AdjustedSeries b = new AdjustedSeries("BOTHB", NY, LocalTime.of(9, 30), LocalDate.of(2024, 1, 2), 10, 70, 2);
        Path file = dir.resolve("stockula.db");
        // order 1: Stockula's rows first (fetched when Yahoo had 5 bars: before the dividend, another basis)
        a.writeStockulaFile(file, 10, OLD);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            st.execute("UPDATE price_history SET close_price = close_price * 1.01, open_price = open_price * 1.01,"
                    + " high_price = high_price * 1.01, low_price = low_price * 1.01"); // an older basis than Yahoo's
        }
        fake.chart("BOTHA", FakeYahoo.body(a.json(0, 10))).chart("BOTHB", FakeYahoo.body(b.json(0, 10)));
        String url = TestDatabases.freshPostgres();
        rt = YahooTestRuntime.start(url, fake, Map.of("stockula.yahoo.symbols", "BOTHA,BOTHB",
                "stockula.yahoo.response-timeout", "20s", "stockula.sqlite.path", file.toString(),
                "stockula.sqlite.poll-interval", "300"), routes());
        await(() -> count("SELECT count(*) FROM price_history WHERE symbol = 'BOTHA' AND source = 'sqlite'") == 10);

        rt.request("direct:yahoo-prices-run", null);
        // Yahoo's fetch is newer than Stockula's rows: every day is Yahoo's now, on Yahoo's basis
        assertThat(count("SELECT count(*) FROM price_history WHERE source = 'yahoo'")).isEqualTo(20);
        assertThat(daysOffYahoo(a)).isZero();

        // order 2: Stockula writes after Yahoo: an older fetch (BOTHB's rows, inserted now with an old stamp) loses;
        // a newer one (an UPDATE stamped after Yahoo's fetch: BOTHA day 3, BOTHB day 7) wins the whole row
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = c.createStatement()) {
            b.addTo(c, 10, OLD);
            st.execute("UPDATE price_history SET close_price = low_price, updated_at = '" + NEWER + "'"
                    + " WHERE symbol = 'BOTHA' AND date = '" + a.days[3] + "'");
            st.execute("UPDATE price_history SET close_price = high_price, updated_at = '" + NEWER + "'"
                    + " WHERE symbol = 'BOTHB' AND date = '" + b.days[7] + "'");
        }
        await(() -> count("SELECT count(*) FROM price_history WHERE source = 'sqlite'") == 2);
        await(() -> count("SELECT count(*) FROM etl_checkpoints WHERE source_table = 'price_history'"
                + " AND last_rowid >= 20") == 1);
        assertThat(rows("SELECT symbol, \"timestamp\" FROM price_history WHERE source = 'sqlite' ORDER BY 1"))
                .containsExactly(List.of("BOTHA", Timestamp.from(a.key(3))), List.of("BOTHB", Timestamp.from(b.key(7))));
        assertThat(count("SELECT count(*) FROM price_history WHERE symbol = 'BOTHA' AND close_price = low_price"
                + " AND \"timestamp\" = '" + Timestamp.from(a.key(3)).toInstant() + "'")).isEqualTo(1);

        // Yahoo again: its fetch is older than Stockula's 2099 stamps, so those two days stay Stockula's
        rt.request("direct:yahoo-prices-run", null);
        assertThat(count("SELECT count(*) FROM price_history WHERE source = 'sqlite'")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM price_history")).isEqualTo(20);
        // no day mixes bases: Yahoo's rows carry their raw values and adjclose, Stockula's rows none
        assertThat(count("SELECT count(*) FROM price_history WHERE NOT ((source = 'yahoo' AND raw_close IS NOT NULL"
                + " AND adj_close IS NOT NULL AND as_of < '2099-01-01') OR (source = 'sqlite' AND raw_close IS NULL"
                + " AND raw_open IS NULL AND adj_close IS NULL AND as_of = '" + NEWER + "+00'))")).isZero();
        assertThat(daysOffYahoo(a)).isEqualTo(1); // day 3 only
    }

    private static List<String> routes() {
        List<String> r = new ArrayList<>(YahooTestRuntime.PRICE_ROUTES);
        r.add("sqlite-migration.yaml");
        r.add("sqlite-sync.yaml");
        return r;
    }

    private long daysOffYahoo(AdjustedSeries s) throws Exception {
        return (long) PriceBasisScenarioTest.compare(rt.dbUrl, s, 10, 10)[3];
    }

    private long count(String sql) {
        try {
            return rt.count(sql);
        } catch (Exception e) {
            return -1;
        }
    }

    private List<List<Object>> rows(String sql) throws Exception {
        List<List<Object>> out = new ArrayList<>();
        for (Map<String, Object> r : rt.rows(sql)) {
            out.add(new ArrayList<>(r.values()));
        }
        return out;
    }


    private static void await(Supplier<Boolean> condition) throws InterruptedException {
        io.stockula.etl.testsupport.Await.until(condition, 30);
    }
}
