package io.stockula.etl.config;

import io.stockula.etl.load.BatchWriter;
import io.stockula.etl.ops.DatabaseHealthCheck;
import io.stockula.etl.ops.DeadLetterStore;
import io.stockula.etl.ops.RollupRefresher;
import io.stockula.etl.ops.RunHistory;
import io.stockula.etl.validate.RecordValidation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Camel side of a command: a camel-main {@link Main} with the shared beans bound, the merged settings as
 * properties, and the YAML routes of {@code routes/} (or of {@code stockula.routes.dir}). Route files are
 * chosen per command: {@code run} loads all of them, one-shot commands only those they need.
 */
public final class EtlRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EtlRuntime.class);

    private final Bootstrap boot;
    private final Main main;
    private final RunHistory runHistory;
    private boolean started;

    public EtlRuntime(Bootstrap boot, List<String> routeFiles, boolean managementServer, Map<String, Object> beans) {
        this.boot = boot;
        this.main = new Main();
        this.runHistory = new RunHistory(boot.database().dataSource());
        // SIGTERM is handled by the command, so that routes stop before the pool and an embedded database
        main.setShutdownStrategy(new org.apache.camel.main.SimpleMainShutdownStrategy());
        EtlSettings s = boot.settings();
        Properties props = s.asProperties();
        // secrets stay out of Camel: its startup summary prints the properties it resolves
        props.remove("stockula.db.password");
        props.remove("stockula.db.url");
        props.stringPropertyNames().stream().filter(EtlRuntime::kafkaSecret).forEach(props::remove);
        props.setProperty("camel.main.routes-include-pattern", routesPattern(s, routeFiles));
        if (!managementServer) {
            props.setProperty("camel.management.enabled", "false");
        }
        props.setProperty("stockula.schema.active-mode", boot.mode().name().toLowerCase());
        // routes/yahoo-work.yaml runs its Kafka routes only when a cluster is named; the brokers go to the component
        KafkaSettings kafka = KafkaSettings.from(s);
        props.setProperty("stockula.kafka.enabled", String.valueOf(kafka.enabled()));
        // only the long-running runtime consumes the work topic and adopts runs; one-shot commands (backfill, dlq
        // replay) publish their requests and wait for the runtimes to do them
        props.setProperty("stockula.kafka.consume", String.valueOf(kafka.enabled() && managementServer));
        if (kafka.enabled()) {
            // brokers and security given to the component as a bean, not as camel.component.kafka.* properties:
            // the latter would pass the SASL password through Camel's property summary
            org.apache.camel.component.kafka.KafkaComponent component = new org.apache.camel.component.kafka.KafkaComponent();
            component.getConfiguration().setBrokers(kafka.bootstrapServers());
            component.getConfiguration().setAdditionalProperties(new java.util.HashMap<>(kafka.security().clientProperties()));
            main.bind("kafka", component);
        }
        // the Kafka consumers' client id: how a runtime finds its own partitions among the group's members
        props.setProperty("stockula.runtime-id", InstanceId.of(s));
        // the Kafka endpoint options take milliseconds
        props.setProperty("stockula.kafka.session-timeout-ms", String.valueOf(kafka.sessionTimeout().toMillis()));
        props.setProperty("stockula.kafka.heartbeat-interval-ms", String.valueOf(kafka.sessionTimeout().toMillis() / 3));
        props.setProperty("stockula.kafka.max-poll-interval-ms", String.valueOf(kafka.maxPollInterval().toMillis()));
        props.setProperty("stockula.kafka.adopt-period-ms", String.valueOf(kafka.adoptPeriod().toMillis()));
        props.setProperty("stockula.kafka.publish-timeout-ms", String.valueOf(kafka.publishTimeout().toMillis()));
        main.setOverrideProperties(props);

        var ds = boot.database().dataSource();
        main.bind("targetDb", ds);
        main.bind("metricsRegistry", boot.meterRegistry());
        main.bind("etlMetrics", boot.metrics());
        main.bind("recordValidation", new RecordValidation());
        main.bind("batchWriter", new BatchWriter(ds, boot.metrics()));
        main.bind("deadLetterStore", new DeadLetterStore(ds, boot.metrics(), new io.stockula.etl.ops.DeadLetterSpool(
                Path.of(s.get("stockula.dead-letters.spool-dir", System.getProperty("user.home") + "/.stockula-etl/spool")),
                boot.database().url())));
        main.bind("redeliveryCounter", new io.stockula.etl.ops.RedeliveryCounter());
        main.bind("runHistory", runHistory);
        main.bind("rollupRefresher", new RollupRefresher(ds, boot.mode()));
        main.bind("kafkaGroupHealth", new io.stockula.etl.ops.KafkaGroupHealth(kafka, boot.metrics(), InstanceId.of(s)));
        main.bind("timescaleJobHealth", new io.stockula.etl.ops.TimescaleJobHealth(ds, boot.metrics(), boot.mode()));
        main.bind("databaseHealthCheck", new DatabaseHealthCheck(ds, boot.metrics(),
                s.getBoolean("stockula.management.show-details", false)
                        ? boot.database().url() + " (" + boot.mode().name().toLowerCase() + ")" : null));
        RuntimeModules.ALL.forEach(m -> m.bind(boot, main::bind));
        QuartzCluster.bind(boot, main::bind); // stockula.cluster.enabled: Quartz on the clustered JDBC store
        beans.forEach(main::bind);
    }

    /** Kafka settings that may hold a secret: the routes need none of them. */
    static boolean kafkaSecret(String key) {
        return key.startsWith(KafkaSecurity.CLIENT_PREFIX) || key.equals("stockula.kafka.password")
                || key.equals("stockula.kafka.ssl-truststore-password");
    }

    static String routesPattern(EtlSettings s, List<String> routeFiles) {
        Path dir = Path.of(s.get("stockula.routes.dir", "routes"));
        if (Files.isDirectory(dir)) {
            String base = "file:" + dir.toAbsolutePath().normalize();
            LOG.info("Routes: {} from {}", routeFiles.isEmpty() ? "all *.yaml" : routeFiles, dir.toAbsolutePath().normalize());
            return routeFiles.isEmpty() ? base + "/*.yaml"
                    : routeFiles.stream().map(f -> base + "/" + f).collect(Collectors.joining(","));
        }
        LOG.info("Routes directory {} not found: using the routes bundled in the jar", dir.toAbsolutePath());
        return routeFiles.isEmpty() ? "classpath:routes/*.yaml"
                : routeFiles.stream().map(f -> "classpath:routes/" + f).collect(Collectors.joining(","));
    }

    /** Starts Camel and returns (for commands that do their work and stop). */
    public CamelContext start() throws Exception {
        main.start();
        started = true;
        return main.getCamelContext();
    }

    /** Runs until {@link #shutdown()} (or the JVM is asked to stop). */
    public void runUntilStopped() throws Exception {
        started = true;
        main.run();
    }

    public void shutdown() {
        main.completed();
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    /** What ran and how it ended (the routes' {@code runHistory} bean). */
    public RunHistory runHistory() {
        return runHistory;
    }

    public Bootstrap boot() {
        return boot;
    }

    @Override
    public void close() {
        if (started) {
            try {
                main.stop();
            } catch (Exception e) {
                LOG.warn("Camel did not stop cleanly: {}", e.getMessage());
            }
        }
    }
}
