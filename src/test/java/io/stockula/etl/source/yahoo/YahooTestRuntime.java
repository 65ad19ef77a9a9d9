package io.stockula.etl.source.yahoo;

import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.config.EtlRuntime;
import io.stockula.etl.config.EtlSettings;
import io.stockula.etl.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;

/** A fresh database and a Camel runtime with the Yahoo routes, pointed at a {@link FakeYahoo}. */
final class YahooTestRuntime implements AutoCloseable {

    static final List<String> PRICE_ROUTES = List.of("error-handling.yaml", "dead-letters.yaml", "yahoo-errors.yaml",
            "yahoo-prices.yaml");
    static final List<String> ALL_ROUTES = List.of("error-handling.yaml", "dead-letters.yaml", "yahoo-errors.yaml",
            "yahoo-prices.yaml", "yahoo-reference.yaml");

    final String dbUrl;
    final Bootstrap boot;
    final EtlRuntime runtime;
    final CamelContext camel;

    private YahooTestRuntime(String dbUrl, Bootstrap boot, EtlRuntime runtime, CamelContext camel) {
        this.dbUrl = dbUrl;
        this.boot = boot;
        this.runtime = runtime;
        this.camel = camel;
    }

    /** Fast test settings: retries after 10 ms, no pacing, 429 pauses of 300 ms, a 700 ms response timeout. */
    static Map<String, String> testSettings(String dbUrl, FakeYahoo fake) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("stockula.db.url", dbUrl);
        m.put("stockula.redelivery.delay", "10");
        m.put("stockula.redelivery.maximum-delay", "50");
        m.put("stockula.redelivery.maximum-redeliveries", "3");
        m.put("stockula.yahoo.requests-per-second", "0");
        m.put("stockula.yahoo.concurrency", "2");
        m.put("stockula.yahoo.response-timeout", "700ms");
        m.put("stockula.yahoo.throttle.initial-pause", "300ms");
        m.put("stockula.yahoo.throttle.max-pause", "2s");
        m.put("stockula.yahoo.throttle.jitter", "0.1");
        m.put("stockula.yahoo.crumb.min-refresh-interval", "0ms");
        if (fake != null) {
            m.putAll(fake.settings());
        } else {
            m.put("stockula.yahoo.enabled", "false");
        }
        return m;
    }

    static YahooTestRuntime start(FakeYahoo fake, Map<String, String> extra, List<String> routes) throws Exception {
        String url = TestDatabases.freshPostgres();
        return start(url, fake, extra, routes);
    }

    static YahooTestRuntime start(String url, FakeYahoo fake, Map<String, String> extra, List<String> routes)
            throws Exception {
        Map<String, String> settings = testSettings(url, fake);
        settings.putAll(extra);
        Bootstrap boot = Bootstrap.open(EtlSettings.load(null, settings));
        EtlRuntime runtime = new EtlRuntime(boot, routes, false, Map.of());
        CamelContext camel = runtime.start();
        return new YahooTestRuntime(url, boot, runtime, camel);
    }

    YahooRun request(String uri, Object body) {
        return camel.createProducerTemplate().requestBody(uri, body, YahooRun.class);
    }

    List<Map<String, Object>> rows(String sql, Object... params) throws SQLException {
        try (Connection c = DriverManager.getConnection(dbUrl); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i), rs.getObject(i));
                    }
                    out.add(row);
                }
            }
            return out;
        }
    }

    Object scalar(String sql, Object... params) throws SQLException {
        List<Map<String, Object>> r = rows(sql, params);
        return r.isEmpty() ? null : r.get(0).values().iterator().next();
    }

    long count(String sql, Object... params) throws SQLException {
        return ((Number) scalar(sql, params)).longValue();
    }

    void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(dbUrl); var st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Override
    public void close() {
        runtime.close();
        boot.close();
    }
}
