package io.stockula.etl.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;

/**
 * Known bars and the rollups they must produce, shared by the PostgreSQL and the TimescaleDB schema tests.
 * Daily bars of a New York and a Frankfurt listing sit at local midnight (Frankfurt's midnight is the previous
 * UTC day): both must land in the week and month of their own local date.
 */
final class RollupFixture {

    private RollupFixture() {
    }

    static void insertBars(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO price_history (symbol, \"timestamp\", interval_type,"
                + " open_price, high_price, low_price, close_price, volume) VALUES (?,?,?,?,?,?,?,?)")) {
            // week of Mon 2024-01-29 .. Fri 2024-02-02: spans the January/February month boundary
            LocalDate d = LocalDate.of(2024, 1, 29);
            for (int i = 0; i < 5; i++) {
                for (String[] s : new String[][] {{"AAPL", "America/New_York"}, {"SAP.DE", "Europe/Berlin"}}) {
                    OffsetDateTime ts = d.plusDays(i).atStartOfDay(ZoneId.of(s[1])).toOffsetDateTime();
                    double base = 100 + i;
                    add(ps, s[0], ts, "1d", base, base + 2.5, base - 1.25, base + 0.5, 1000L * (i + 1));
                }
            }
            // intraday: three 1h bars on 2024-01-29 (14:30Z, 15:30Z, 16:30Z)
            OffsetDateTime open = OffsetDateTime.parse("2024-01-29T14:30:00Z");
            add(ps, "AAPL", open, "1h", 10.0, 11.0, 9.5, 10.5, 100L);
            add(ps, "AAPL", open.plusHours(1), "1h", 10.5, 12.25, 10.25, 12.0, 200L);
            add(ps, "AAPL", open.plusHours(2), "1h", 12.0, 12.5, 8.0, 9.0, 300L);
            ps.executeBatch();
        }
    }

    private static void add(PreparedStatement ps, String symbol, OffsetDateTime ts, String interval, double o, double h,
                            double l, double cl, long v) throws SQLException {
        ps.setString(1, symbol);
        ps.setObject(2, ts);
        ps.setString(3, interval);
        ps.setDouble(4, o);
        ps.setDouble(5, h);
        ps.setDouble(6, l);
        ps.setDouble(7, cl);
        ps.setLong(8, v);
        ps.addBatch();
    }

    static void assertRollups(Connection c) throws SQLException {
        for (String symbol : List.of("AAPL", "SAP.DE")) {
            // one week bucket: Monday's open, the week's extremes, Friday's close, summed volume
            assertThat(rows(c, "SELECT to_char(bucket AT TIME ZONE 'UTC' + INTERVAL '14 hours', 'YYYY-MM-DD'), open_price,"
                    + " high_price, low_price, close_price, volume, bar_count FROM price_weekly WHERE symbol = '" + symbol
                    + "' ORDER BY bucket"))
                    .containsExactly(List.of("2024-01-29", "100", "106.5", "98.75", "104.5", "15000", "5"));
            // two month buckets: 29-31 January, 1-2 February
            assertThat(rows(c, "SELECT to_char(bucket AT TIME ZONE 'UTC' + INTERVAL '14 hours', 'YYYY-MM-DD'), open_price,"
                    + " high_price, low_price, close_price, volume, bar_count FROM price_monthly WHERE symbol = '" + symbol
                    + "' ORDER BY bucket"))
                    .containsExactly(List.of("2024-01-01", "100", "104.5", "98.75", "102.5", "6000", "3"),
                            List.of("2024-02-01", "103", "106.5", "101.75", "104.5", "9000", "2"));
        }
        assertThat(rows(c, "SELECT to_char(bucket AT TIME ZONE 'UTC', 'YYYY-MM-DD'), source_interval, open_price,"
                + " high_price, low_price, close_price, volume, bar_count FROM price_daily WHERE symbol = 'AAPL'"))
                .containsExactly(List.of("2024-01-29", "1h", "10", "12.5", "8", "9", "600", "3"));
    }

    static List<List<String>> rows(Connection c, String sql) throws SQLException {
        return io.stockula.etl.testsupport.Sql.rows(c, sql);
    }
}
