package io.stockula.etl.source.yahoo;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.testsupport.Await;
import io.stockula.etl.testsupport.ChildCommand;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several runtimes share the Yahoo work through a real Kafka broker (Apache Kafka's KRaft server in a child JVM):
 * a scheduled run of 300 symbols is pulled exactly once across three runtimes and the database holds exactly what
 * was served; a runtime killed mid-run (the planner itself) leaves nothing lost nor unaccounted, the run recorded
 * once; Kafka taken away while a backfill's requests are done: it waits and completes after Kafka is back.
 */
class ScaleOutTest {

    static final int SYMBOLS = 300;

    @TempDir
    Path dir;

    @Test
    void threeRuntimesPullEachSymbolOnceAndStoreExactlyWhatWasServed() throws Exception {
        try (YahooCluster c = YahooCluster.start(dir, SYMBOLS, true)) {
            Instant fire = startThree(c);
            awaitRunEnd(c, 240);
            System.out.printf("[scale-out] 3 runtimes, %d symbols: run ended %d s after its scheduled fire%n", SYMBOLS,
                    java.time.Duration.between(fire, Instant.now()).toSeconds());

            for (String s : c.symbols) {
                assertThat(c.yahoo.chartRequests(s)).as("chart requests of %s", s).hasSize(1);
            }
            assertServedEqualsStored(c);
            long planned = c.runtimes.values().stream().filter(r -> {
                try {
                    return r.stdout().matches("(?s).*yahoo-prices run \\d+ started.*");
                } catch (java.io.IOException e) {
                    return false;
                }
            }).count();
            assertThat(planned).as("the schedule fired on exactly one of the three").isOne();
            assertThat(c.rows("SELECT status, rows_out FROM etl_run_history WHERE job = 'yahoo-prices'"))
                    .containsExactly(List.of("succeeded", String.valueOf(SYMBOLS * (long) SyntheticChart.BARS)));
            List<List<String>> byRuntime = c.rows("SELECT runtime, count(*) FROM etl_run_requests GROUP BY 1 ORDER BY 1");
            System.out.println("[scale-out] requests done per runtime: " + byRuntime);
            assertThat(byRuntime).as("every runtime took part").hasSize(3);
            assertThat(c.count("SELECT count(*) FROM etl_run_requests WHERE state <> 'done'")).isZero();

            // per runtime: the partitions it owns (36 in all, 12 each), the lag (0 once all is done), its runtime label
            // (probed every 15 s: the lag seen during the run falls to 0 at the next probe)
            try {
                Await.until(() -> c.runtimes.keySet().stream().mapToDouble(n -> YahooCluster.value(c.metrics(n),
                        "stockula_kafka_partitions_owned", "runtime=\"" + n + "\"")).sum() == 36, 60);
                Await.until(() -> c.runtimes.keySet().stream().allMatch(n -> YahooCluster.value(c.metrics(n),
                        "stockula_kafka_consumer_lag", "runtime=\"" + n + "\"", "topic=\"stockula.yahoo.requests\"") == 0), 60);
            } catch (AssertionError e) {
                c.runtimes.keySet().forEach(n -> System.out.println(n + ": " + c.metrics(n).lines()
                        .filter(l -> l.startsWith("stockula_kafka")).toList()));
                throw e;
            }
            for (String n : c.runtimes.keySet()) {
                assertThat(YahooCluster.value(c.metrics(n), "stockula_kafka_partitions_owned", "runtime=\"" + n + "\""))
                        .as("partitions owned by %s", n).isEqualTo(12.0);
            }
        }
    }

    @Test
    void thePlannerKilledMidRunIsAdoptedAndNothingIsLost() throws Exception {
        try (YahooCluster c = YahooCluster.start(dir, SYMBOLS, true)) {
            startThree(c);
            Await.until(() -> c.count("SELECT count(*) FROM etl_run_requests WHERE state <> 'pending'") >= 60, 180);
            long killedAt = System.nanoTime();
            String planner = planner(c);
            c.runtimes.get(planner).process().destroyForcibly(); // SIGKILL: the planner and one of the workers
            long doneAtKill = c.count("SELECT count(*) FROM etl_run_requests WHERE state <> 'pending'");
            awaitRunEnd(c, 240);
            System.out.printf("[scale-out] planner SIGKILLed with %d/%d requests done; the run ended %d s later%n",
                    doneAtKill, SYMBOLS, YahooCluster.since(killedAt).toSeconds());

            assertServedEqualsStored(c);
            assertThat(c.rows("SELECT status FROM etl_run_history WHERE job = 'yahoo-prices'"))
                    .as("the run is recorded once, by its adopter").containsExactly(List.of("succeeded"));
            assertThat(c.count("SELECT count(*) FROM etl_run_requests WHERE state = 'pending'")).isZero();
            int repeated = 0;
            for (String s : c.symbols) {
                int n = c.yahoo.chartRequests(s).size();
                assertThat(n).as("chart requests of %s", s).isBetween(1, 2);
                repeated += n - 1;
            }
            System.out.printf("[scale-out] requests repeated after the kill: %d (at most the killed runtime's in-flight ones)%n",
                    repeated);
            assertThat(repeated).isLessThanOrEqualTo(3);
            StringBuilder log = new StringBuilder();
            for (Map.Entry<String, ChildCommand> e : c.runtimes.entrySet()) {
                if (!e.getKey().equals(planner)) {
                    log.append(e.getValue().stdout());
                }
            }
            assertThat(log.toString()).contains("adopts it");
        }
    }

    @Test
    void kafkaAwayForAWhileTheBackfillWaitsAndCompletes() throws Exception {
        try (YahooCluster c = YahooCluster.start(dir, SYMBOLS, true)) {
            for (String name : List.of("a", "b", "c")) {
                c.runtime(name, Map.of(), "256m");
            }
            awaitGroup(c);
            // the backfill command plans, publishes to the topic and waits: the runtimes do the requests
            ChildCommand backfill = c.command(dir, "backfill", "backfill", "--symbols", String.join(",", c.symbols),
                    "--from", "2024-12-01", "--to", "2026-12-01");
            Await.until(() -> c.count("SELECT count(*) FROM etl_run_requests WHERE state <> 'pending'") >= 60, 180);
            c.kafka.kill();
            long down = System.nanoTime();
            long doneAtKill = c.count("SELECT count(*) FROM etl_run_requests WHERE state <> 'pending'");
            // while Kafka is away, no more than the requests already taken can finish
            Await.until(() -> YahooCluster.since(down).toSeconds() >= 15, 30);
            long doneWhileDown = c.count("SELECT count(*) FROM etl_run_requests WHERE state <> 'pending'");
            assertThat(backfill.isAlive()).as("the backfill waits").isTrue();
            assertThat(c.count("SELECT count(*) FROM etl_run_history WHERE status = 'running'")).isOne();
            c.kafka.start();
            long up = System.nanoTime();
            int exit = backfill.waitFor(java.time.Duration.ofSeconds(240));
            System.out.printf("[scale-out] Kafka killed at %d/%d done (%d done after 15 s down); back: the backfill"
                    + " ended %d s later, exit %d%n", doneAtKill, SYMBOLS, doneWhileDown, YahooCluster.since(up).toSeconds(),
                    exit);
            assertThat(exit).as(backfill.tail()).isZero();
            assertThat(doneWhileDown).isLessThan(SYMBOLS);
            assertServedEqualsStored(c);
            assertThat(c.rows("SELECT status FROM etl_run_history WHERE job = 'yahoo-backfill'"))
                    .containsExactly(List.of("succeeded"));
        }
    }

    @Test
    void dlqReplayOfYahooRequestsGoesThroughKafkaToTheRuntimes() throws Exception {
        try (YahooCluster c = YahooCluster.start(dir, 2, true)) {
            c.runtime("a", Map.of(), "256m");
            Await.until(() -> c.groupMembers() == 3 || !c.runtimes.get("a").isAlive(), 120);
            // dead letters as the chart route's dead-letter channel writes them; NOPE is unknown to Yahoo (404)
            for (String s : List.of(c.symbols.get(0), c.symbols.get(1), "NOPE")) {
                c.execute("INSERT INTO etl_dead_letters (route_id, endpoint, replay_uri, category, attempts, body)"
                        + " VALUES ('yahoo-chart', 'http://yahoo', 'direct:yahoo-chart', 'transient', 4, '"
                        + new ChartRequest(99L, s, "1d", 0, 1_800_000_000L, ChartRequest.FIRST).toJson() + "')");
            }
            ChildCommand replay = c.command(dir, "replay", "dlq", "replay", "--all");
            int exit = replay.waitFor(java.time.Duration.ofSeconds(180));
            System.out.println("[scale-out] dlq replay through Kafka:\n" + replay.stdout());
            assertThat(exit).as(replay.tail()).isEqualTo(1); // one of three failed again
            assertThat(replay.stdout()).contains("2 replayed, 1 not").contains("replayed through Kafka by runtime a");
            assertThat(c.rows("SELECT status FROM etl_dead_letters WHERE body LIKE '%\"runId\":99,%' ORDER BY id"))
                    .containsExactly(List.of("replayed"), List.of("replayed"), List.of("replay_failed"));
            assertThat(c.count("SELECT count(*) FROM etl_dead_letters WHERE status = 'new' AND body LIKE '%NOPE%'"))
                    .as("the failed one is dead-lettered again").isOne();
            assertThat(c.count("SELECT count(*) FROM price_history")).isEqualTo(2L * SyntheticChart.BARS);
            assertThat(c.rows("SELECT job, status FROM etl_run_history"))
                    .containsExactly(List.of(YahooReplay.JOB, "partial"));

            // a message that is not a work item: kept as a dead letter, and its offset committed at once (no lag left
            // on its partition although no other message follows it there)
            long end = c.sendRaw(0, "NOPE", "{\"kind\":\"teapot\"}");
            Await.until(() -> c.count("SELECT count(*) FROM etl_dead_letters WHERE route_id = 'yahoo-work'"
                    + " AND body LIKE '%teapot%'") == 1, 60);
            Await.until(() -> c.committedOffset(0) == end, 60);
            assertThat(c.rows("SELECT category, status FROM etl_dead_letters WHERE body LIKE '%teapot%'"))
                    .as("dead-lettered once, as a data error").containsExactly(List.of("data", "new"));
        }
    }

    private static void awaitGroup(YahooCluster c) throws Exception {
        long t = System.nanoTime();
        Await.until(() -> c.groupMembers() == 9 || c.runtimes.values().stream().anyMatch(r -> !r.isAlive()), 120);
        for (ChildCommand r : c.runtimes.values()) {
            assertThat(r.isAlive()).as(c.logs()).isTrue();
        }
        System.out.printf("[scale-out] 3 runtimes started, 9 consumers in the group after %d s%n",
                YahooCluster.since(t).toSeconds());
    }

    /**
     * Three identical runtimes with clustered Quartz: the prices schedule is the same on all three and fires on one
     * of them, once the group has all 9 consumers.
     */
    private static Instant startThree(YahooCluster c) throws Exception {
        Instant fire = Instant.now().plusSeconds(45);
        Map<String, String> scheduled = new HashMap<>();
        scheduled.put("stockula.yahoo.enabled", "true");
        scheduled.put("stockula.yahoo.prices.cron", YahooCluster.cronAt(fire));
        scheduled.put("stockula.cluster.enabled", "true");
        scheduled.put("stockula.cluster.checkin-interval", "2000");
        for (String name : List.of("a", "b", "c")) {
            c.runtime(name, scheduled, "256m");
        }
        awaitGroup(c);
        assertThat(Instant.now()).as("the group formed before the scheduled fire").isBefore(fire);
        return fire;
    }

    /** The runtime whose Quartz tick planned the prices run. */
    private static String planner(YahooCluster c) throws Exception {
        String[] who = new String[1];
        Await.until(() -> {
            for (Map.Entry<String, ChildCommand> e : c.runtimes.entrySet()) {
                try {
                    if (e.getValue().stdout().matches("(?s).*yahoo-prices run \\d+ started.*")) {
                        who[0] = e.getKey();
                        return true;
                    }
                } catch (java.io.IOException ex) {
                    return false;
                }
            }
            return false;
        }, 120);
        return who[0];
    }

    private static void awaitRunEnd(YahooCluster c, int seconds) throws Exception {
        try {
            Await.until(() -> c.count("SELECT count(*) FROM etl_run_history WHERE job = 'yahoo-prices'"
                    + " AND status <> 'running'") >= 1, seconds);
        } catch (AssertionError e) {
            throw new AssertionError("the run did not end: "
                    + c.rows("SELECT state, runtime, count(*) FROM etl_run_requests GROUP BY 1, 2") + "\n" + c.logs(), e);
        }
    }

    /** Every served bar stored once with the served close and volume; nothing else stored. */
    private static void assertServedEqualsStored(YahooCluster c) throws Exception {
        Map<String, double[]> stored = new HashMap<>();
        for (List<String> r : c.rows("SELECT symbol, count(*), sum(close_price), sum(volume) FROM price_history"
                + " WHERE interval_type = '1d' GROUP BY symbol")) {
            stored.put(r.get(0), new double[] {Double.parseDouble(r.get(1)), Double.parseDouble(r.get(2)),
                    Double.parseDouble(r.get(3))});
        }
        assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(c.symbols);
        for (String s : c.symbols) {
            ChartData d = SyntheticChart.data(s);
            double close = 0;
            double volume = 0;
            for (int i = 0; i < SyntheticChart.BARS; i++) {
                close += d.close()[i];
                volume += d.volume()[i];
            }
            double[] got = stored.get(s);
            assertThat(got[0]).as("bars of %s", s).isEqualTo(SyntheticChart.BARS);
            assertThat(got[1]).as("sum of closes of %s", s).isCloseTo(close, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(got[2]).as("sum of volumes of %s", s).isEqualTo(volume);
        }
        assertThat(c.count("SELECT count(*) FROM dividends")).isEqualTo(SYMBOLS * 4L);
        assertThat(c.count("SELECT count(*) FROM etl_dead_letters")).isZero();
    }
}
