package io.stockula.etl.quality;

import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.config.EtlSettings;
import io.stockula.etl.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/** A fresh PostgreSQL database with the schema applied, and helpers to put rows in it. */
final class QualityFixture implements AutoCloseable, org.junit.jupiter.api.extension.BeforeEachCallback,
        org.junit.jupiter.api.extension.AfterAllCallback {

    static final ZoneId NY = ZoneId.of("America/New_York");

    final String url;
    final Bootstrap boot;

    QualityFixture(Map<String, String> settings) {
        url = TestDatabases.freshPostgres();
        Map<String, String> all = new HashMap<>(settings);
        all.put("stockula.db.url", url);
        boot = Bootstrap.open(EtlSettings.load(null, all));
    }

    QualityFixture() {
        this(Map.of());
    }

    /** As a JUnit extension ({@code @RegisterExtension static final}): emptied before each test, closed after all. */
    @Override
    public void beforeEach(org.junit.jupiter.api.extension.ExtensionContext context) throws Exception {
        clear();
    }

    @Override
    public void afterAll(org.junit.jupiter.api.extension.ExtensionContext context) {
        close();
    }

    QualitySettings settings() {
        return QualitySettings.from(boot.settings());
    }

    Connection connection() throws SQLException {
        return boot.database().dataSource().getConnection();
    }

    void clear() throws SQLException {
        exec("TRUNCATE stocks, price_history, dividends, splits, options_calls, options_puts, stock_info,"
                + " quality_results, etl_run_history");
    }

    void exec(String... sql) throws SQLException {
        try (Connection c = connection(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    long count(String sql) throws SQLException {
        try (Connection c = connection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void stock(String symbol, String zone) throws SQLException {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement("INSERT INTO stocks (symbol, name, sector,"
                + " industry, exchange, currency, exchange_timezone) VALUES (?, ?, 'Tech', 'Software', 'NMS', 'USD', ?)")) {
            ps.setString(1, symbol);
            ps.setString(2, symbol + " Inc.");
            ps.setString(3, zone);
            ps.executeUpdate();
        }
    }

    /** A daily bar at local midnight of {@code date} in {@code zone}. */
    void daily(String symbol, ZoneId zone, LocalDate date, double o, double h, double l, double c, Long v) throws SQLException {
        bar(symbol, "1d", date.atStartOfDay(zone).toOffsetDateTime(), o, h, l, c, v);
    }

    void daily(String symbol, LocalDate date) throws SQLException {
        daily(symbol, NY, date, 10, 11, 9, 10.5, 1000L);
    }

    void bar(String symbol, String interval, OffsetDateTime ts, Double o, Double h, Double l, Double c, Long v)
            throws SQLException {
        try (Connection conn = connection(); PreparedStatement ps = conn.prepareStatement("INSERT INTO price_history"
                + " (symbol, \"timestamp\", interval_type, open_price, high_price, low_price, close_price, volume)"
                + " VALUES (?,?,?,?,?,?,?,?)")) {
            ps.setString(1, symbol);
            ps.setObject(2, ts);
            ps.setString(3, interval);
            setDouble(ps, 4, o);
            setDouble(ps, 5, h);
            setDouble(ps, 6, l);
            setDouble(ps, 7, c);
            if (v == null) {
                ps.setNull(8, java.sql.Types.BIGINT);
            } else {
                ps.setLong(8, v);
            }
            ps.executeUpdate();
        }
    }

    private static void setDouble(PreparedStatement ps, int i, Double d) throws SQLException {
        if (d == null) {
            ps.setNull(i, java.sql.Types.DOUBLE);
        } else {
            ps.setDouble(i, d);
        }
    }

    static Clock at(LocalDateTime localNewYork) {
        return Clock.fixed(localNewYork.atZone(NY).toInstant(), ZoneOffset.UTC);
    }

    /** Runs one check in a read-only snapshot, as the monitor does. */
    java.util.List<CheckResult> run(QualityCheck check, Clock clock) throws SQLException {
        return runWith(check, clock).results;
    }

    Outcome runWith(QualityCheck check, Clock clock) throws SQLException {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            QualityContext ctx = new QualityContext(c, settings(), clock);
            Outcome o = new Outcome(check.run(ctx), ctx);
            c.rollback();
            return o;
        }
    }

    record Outcome(java.util.List<CheckResult> results, QualityContext ctx) {
    }

    static CheckResult find(java.util.List<CheckResult> results, String table, String check, String subject) {
        return results.stream().filter(r -> r.table().equals(table) && r.check().equals(check)
                        && java.util.Objects.equals(r.subject(), subject)).findFirst()
                .orElseThrow(() -> new AssertionError("no result " + table + "/" + check + "/" + subject + " in " + results));
    }

    static Clock now() {
        return Clock.fixed(Instant.parse("2024-06-05T16:00:00Z"), ZoneOffset.UTC);
    }

    @Override
    public void close() {
        boot.close();
    }
}
