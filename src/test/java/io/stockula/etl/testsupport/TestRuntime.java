package io.stockula.etl.testsupport;

import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.config.EtlRuntime;
import io.stockula.etl.config.EtlSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A fresh database with the schema applied, and optionally a started Camel runtime on it, for route tests. */
public final class TestRuntime implements AutoCloseable {

    public final Bootstrap boot;
    public EtlRuntime runtime;

    private TestRuntime(Bootstrap boot) {
        this.boot = boot;
    }

    /** A fresh PostgreSQL database; fast redeliveries (10 ms) unless overridden. */
    public static TestRuntime postgres(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        props.put("stockula.db.url", TestDatabases.freshPostgres());
        props.put("stockula.redelivery.delay", "10");
        props.put("stockula.redelivery.maximum-delay", "40");
        props.put("stockula.routes.dir", "routes");
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return new TestRuntime(Bootstrap.open(EtlSettings.load(null, props)));
    }

    /** Starts Camel with these route files of routes/ (error handling and the dead-letter route always). */
    public TestRuntime start(String... routeFiles) throws Exception {
        List<String> files = new java.util.ArrayList<>(List.of("error-handling.yaml", "dead-letters.yaml"));
        files.addAll(List.of(routeFiles));
        runtime = new EtlRuntime(boot, files, false, Map.of());
        runtime.start();
        return this;
    }

    public org.apache.camel.CamelContext context() {
        return runtime.context();
    }

    public java.sql.Connection connection() throws java.sql.SQLException {
        return boot.database().connection();
    }

    public List<List<String>> rows(String sql) throws java.sql.SQLException {
        try (var c = connection()) {
            return Sql.rows(c, sql);
        }
    }

    /** A count(*) query's value, or -1 while it cannot be read (for waiting on a condition). */
    public long count(String sql) {
        try {
            return Long.parseLong(rows(sql).get(0).get(0));
        } catch (Exception e) {
            return -1;
        }
    }

    @Override
    public void close() {
        if (runtime != null) {
            runtime.close();
        }
        boot.close();
    }
}
