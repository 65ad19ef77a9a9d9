package io.stockula.etl.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.StockulaEtl;
import io.stockula.etl.testsupport.Await;
import io.stockula.etl.testsupport.ClusterRuntimes;
import io.stockula.etl.testsupport.Sql;
import io.stockula.etl.testsupport.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three runtimes with stockula.cluster.enabled on one PostgreSQL: the quality check's cron (every 4 s here) fires
 * once per cluster. Each scheduled fire time appears in exactly one runtime's "Quartz tick" line and the quality
 * runs recorded in etl_run_history match the ticks one for one; then the runtime that ran the last tick is killed
 * (SIGKILL) and the following ticks still fire once each, on the two others.
 */
class ClusteredScheduleTest {

    private static final long PERIOD = 4_000;
    private static final Pattern TICK = Pattern.compile(
            "Quartz tick stockula\\.quality-check scheduled (\\S+) runs on (\\S+)");

    @TempDir
    Path dir;

    @Test
    void eachTickFiresOnceAcrossTheClusterAlsoAfterARuntimeIsKilled() throws Exception {
        String db = TestDatabases.freshPostgres();
        assertThat(StockulaEtl.execute("schema", "--db", db)).isZero(); // the runtimes then start on a migrated schema
        List<ClusterRuntimes.Runtime> runtimes = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db)) {
            long started = System.nanoTime();
            for (String name : List.of("etl-1", "etl-2", "etl-3")) {
                runtimes.add(ClusterRuntimes.start(dir, name, db, "stockula.cluster.enabled=true",
                        "stockula.cluster.checkin-interval=1000", "stockula.quality.cron=0/4 * * * * ?"));
            }
            Await.until(() -> count(c, "SELECT count(*) FROM qrtz_scheduler_state WHERE sched_name = 'stockula-etl'") == 3
                    || runtimes.stream().anyMatch(r -> !r.command().isAlive()), 240);
            for (ClusterRuntimes.Runtime r : runtimes) {
                assertThat(r.command().isAlive()).as(r.name() + " runs:\n" + r.log()).isTrue();
            }
            System.out.printf("[cluster] 3 runtimes checked in after %.1f s%n", (System.nanoTime() - started) / 1e9);
            // one trigger in the shared store, recoverable, of a stateful (non-concurrent) job
            assertThat(Sql.rows(c, "SELECT j.job_name, j.is_nonconcurrent, j.requests_recovery, t.cron_expression FROM"
                    + " qrtz_job_details j JOIN qrtz_cron_triggers t ON t.sched_name = j.sched_name AND t.trigger_name ="
                    + " j.job_name AND t.trigger_group = j.job_group WHERE j.job_name = 'quality-check'"))
                    .containsExactly(List.of("quality-check", "t", "t", "0/4 * * * * ?"));

            // phase 1: ticks from the next whole period on, with all three running
            long windowStart = (System.currentTimeMillis() / PERIOD + 2) * PERIOD;
            Await.until(() -> ticks(runtimes, windowStart).size() >= 5, 120);
            Map<Long, List<String>> phase1 = ticks(runtimes, windowStart);
            assertOncePerPeriod(phase1, windowStart);
            long lastTick = ((TreeMap<Long, List<String>>) phase1).lastKey();
            // the quality runs match the ticks one for one (a run starts within its period, well before the next tick)
            Await.until(() -> count(c, "SELECT count(*) FROM etl_run_history WHERE job = 'quality' AND status = 'running'") == 0, 60);
            long runs = count(c, "SELECT count(*) FROM etl_run_history WHERE job = 'quality' AND started_at >= "
                    + "to_timestamp(" + windowStart / 1000.0 + ") AND started_at < to_timestamp(" + (lastTick + PERIOD) / 1000.0 + ")");
            Map<Long, List<String>> upToLast = ticks(runtimes, windowStart);
            upToLast.keySet().removeIf(t -> t > lastTick);
            assertThat(runs).as("quality runs recorded for the ticks " + upToLast).isEqualTo(upToLast.size());
            Map<String, Long> perRuntime = upToLast.values().stream().map(l -> l.get(0))
                    .collect(Collectors.groupingBy(n -> n, TreeMap::new, Collectors.counting()));
            System.out.printf("[cluster] phase 1: %d ticks, each once; %d quality runs; per runtime %s%n", upToLast.size(),
                    runs, perRuntime);
            for (ClusterRuntimes.Runtime r : runtimes) {
                assertThat(r.metric("stockula_cluster_scheduler_instances")).as(r.name()).isEqualTo(3);
            }

            // phase 2: SIGKILL the runtime that ran the last tick, once its run (and Quartz's record of it) is done
            String victimName = upToLast.get(((TreeMap<Long, List<String>>) upToLast).lastKey()).get(0);
            ClusterRuntimes.Runtime victim = runtimes.stream().filter(r -> r.name().equals(victimName)).findFirst().orElseThrow();
            Await.until(() -> count(c, "SELECT count(*) FROM qrtz_fired_triggers WHERE instance_name = '" + victimName
                    + "' AND state = 'EXECUTING'") == 0, 60);
            long killedAt = System.currentTimeMillis();
            victim.kill();
            List<ClusterRuntimes.Runtime> survivors = runtimes.stream().filter(r -> r != victim).toList();
            long afterKill = ((TreeMap<Long, List<String>>) ticks(runtimes, windowStart)).lastKey() + PERIOD;
            long t0 = System.nanoTime();
            Await.until(() -> !ticks(survivors, afterKill).isEmpty(), 120);
            double firstAfterKill = (System.nanoTime() - t0) / 1e9;
            Await.until(() -> ticks(survivors, afterKill).size() >= 4, 180);
            Map<Long, List<String>> phase2 = ticks(survivors, afterKill);
            assertOncePerPeriod(phase2, afterKill);
            assertThat(ticks(List.of(victim), afterKill)).as("the killed runtime ran nothing after its death").isEmpty();
            Await.until(() -> survivors.stream().allMatch(r -> r.metric("stockula_cluster_scheduler_instances") == 2), 60);
            double gaugeAfter = (System.currentTimeMillis() - killedAt) / 1e3;
            // everything once, over both phases: the ticks of the whole test against the runs recorded
            Await.until(() -> count(c, "SELECT count(*) FROM etl_run_history WHERE job = 'quality' AND status = 'running'") == 0, 60);
            Map<Long, List<String>> all = ticks(runtimes, windowStart);
            long allRuns = count(c, "SELECT count(*) FROM etl_run_history WHERE job = 'quality' AND started_at >= "
                    + "to_timestamp(" + windowStart / 1000.0 + ")");
            assertOncePerPeriod(all, windowStart);
            assertThat(allRuns).isBetween((long) all.size(), (long) all.size() + 1); // +1: a tick that fired since
            System.out.printf("[cluster] phase 2 (%s killed): first tick on the others %.1f s after the kill, %d ticks each"
                    + " once on %s; gauge at 2 (checked) by %.1f s after the kill; in all %d ticks, %d quality runs%n", victimName, firstAfterKill,
                    phase2.size(), phase2.values().stream().map(l -> l.get(0)).distinct().sorted().toList(), gaugeAfter,
                    all.size(), allRuns);
        } finally {
            runtimes.forEach(ClusterRuntimes.Runtime::close);
        }
    }

    /** Every period from {@code from} to the last tick seen fired, and on exactly one runtime. */
    private static void assertOncePerPeriod(Map<Long, List<String>> ticks, long from) {
        long last = ((TreeMap<Long, List<String>>) ticks).lastKey();
        for (long t = from; t <= last; t += PERIOD) {
            assertThat(ticks.get(t)).as("runtimes that ran the tick of " + Instant.ofEpochMilli(t) + " (all: " + ticks + ")")
                    .hasSize(1);
        }
        assertThat(ticks.keySet()).allMatch(t -> (t - from) % PERIOD == 0);
    }

    /** Scheduled fire time (ms) -> the runtimes that logged running it, from {@code from} on. */
    private static Map<Long, List<String>> ticks(List<ClusterRuntimes.Runtime> runtimes, long from) {
        Map<Long, List<String>> out = new TreeMap<>();
        for (ClusterRuntimes.Runtime r : runtimes) {
            Matcher m = TICK.matcher(r.log());
            while (m.find()) {
                long t = Instant.parse(m.group(1)).toEpochMilli();
                if (t >= from) {
                    out.computeIfAbsent(t, k -> new ArrayList<>()).add(m.group(2));
                }
            }
        }
        return out;
    }

    private static long count(Connection c, String sql) {
        try {
            return Long.parseLong(Sql.rows(c, sql).get(0).get(0));
        } catch (java.sql.SQLException e) {
            return -1;
        }
    }
}
