package io.stockula.etl.source.yahoo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.sun.management.GarbageCollectionNotificationInfo;
import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.config.EtlSettings;
import io.stockula.etl.load.BatchWriter;
import io.stockula.etl.transform.TradingDates;
import io.stockula.etl.validate.RecordValidation;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The ingestion benchmark (run in its own JVM by {@link YahooBenchmarkTest}, so that its heap is the runtime's and
 * can be capped): N symbols x 252 daily bars, first loaded straight from memory (rows built from the same data,
 * validated and written by the same BatchWriter, on as many threads as the pipeline's workers), then pulled end to
 * end through the routes from the fake Yahoo with pacing off. Prints bars/s, wall times, their ratio and the
 * heap: the peak used (sampled every 20 ms, garbage included) and the peak live set after a collection.
 *
 * <p>Arguments: memoryDbUrl pipelineDbUrl symbols concurrency
 */
public final class YahooBenchmark {

    private static final AtomicLong PEAK_USED = new AtomicLong();
    private static final AtomicLong PEAK_LIVE = new AtomicLong();

    public static void main(String[] args) throws Exception {
        String memoryDb = args[0];
        String pipelineDb = args[1];
        int symbols = Integer.parseInt(args[2]);
        int concurrency = Integer.parseInt(args[3]);
        int threads = concurrency + 1; // the pipeline's worker count (YahooModule.workers)
        watchHeap();

        // warm-up of both paths on symbols that are not measured
        fromMemory(memoryDb, "WRM", 60, threads);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < symbols; i++) {
            names.add(SyntheticChart.symbol(i));
        }

        long memoryNanos = fromMemory(memoryDb, "SYM", symbols, threads);
        long bars = (long) symbols * SyntheticChart.BARS;
        System.out.printf("BENCH in-memory: %d bars (+%d dividends) in %.2f s = %.0f bars/s on %d threads%n", bars,
                symbols * 4L, memoryNanos / 1e9, bars / (memoryNanos / 1e9), threads);

        // the fake server's answers are written to disk beforehand, so that making them up (number formatting)
        // does not compete with the pipeline for the two cores during the measured pull
        Path bodies = Files.createTempDirectory("yahoo-bench");
        for (int i = 0; i < symbols; i++) {
            Files.write(bodies.resolve(SyntheticChart.symbol(i) + ".json"), SyntheticChart.json(SyntheticChart.symbol(i)));
        }
        for (int i = 0; i < 60; i++) {
            String w = "WRM" + String.format("%04d", i);
            Files.write(bodies.resolve(w + ".json"), SyntheticChart.json(w));
        }
        try (FakeYahoo fake = new FakeYahoo(false, new Generator(bodies))) {
            fake.server().stubFor(get(urlPathMatching("/v8/finance/chart/.*"))
                    .willReturn(aResponse().withTransformers("synthetic-chart")));
            Map<String, String> extra = new HashMap<>();
            extra.put("stockula.yahoo.requests-per-second", "0");
            extra.put("stockula.yahoo.concurrency", String.valueOf(concurrency));
            extra.put("stockula.yahoo.response-timeout", "30s");
            List<String> warm = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                warm.add("WRM" + String.format("%04d", i));
            }
            extra.put("stockula.yahoo.symbols", String.join(",", warm));
            PEAK_USED.set(0);
            PEAK_LIVE.set(0);
            try (YahooTestRuntime rt = YahooTestRuntime.start(pipelineDb, fake, extra, YahooTestRuntime.PRICE_ROUTES)) {
                rt.request("direct:yahoo-prices-run", null); // warm-up run
                rt.execute("UPDATE stocks SET is_active = false"); // the measured run pulls the SYM symbols only
                YahooRun run;
                long t0 = System.nanoTime();
                run = rt.request("direct:yahoo-backfill", new BackfillRequest(names, null, null, List.of("1d")));
                long pipelineNanos = System.nanoTime() - t0;
                long stored = rt.count("SELECT count(*) FROM price_history WHERE symbol LIKE 'SYM%'");
                YahooRun.SymbolTally t = run.totals();
                System.out.printf("BENCH pipeline: %d bars returned, %d loaded, %d stored, accounted=%s, %d requests"
                                + " in %.2f s = %.0f bars/s (concurrency %d, pacing off)%n", t.returned(), t.loaded(),
                        stored, run.accounted(), t.requests(), pipelineNanos / 1e9, t.returned() / (pipelineNanos / 1e9),
                        concurrency);
                System.out.printf("BENCH ratio pipeline / in-memory = %.2f (goal <= 2.0)%n",
                        (double) pipelineNanos / memoryNanos);
                System.out.printf("BENCH heap: peak used %d MB (sampled, garbage included), peak live after GC %d MB,"
                                + " max heap %d MB (goal < 256 MB)%n", PEAK_USED.get() >> 20, PEAK_LIVE.get() >> 20,
                        Runtime.getRuntime().maxMemory() >> 20);
                if (stored != bars || !run.accounted()) {
                    System.out.println("BENCH FAILED: not every bar was stored");
                    System.exit(1);
                }
            }
        }
        System.exit(0);
    }

    /** Builds, validates and writes each symbol's batches on {@code threads} threads; returns the wall time. */
    static long fromMemory(String db, String prefix, int symbols, int threads) throws Exception {
        try (Bootstrap boot = Bootstrap.open(EtlSettings.load(null, Map.of("stockula.db.url", db)))) {
            BatchWriter writer = new BatchWriter(boot.database().dataSource(), boot.metrics());
            RecordValidation validation = new RecordValidation();
            ChartRows rows = new ChartRows(new TradingDates());
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long t0 = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < symbols; i++) {
                String symbol = prefix + String.format("%04d", i);
                done.add(pool.submit(() -> {
                    ChartResult r = rows.toResult(new ChartRequest(null, symbol, "1d", 0, 1, ChartRequest.FIRST),
                            SyntheticChart.data(symbol));
                    writer.write(validation.validate(r.prices()));
                    writer.write(validation.validate(r.dividends()));
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            long nanos = System.nanoTime() - t0;
            pool.shutdown();
            return nanos;
        }
    }

    private static void watchHeap() {
        Thread sampler = new Thread(() -> {
            while (true) {
                PEAK_USED.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((n, h) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
                            (CompositeData) n.getUserData());
                    long live = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                            .mapToLong(MemoryUsage::getUsed).sum();
                    PEAK_LIVE.accumulateAndGet(live, Math::max);
                }
            }, null, null);
        }
    }

    /** The fake server's answer for any symbol: its synthetic year, read from the file written beforehand. */
    static final class Generator implements ResponseDefinitionTransformerV2 {
        private final Path dir;

        Generator(Path dir) {
            this.dir = dir;
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            String path = event.getRequest().getUrl();
            int q = path.indexOf('?');
            String symbol = path.substring("/v8/finance/chart/".length(), q < 0 ? path.length() : q);
            byte[] body;
            try {
                body = Files.readAllBytes(dir.resolve(symbol + ".json"));
            } catch (java.io.IOException e) {
                return new com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder().withStatus(404).build();
            }
            return new com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder().withStatus(200)
                    .withHeader("Content-Type", "application/json;charset=utf-8").withBody(body).build();
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return "synthetic-chart";
        }
    }
}
