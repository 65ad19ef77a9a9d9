package io.stockula.etl.source.yahoo;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.config.EtlSettings;
import io.stockula.etl.load.BatchWriter;
import io.stockula.etl.transform.TradingDates;
import io.stockula.etl.validate.RecordValidation;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
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
 * can be capped): N symbols x 252 daily bars of made-up data ({@link SyntheticChart}), in rounds. Each round first
 * loads its symbols straight from memory (rows built from the same data, validated and written by the same
 * BatchWriter, prices and dividends, on as many threads as the pipeline has workers) into one database, then pulls
 * the same bars end to end through the routes (backfill entry, HTTP, parse, validate, write) from a local fake
 * Yahoo with pacing off into another. Round 0 (60 symbols) warms both paths up and is not reported. Prints bars/s,
 * wall times and their ratio per round, the median ratio, and the heap: the peak used (sampled every 20 ms,
 * garbage included) and the peak live set after a collection.
 *
 * <p>Arguments: memoryDbUrl pipelineDbUrl symbols concurrency [rounds]
 */
public final class YahooBenchmark {

    private static final AtomicLong PEAK_USED = new AtomicLong();
    private static final AtomicLong PEAK_LIVE = new AtomicLong();
    private static final java.util.Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
            .map(java.lang.management.MemoryPoolMXBean::getName).collect(java.util.stream.Collectors.toSet());

    public static void main(String[] args) throws Exception {
        String memoryDb = args[0];
        String pipelineDb = args[1];
        int symbols = Integer.parseInt(args[2]);
        int concurrency = Integer.parseInt(args[3]);
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        int threads = concurrency + 1; // the pipeline's worker count (YahooModule.workers)
        watchHeap();

        // the fake server's answers are written to disk beforehand, so that making them up (number formatting)
        // does not compete with the pipeline for the cores during the measured pull
        Path bodies = Files.createTempDirectory("yahoo-bench");
        for (int r = 0; r <= rounds; r++) {
            for (int i = 0; i < (r == 0 ? 60 : symbols); i++) {
                String s = name(r, i);
                Files.write(bodies.resolve(s + ".json"), SyntheticChart.json(s));
            }
        }
        long bars = (long) symbols * SyntheticChart.BARS;
        List<Double> ratios = new ArrayList<>();
        try (FileServer server = new FileServer(bodies)) {
            Map<String, String> extra = new HashMap<>();
            extra.put("stockula.yahoo.query1-url", server.url());
            extra.put("stockula.yahoo.query2-url", server.url());
            extra.put("stockula.yahoo.fc-url", server.url());
            extra.put("stockula.yahoo.requests-per-second", "0");
            extra.put("stockula.yahoo.concurrency", String.valueOf(concurrency));
            extra.put("stockula.yahoo.response-timeout", "30s");
            try (YahooTestRuntime rt = YahooTestRuntime.start(pipelineDb, null, extra, YahooTestRuntime.PRICE_ROUTES)) {
                // round 0 warms both paths up (JIT, pools, caches) on 60 symbols and is not reported
                for (int r = 0; r <= rounds; r++) {
                    int n = r == 0 ? 60 : symbols;
                    List<String> names = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        names.add(name(r, i));
                    }
                    long memoryNanos = fromMemory(memoryDb, names, threads);
                    PEAK_USED.set(0);
                    long t0 = System.nanoTime();
                    YahooRun run = rt.request("direct:yahoo-backfill", new BackfillRequest(names, null, null, List.of("1d")));
                    long pipelineNanos = System.nanoTime() - t0;
                    if (r == 0) {
                        continue;
                    }
                    long stored = rt.count("SELECT count(*) FROM price_history WHERE symbol LIKE ?", "R" + r + "S%");
                    YahooRun.SymbolTally t = run.totals();
                    double ratio = (double) pipelineNanos / memoryNanos;
                    ratios.add(ratio);
                    System.out.printf("BENCH round %d in-memory: %d bars (+%d dividends) in %.2f s = %.0f bars/s on %d"
                            + " threads%n", r, bars, symbols * 4L, memoryNanos / 1e9, bars / (memoryNanos / 1e9), threads);
                    System.out.printf("BENCH round %d pipeline: %d bars returned, %d loaded, %d stored, accounted=%s,"
                                    + " %d requests in %.2f s = %.0f bars/s (concurrency %d, pacing off)%n", r,
                            t.returned(), t.loaded(), stored, run.accounted(), t.requests(), pipelineNanos / 1e9,
                            t.returned() / (pipelineNanos / 1e9), concurrency);
                    System.out.printf("BENCH round %d ratio pipeline / in-memory = %.2f; heap peak used %d MB%n", r, ratio,
                            PEAK_USED.get() >> 20);
                    if (stored != bars || !run.accounted()) {
                        System.out.println("BENCH FAILED: not every bar was stored");
                        System.exit(1);
                    }
                }
            }
        }
        ratios.sort(Double::compare);
        System.out.printf("BENCH ratio pipeline / in-memory: median %.2f over %d round(s) (goal <= 2.0)%n",
                ratios.get(ratios.size() / 2), ratios.size());
        System.out.printf("BENCH heap: peak live after GC %d MB, max heap %d MB (goal < 256 MB)%n", PEAK_LIVE.get() >> 20,
                Runtime.getRuntime().maxMemory() >> 20);
        System.exit(0);
    }

    private static String name(int round, int i) {
        return "R" + round + "S" + String.format("%04d", i);
    }

    /** Builds, validates and writes each symbol's batches on {@code threads} threads; returns the wall time. */
    static long fromMemory(String db, List<String> names, int threads) throws Exception {
        try (Bootstrap boot = Bootstrap.open(EtlSettings.load(null, Map.of("stockula.db.url", db)))) {
            BatchWriter writer = new BatchWriter(boot.database().dataSource(), boot.metrics());
            RecordValidation validation = new RecordValidation();
            ChartRows rows = new ChartRows(new TradingDates());
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long t0 = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (String symbol : names) {
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
                    long live = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                            .filter(e -> HEAP_POOLS.contains(e.getKey())).mapToLong(e -> e.getValue().getUsed()).sum();
                    PEAK_LIVE.accumulateAndGet(live, Math::max);
                }
            }, null, null);
        }
    }

    /**
     * The fake Yahoo of the benchmark: serves /v8/finance/chart/{symbol} from the files written beforehand. A plain
     * JDK server rather than WireMock (the functional tests' fake): on a two-core machine the server's own CPU
     * competes with the pipeline being measured, and Yahoo's CPU is not part of the ETL's cost.
     */
    static final class FileServer implements AutoCloseable {
        private final com.sun.net.httpserver.HttpServer http;

        FileServer(Path dir) throws java.io.IOException {
            // headers and body go out in two writes: without TCP_NODELAY each answer waits for a delayed ACK (40 ms)
            System.setProperty("sun.net.httpserver.nodelay", "true");
            http = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 64);
            http.setExecutor(Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "bench-yahoo");
                t.setDaemon(true);
                return t;
            }));
            http.createContext("/v8/finance/chart/", exchange -> {
                String symbol = exchange.getRequestURI().getPath().substring("/v8/finance/chart/".length());
                Path file = dir.resolve(symbol + ".json");
                byte[] body = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
                exchange.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
                exchange.sendResponseHeaders(body.length == 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
                try (var out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            http.start();
        }

        String url() {
            return "http://127.0.0.1:" + http.getAddress().getPort();
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }
}
