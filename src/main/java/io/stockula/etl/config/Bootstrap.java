package io.stockula.etl.config;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stockula.etl.ops.EtlMetrics;

/**
 * What every command needs before it does anything: the settings, a metrics registry, the target database
 * (or the embedded default) and its schema, applied. Closing it closes the pool and stops an embedded server.
 */
public final class Bootstrap implements AutoCloseable {

    private final EtlSettings settings;
    private final PrometheusMeterRegistry meterRegistry;
    private final EtlMetrics metrics;
    private final TargetDatabase database;
    private final SchemaMode mode;
    private final io.stockula.etl.transform.TradingDates tradingDates = new io.stockula.etl.transform.TradingDates();

    private Bootstrap(EtlSettings settings, PrometheusMeterRegistry registry, TargetDatabase database, SchemaMode mode) {
        this.settings = settings;
        this.meterRegistry = registry;
        this.metrics = new EtlMetrics(registry);
        this.database = database;
        this.mode = mode;
    }

    public static Bootstrap open(EtlSettings settings) {
        SettingsCheck.validate(settings);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // several runtimes feed one Prometheus: every series says which runtime it comes from
        registry.config().commonTags("runtime", InstanceId.of(settings));
        TargetDatabase db = TargetDatabase.open(QuartzCluster.withQuartzConnections(settings), registry);
        try {
            SchemaMode mode = settings.getBoolean("stockula.schema.apply-on-start", true)
                    ? SchemaMigrator.migrate(db.dataSource(), settings).mode()
                    : SchemaMigrator.resolveMode(db.dataSource(), settings.get("stockula.schema.mode", "auto"));
            return new Bootstrap(settings, registry, db, mode);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    public EtlSettings settings() {
        return settings;
    }

    public PrometheusMeterRegistry meterRegistry() {
        return meterRegistry;
    }

    public EtlMetrics metrics() {
        return metrics;
    }

    public TargetDatabase database() {
        return database;
    }

    /**
     * The trading-date rule with the zones this process knows, one per runtime: the SQLite sync and the Yahoo
     * ingestion place a day's bar with the same zone, and a zone Yahoo reports is at once the sync's too.
     */
    public io.stockula.etl.transform.TradingDates tradingDates() {
        return tradingDates;
    }

    /** The units of rate symbols (stockula.units.*). */
    public io.stockula.etl.transform.PriceUnits units() {
        return io.stockula.etl.transform.PriceUnits.of(settings.get("stockula.units.percent-symbols"),
                settings.get("stockula.units.sqlite-decimal-symbols"));
    }

    public SchemaMode mode() {
        return mode;
    }

    @Override
    public void close() {
        database.close();
    }
}
