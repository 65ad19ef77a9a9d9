package io.stockula.etl.config;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code schema/} with Flyway: {@code common/} always, then {@code timescaledb/} or {@code postgres/}
 * depending on the mode. The mode is detected once (is the extension available?) and then read back from
 * Flyway's history, so a database never flips between modes; {@code stockula.schema.mode} forces it.
 */
public final class SchemaMigrator {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);

    private SchemaMigrator() {
    }

    /** The mode the database is in, and how many migrations this call applied (0 when it was up to date). */
    public record Result(SchemaMode mode, int applied) {
    }

    public static Result migrate(DataSource dataSource, EtlSettings settings) {
        SchemaMode mode = resolveMode(dataSource, settings.get("stockula.schema.mode", "auto"));
        String base = settings.get("stockula.schema.dir") == null
                ? "classpath:schema"
                : "filesystem:" + settings.get("stockula.schema.dir");
        FluentConfiguration config = Flyway.configure();
        // a session-level advisory lock instead of one held in an open transaction: Flyway's second
        // connection would otherwise wait on a server that serialises transactions (and on pgbouncer)
        config.getConfigurationExtension(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
        Flyway flyway = config
                .dataSource(dataSource)
                .locations(base + "/common", base + "/" + mode.folder())
                .placeholders(Map.of(
                        "priceChunkInterval", settings.get("stockula.timescale.price-chunk-interval", "30 days"),
                        "priceCompressAfter", settings.get("stockula.timescale.price-compress-after", "90 days"),
                        "priceRetention", settings.get("stockula.timescale.price-retention", "none"),
                        "optionsChunkInterval", settings.get("stockula.timescale.options-chunk-interval", "7 days"),
                        "optionsCompressAfter", settings.get("stockula.timescale.options-compress-after", "30 days"),
                        "optionsRetention", settings.get("stockula.timescale.options-retention", "3 years")))
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load();
        MigrateResult result = migrateWhenFree(flyway);
        if (mode == SchemaMode.TIMESCALEDB) {
            // the placeholders only reach the first migration: later changes of stockula.timescale.* are applied here
            TimescaleSettings.apply(dataSource, settings);
        }
        LOG.info("Schema {}: {} migration(s) applied, now at version {}", mode.describe(),
                result.migrationsExecuted, result.targetSchemaVersion == null
                        ? flyway.info().current().getVersion() : result.targetSchemaVersion);
        return new Result(mode, result.migrationsExecuted);
    }

    /**
     * Flyway's migrate, tried again while another runtime started at the same moment is creating the schema: this
     * one saw no history table but the other's first tables, decided to baseline, and found the history table created
     * meanwhile ("Unable to baseline schema history table ... as it already exists, and is empty": exit 3). Seen with
     * three runtimes started at once on a new database; a later attempt waits on Flyway's own lock and finds the
     * schema up to date.
     */
    static MigrateResult migrateWhenFree(Flyway flyway) {
        for (int attempt = 1; ; attempt++) {
            try {
                return flyway.migrate();
            } catch (org.flywaydb.core.api.FlywayException e) {
                if (attempt >= 10 || e.getMessage() == null || !e.getMessage().contains("already exists, and is empty")) {
                    throw e;
                }
                LOG.info("Another runtime is creating the schema; trying again (attempt {} of 10)", attempt + 1);
                try {
                    Thread.sleep(500L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** What {@code auto} logs, and {@code timescaledb} fails with, when the extension cannot be used. */
    static final String NOT_PRELOADED = "TimescaleDB is installed on the target but not preloaded: to use it, add"
            + " timescaledb to shared_preload_libraries in postgresql.conf and restart the server";
    static final String NOT_AVAILABLE = "stockula.schema.mode = timescaledb, but the target does not offer the"
            + " timescaledb extension (pg_available_extensions); install TimescaleDB or use mode auto or postgres";

    static SchemaMode resolveMode(DataSource dataSource, String requested) {
        SchemaMode forced;
        try {
            forced = "auto".equalsIgnoreCase(requested) ? null : SchemaMode.valueOf(requested.trim().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("stockula.schema.mode must be auto, timescaledb or postgres, not '"
                    + requested + "'");
        }
        if (forced == SchemaMode.POSTGRES) {
            return forced;
        }
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            if (forced == null && exists(st, "SELECT 1 FROM information_schema.tables WHERE table_name = 'flyway_schema_history'"
                    + " AND table_schema = current_schema()")) {
                if (exists(st, "SELECT 1 FROM flyway_schema_history WHERE script LIKE '%timescaledb%' AND success")) {
                    return SchemaMode.TIMESCALEDB;
                }
                if (exists(st, "SELECT 1 FROM flyway_schema_history WHERE script LIKE '%postgres_%' AND success")) {
                    return SchemaMode.POSTGRES;
                }
            }
            if (!exists(st, "SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")) {
                if (forced != null) {
                    throw new IllegalArgumentException(NOT_AVAILABLE);
                }
                return SchemaMode.POSTGRES;
            }
            // installed is not enough: CREATE EXTENSION ends the session (FATAL) unless the loader is preloaded,
            // which its GUC timescaledb.disable_load shows; an extension already created is usable too
            if (exists(st, "SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'")
                    || exists(st, "SELECT 1 FROM pg_settings WHERE name = 'timescaledb.disable_load'")) {
                return SchemaMode.TIMESCALEDB;
            }
            if (forced != null) {
                // the same sentence as auto's warning: forcing the mode cannot make the server load the library
                throw new IllegalArgumentException("stockula.schema.mode = timescaledb: " + NOT_PRELOADED);
            }
            LOG.warn("{} (using plain PostgreSQL until then)", NOT_PRELOADED);
            return SchemaMode.POSTGRES;
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot inspect the target database: " + e.getMessage(), e);
        }
    }

    private static boolean exists(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next();
        }
    }
}
