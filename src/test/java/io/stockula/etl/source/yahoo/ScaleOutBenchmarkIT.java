package io.stockula.etl.source.yahoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.testsupport.Await;
import io.stockula.etl.testsupport.ChildCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out benchmark: 600 symbols x 1 year of daily bars (252) from the fake Yahoo, pulled by 1, 2 and 3 runtimes
 * (child JVMs, -Xmx256m each) sharing the work through a real Kafka broker, each runtime paced to the same
 * requests/s ({@code -Dbench.rate}, default 8: Yahoo limits each client address, so a runtime is one address).
 * The run is a {@code backfill} published through Kafka; its wall time is the run's own (etl_run_history).
 * Prints wall time, requests/s, the speed-up over one runtime and each runtime's peak heap (sampled from its
 * Prometheus endpoint every 500 ms). Goal: 3 runtimes >= 2.5x one, heap under 256 MB each.
 *
 * <pre>mvn -B -Pbench verify -Dit.test=ScaleOutBenchmarkIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
@Tag("bench")
class ScaleOutBenchmarkIT {

    static final int SYMBOLS = Integer.getInteger("bench.symbols", 600);
    static final int RATE = Integer.getInteger("bench.rate", 8);

    @TempDir
    Path dir;

    @Test
    void oneTwoThreeRuntimes() throws Exception {
        List<String> table = new ArrayList<>();
        double one = 0;
        double three = 0;
        long maxHeap = 0;
        for (int n = 1; n <= 3; n++) {
            Path d = Files.createDirectory(dir.resolve("n" + n));
            try (YahooCluster c = YahooCluster.start(d, SYMBOLS, false)) {
                Map<String, String> pace = Map.of("stockula.yahoo.requests-per-second", String.valueOf(RATE),
                        "stockula.yahoo.concurrency", "3");
                List<String> names = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    names.add("r" + (i + 1));
                    c.runtime("r" + (i + 1), pace, "256m");
                }
                Await.until(() -> c.groupMembers() == 3 * names.size()
                        || c.runtimes.values().stream().anyMatch(r -> !r.isAlive()), 180);
                assertThat(c.groupMembers()).as(c.logs()).isEqualTo(3 * n);

                Map<String, Long> peak = new ConcurrentHashMap<>();
                Thread sampler = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        for (String r : names) {
                            double used = heapUsed(c.metrics(r));
                            if (!Double.isNaN(used)) {
                                peak.merge(r, (long) used, Math::max);
                            }
                        }
                        try {
                            Thread.sleep(500);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "heap-sampler");
                sampler.setDaemon(true);
                sampler.start();

                ChildCommand backfill = c.command(d, "backfill", "backfill", "--symbols", String.join(",", c.symbols),
                        "--from", "2024-12-01", "--to", "2026-12-01");
                int exit = backfill.waitFor(Duration.ofMinutes(20));
                sampler.interrupt();
                assertThat(exit).as(backfill.tail()).isZero();

                double wall = Double.parseDouble(c.rows("SELECT extract(epoch FROM finished_at - started_at) FROM"
                        + " etl_run_history WHERE job = 'yahoo-backfill'").get(0).get(0));
                assertThat(c.count("SELECT count(*) FROM price_history")).isEqualTo((long) SYMBOLS * SyntheticChart.BARS);
                double rps = SYMBOLS / wall;
                if (n == 1) {
                    one = rps;
                }
                if (n == 3) {
                    three = rps;
                }
                Map<String, String> perRuntime = new LinkedHashMap<>();
                for (List<String> row : c.rows("SELECT runtime, count(*) FROM etl_run_requests GROUP BY 1 ORDER BY 1")) {
                    perRuntime.put(row.get(0), row.get(1));
                }
                StringBuilder heaps = new StringBuilder();
                for (String r : names) {
                    long mb = peak.getOrDefault(r, 0L) / (1024 * 1024);
                    maxHeap = Math.max(maxHeap, mb);
                    heaps.append(r).append('=').append(mb).append("MB ");
                }
                table.add(String.format("| %d | %6.1f s | %6.2f req/s | %5.2fx | %s| %s |", n, wall, rps, rps / one,
                        heaps, perRuntime));
            }
        }
        System.out.println("[bench] scale-out: " + SYMBOLS + " symbols x " + SyntheticChart.BARS + " daily bars, "
                + RATE + " requests/s per runtime, -Xmx256m each");
        System.out.println("[bench] | runtimes | wall | throughput | vs 1 | peak heap used per runtime | requests done by |");
        table.forEach(l -> System.out.println("[bench] " + l));
        System.out.printf("[bench] goal: 3 runtimes >= 2.5x one: %.2fx %s; heap < 256 MB each: max %d MB %s%n",
                three / one, three / one >= 2.5 ? "MET" : "MISSED", maxHeap, maxHeap < 256 ? "MET" : "MISSED");
    }

    /** Sum of the heap pools' used bytes in a scrape (jvm_memory_used_bytes{area="heap"}). */
    private static double heapUsed(String scrape) {
        double sum = 0;
        boolean any = false;
        for (String line : scrape.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                any = true;
            }
        }
        return any ? sum : Double.NaN;
    }
}
