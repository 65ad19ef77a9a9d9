package io.stockula.etl.cli;

import io.stockula.etl.config.EtlSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command takes: where the target database is, and configuration overrides. */
public final class CommonOptions {

    @Option(names = "--db", paramLabel = "URL",
            description = "Target database, jdbc:postgresql://host:port/db (default: $STOCKULA_DB_URL, else the "
                    + "embedded PostgreSQL). Credentials: STOCKULA_DB_USER, STOCKULA_DB_PASSWORD or STOCKULA_DB_PASSWORD_FILE.")
    String db;

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file overriding application.properties.")
    Path config;

    @Option(names = {"-D", "--set"}, paramLabel = "KEY=VALUE",
            description = "Override one configuration key, e.g. -D stockula.redelivery.delay=1000 (repeatable).")
    Map<String, String> properties = new LinkedHashMap<>();

    public EtlSettings settings(Map<String, String> commandOverrides) {
        Map<String, String> overrides = new LinkedHashMap<>(properties);
        if (db != null) {
            overrides.put("stockula.db.url", db);
        }
        commandOverrides.forEach((k, v) -> {
            if (v != null) {
                overrides.put(k, v);
            }
        });
        return EtlSettings.load(config, overrides);
    }
}
