package io.stockula.etl.source.yahoo;

import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.config.InstanceId;
import io.stockula.etl.config.KafkaSettings;
import io.stockula.etl.config.RuntimeModule;
import io.stockula.etl.ops.RunHistory;
import io.stockula.etl.transform.TradingDates;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import javax.sql.DataSource;

/**
 * The Yahoo ingestion's beans (routes/yahoo-*.yaml use them):
 * {@code yahooHttp} (the HTTP gate: pacing, circuit breaker, crumb, timeouts, metrics), {@code yahooWorkers}
 * (the threads a run's requests are spread over), {@code yahooJobs}, {@code yahooCharts},
 * {@code yahooReference}, {@code yahooRuns}, {@code yahooFailures}. One set per runtime, so the rate limit and
 * the circuit breaker hold across every Yahoo job of the process.
 */
public final class YahooModule implements RuntimeModule {

    @Override
    public void bind(Bootstrap boot, BiConsumer<String, Object> registry) {
        YahooSettings settings = YahooSettings.from(boot.settings());
        DataSource ds = boot.database().dataSource();
        var metrics = boot.metrics();

        RateLimiter limiter = new RateLimiter(settings.requestsPerSecond(), settings.concurrency());
        // a probe that has not reported by the end of its own deadline (plus a margin) is replaced
        CircuitBreaker breaker = new CircuitBreaker(settings.initialPause(), settings.maxPause(), settings.giveUpAfter(),
                settings.jitter(), settings.requestDeadline().plus(settings.connectTimeout()).plusSeconds(30));
        CrumbManager crumbs = new CrumbManager(settings, limiter, breaker, metrics);
        TradingDates dates = boot.tradingDates();
        StockDirectory directory = new StockDirectory(ds);
        WindowPlanner planner = new WindowPlanner(settings, dates);
        YahooRuns runs = new YahooRuns(metrics);
        YahooCharts charts = new YahooCharts(dates, boot.units(), directory, planner, settings, runs, metrics);
        KafkaSettings kafka = KafkaSettings.from(boot.settings());
        YahooWork work = new YahooWork(ds, kafka, runs, directory, dates, metrics, InstanceId.of(boot.settings()));
        boolean shared = kafka.enabled() || boot.settings().getBoolean("stockula.cluster.enabled", false);
        YahooJobs jobs = new YahooJobs(boot.settings(), settings, ds, new Universe(directory, settings.symbols()),
                directory, planner, dates, new RunHistory(ds), metrics, runs, charts, breaker, work, shared);
        if (kafka.enabled()) {
            work.partitions(WorkTopic.ensure(kafka));
        }
        jobs.initGauges();

        registry.accept("yahooHttp", new YahooHttpGate(settings, limiter, breaker, crumbs, metrics));
        registry.accept("yahooWorkers", workers(settings.concurrency()));
        registry.accept("yahooJobs", jobs);
        registry.accept("yahooCharts", charts);
        registry.accept("yahooReference", new YahooReference(directory, settings, runs));
        registry.accept("yahooRuns", runs);
        registry.accept("yahooWork", work);
        registry.accept("yahooFailures", new YahooFailures(directory, runs,
                boot.settings().getInt("stockula.yahoo.deactivate.misses", 3),
                java.time.Duration.ofDays(boot.settings().getInt("stockula.yahoo.deactivate.days", 2)), metrics));
    }

    /**
     * As many workers as requests may be in flight, plus one, so that a worker writing its batch to the database
     * does not leave an HTTP slot idle. Daemon threads that time out when idle: nothing to shut down.
     */
    static ExecutorService workers(int concurrency) {
        AtomicInteger n = new AtomicInteger();
        int size = concurrency + 1;
        ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "yahoo-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
