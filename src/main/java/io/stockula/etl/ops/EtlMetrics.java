package io.stockula.etl.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pipeline's own metrics, named in Prometheus style once exported (dots become underscores, counters get
 * {@code _total}). Camel's route metrics come from camel-micrometer's route policy; these count records,
 * not exchanges, so nothing is counted twice.
 */
public final class EtlMetrics {

    private final MeterRegistry registry;
    private final Map<String, GaugeValue> gauges = new ConcurrentHashMap<>();

    public EtlMetrics(MeterRegistry registry) {
        this.registry = registry;
        // series that alerts watch for growth exist from the start at 0, so that their first increase is seen
        writeFailures();
        for (String endpoint : new String[] {"chart", "quoteSummary", "options"}) {
            throttled(endpoint);
        }
        symbolsDeactivated();
    }

    private Counter symbolsDeactivated() {
        return Counter.builder("stockula.yahoo.symbols.deactivated")
                .description("Symbols marked inactive after repeated Yahoo 404s (stockula.yahoo.deactivate.*)")
                .register(registry);
    }

    /** A symbol was marked inactive after its 404 streak (alert YahooSymbolDeactivated). */
    public void symbolDeactivated() {
        symbolsDeactivated().increment();
    }

    private Counter writeFailures() {
        return Counter.builder("stockula.dead.letter.write.failures")
                .description("Dead letters that could not be persisted (logged at ERROR instead)").register(registry);
    }

    private Counter throttled(String endpoint) {
        return Counter.builder("stockula.http.throttled").description("HTTP 429 answers")
                .tags("endpoint", endpoint).register(registry);
    }

    /** For tests and one-off tools that need no scrape. */
    public static EtlMetrics standalone() {
        return new EtlMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    /**
     * outcome: read, loaded (inserted or changed in the target), unchanged (valid, and already so in the target),
     * merged, rejected, skipped, dead_lettered
     */
    public void records(String pipeline, String table, String outcome, long n) {
        if (n > 0) {
            Counter.builder("stockula.records").description("Records by pipeline, table and outcome")
                    .tags("pipeline", pipeline, "table", table, "outcome", outcome)
                    .register(registry).increment(n);
        }
    }

    public void validationFailure(String table, String reason) {
        Counter.builder("stockula.validation.failures").description("Rejected records by reason code")
                .tags("table", table, "reason", reason).register(registry).increment();
    }

    public void error(String source, ErrorCategory category) {
        Counter.builder("stockula.errors").description("Failures by source and category")
                .tags("source", source, "category", category.label()).register(registry).increment();
    }

    public void deadLetter(String route, ErrorCategory category) {
        Counter.builder("stockula.dead.letters").description("Messages persisted to the dead-letter table")
                .tags("route", route == null ? "unknown" : route, "category", category.label())
                .register(registry).increment();
    }

    public void deadLetterWriteFailure() {
        writeFailures().increment();
    }

    public void httpRequest(String endpoint, int status) {
        Counter.builder("stockula.http.requests").description("HTTP requests to data providers")
                .tags("endpoint", endpoint, "status", String.valueOf(status)).register(registry).increment();
        if (status == 429) {
            throttled(endpoint).increment();
        }
    }

    public void runDuration(String pipeline, String outcome, Duration d) {
        Timer.builder("stockula.pipeline.run").description("Pipeline run duration")
                .tags("pipeline", pipeline, "outcome", outcome).register(registry).record(d);
    }

    public void batchWrite(String table, Duration d) {
        Timer.builder("stockula.batch.write").description("Time to write one batch (COPY + upsert + commit)")
                .tags("table", table).register(registry).record(d);
    }

    /** A gauge that holds the last value set, e.g. the epoch seconds of a symbol's newest bar. */
    public void gauge(String name, String description, double value, String... tags) {
        String key = name + '|' + String.join(",", tags);
        gauges.computeIfAbsent(key, k -> {
            GaugeValue holder = new GaugeValue();
            Gauge.builder(name, holder, h -> h.value).description(description).tags(tags).register(registry);
            return holder;
        }).value = value;
    }

    private static final class GaugeValue {
        volatile double value;
    }
}
