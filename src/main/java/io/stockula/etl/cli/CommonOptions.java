package io.stockula.etl.cli;

import io.stockula.etl.config.EtlSettings;
import io.stockula.etl.config.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command takes: where the target database is, and configuration overrides. */
public final class CommonOptions {

    private static final Logger LOG = LoggerFactory.getLogger(CommonOptions.class);

    @Option(names = "--db", paramLabel = "URL",
            description = "Target database, jdbc:postgresql://host:port/db (default: $STOCKULA_DB_URL, else the "
                    + "embedded PostgreSQL). Credentials: STOCKULA_DB_USER, STOCKULA_DB_PASSWORD or STOCKULA_DB_PASSWORD_FILE.")
    String db;

    @Option(names = "--config", paramLabel = "FILE", description = "A properties file overriding application.properties.")
    Path config;

    @Option(names = {"-D", "--set"}, paramLabel = "KEY=VALUE",
            description = "Override one configuration key, e.g. -D stockula.redelivery.delay=1000 (repeatable).")
    Map<String, String> properties = new LinkedHashMap<>();

    @Option(names = {"-v", "--verbose"}, description = "Debug logging, and a failure's stack trace on stderr "
            + "(it is always in the log file: $STOCKULA_LOG_FILE, default ~/.stockula-etl/logs/stockula-etl.log).")
    boolean verbose;

    public EtlSettings settings(Map<String, String> commandOverrides) {
        if (verbose) {
            ExitCodes.verbose();
        }
        warnAboutPasswordsOnTheCommandLine();
        Map<String, String> overrides = new LinkedHashMap<>(properties);
        if (db != null) {
            overrides.put("stockula.db.url", db);
        }
        commandOverrides.forEach((k, v) -> {
            if (v != null) {
                overrides.put(k, v);
            }
        });
        EtlSettings settings = EtlSettings.load(config, overrides);
        // read once: out of the system properties, which JMX (RuntimeMXBean) and Camel's properties would show
        System.clearProperty("stockula.db.password");
        return settings;
    }

    /** Other users see the command line in `ps` (and a -D in JMX): say so, and what to use instead. */
    private void warnAboutPasswordsOnTheCommandLine() {
        String where = null;
        if (db != null && (Secrets.passwordParameter(db) != null || db.matches("(?s).*//[^/@?]*:[^/@?]*@.*"))) {
            where = "--db";
        } else if (properties.containsKey("stockula.db.password")) {
            where = "-D stockula.db.password";
        } else if (System.getProperty("stockula.db.password") != null) {
            where = "the JVM option -Dstockula.db.password";
        }
        if (where != null) {
            LOG.warn("A database password given in {} is visible to other users of this machine (ps, JMX): "
                    + "prefer STOCKULA_DB_PASSWORD or STOCKULA_DB_PASSWORD_FILE", where);
        }
    }
}
