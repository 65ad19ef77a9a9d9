package io.stockula.etl.source.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.StockulaEtl;
import io.stockula.etl.testsupport.Await;
import io.stockula.etl.testsupport.ClusterRuntimes;
import io.stockula.etl.testsupport.Sql;
import io.stockula.etl.testsupport.StockulaDbGenerator;
import io.stockula.etl.testsupport.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runtimes `run` the same SQLite file on one target: exactly one follows it (the leader: it holds the file's
 * advisory lock, its gauge is 1, it logs "following ... as leader"), the other stands by. Rows Stockula inserts
 * arrive; the leader is SIGKILLed; the other takes over within the retry bound (stockula.sqlite.leader-retry, 5 s by
 * default) and every row, inserted before the kill, between the kill and the takeover, and after, is in the target
 * once. A sampler checks all along that there are never two leaders.
 */
class SyncLeaderTest {

    private static final String HOLDER = "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            + " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = x'53544B55'::int";

    @TempDir
    Path dir;

    @Test
    void oneLeaderFollowsTheFileAndAnotherTakesOverWhenItIsKilled() throws Exception {
        Path file = dir.resolve("stockula.db");
        StockulaDbGenerator.generate(file, 4, 30, false, 11);
        String db = TestDatabases.freshPostgres();
        assertThat(StockulaEtl.execute("schema", "--db", db)).isZero();
        List<ClusterRuntimes.Runtime> runtimes = new ArrayList<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicInteger mostLocks = new AtomicInteger();
        AtomicInteger mostLeaderGauges = new AtomicInteger();
        Thread sampler = null;
        try (Connection c = DriverManager.getConnection(db)) {
            for (String name : List.of("etl-a", "etl-b")) {
                runtimes.add(ClusterRuntimes.start(dir, name, db, "stockula.sqlite.path=" + file,
                        "stockula.sqlite.poll-interval=500", "stockula.quality.cron=0 0 0 1 1 ? 2099"));
            }
            // never two leaders: the lock (PostgreSQL's word) and the runtimes' gauges, sampled all along
            sampler = new Thread(() -> {
                try (Connection s = DriverManager.getConnection(db)) {
                    while (sampling.get()) {
                        mostLocks.accumulateAndGet(Sql.rows(s, HOLDER).size(), Math::max);
                        int leaders = 0;
                        for (ClusterRuntimes.Runtime r : runtimes) {
                            leaders += r.metric("stockula_sqlite_sync_leader") == 1 ? 1 : 0;
                        }
                        mostLeaderGauges.accumulateAndGet(leaders, Math::max);
                        Thread.sleep(200);
                    }
                } catch (Exception e) {
                    if (sampling.get()) {
                        mostLocks.set(99);
                        e.printStackTrace();
                    }
                }
            }, "leader-sampler");
            sampler.start();

            Await.until(() -> count(c, "SELECT count(*) FROM price_history") == 120
                    || runtimes.stream().anyMatch(r -> !r.command().isAlive()), 240);
            assertThat(count(c, "SELECT count(*) FROM price_history")).as(runtimes.get(0).log() + runtimes.get(1).log())
                    .isEqualTo(120);
            List<List<String>> holder = Sql.rows(c, HOLDER);
            assertThat(holder).hasSize(1);
            String leaderName = holder.get(0).get(0).replace("stockula-etl ", "");
            ClusterRuntimes.Runtime leader = runtimes.stream().filter(r -> r.name().equals(leaderName)).findFirst().orElseThrow();
            ClusterRuntimes.Runtime other = runtimes.stream().filter(r -> r != leader).findFirst().orElseThrow();
            Await.until(() -> other.log().contains("standing by: ") && leader.metric("stockula_sqlite_sync_leader") == 1
                    && other.metric("stockula_sqlite_sync_leader") == 0, 60);
            assertThat(leader.log()).contains("following " + file + " as leader (" + leaderName + ")");
            assertThat(other.log()).doesNotContain("as leader (").contains("standing by: PostgreSQL backend")
                    .contains("stockula-etl " + leaderName);

            // rows Stockula inserts while the leader runs
            List<Long> expected = new ArrayList<>();
            LocalDate day = LocalDate.of(2016, 1, 4);
            day = insert(file, day, 20, expected);
            Await.until(() -> count(c, "SELECT count(*) FROM price_history") == 140, 60);

            // SIGKILL the leader; rows inserted before the other takes over, then after
            leader.kill();
            long killed = System.nanoTime();
            day = insert(file, day, 15, expected);
            Await.until(() -> holders(c).equals(List.of(List.of("stockula-etl " + other.name()))), 60);
            double lockTakenAfter = (System.nanoTime() - killed) / 1e9;
            Await.until(() -> other.log().contains("following " + file + " as leader (" + other.name() + ")"), 60);
            double followingAfter = (System.nanoTime() - killed) / 1e9;
            insert(file, day, 25, expected);
            Await.until(() -> count(c, "SELECT count(*) FROM price_history") == 180, 90);
            double allRowsAfter = (System.nanoTime() - killed) / 1e9;
            assertThat(other.metric("stockula_sqlite_sync_leader")).isEqualTo(1);

            // every row once, as inserted (the 120 generated ones and the 60 new ones), nothing rejected or dead
            assertThat(count(c, "SELECT count(*) FROM price_history")).isEqualTo(180);
            assertThat(count(c, "SELECT count(DISTINCT (symbol, \"timestamp\", interval_type)) FROM price_history")).isEqualTo(180);
            List<Long> closes = Sql.rows(c, "SELECT round(close_price * 100)::bigint FROM price_history WHERE symbol = 'AAPL'"
                    + " AND \"timestamp\" >= '2016-01-01' ORDER BY \"timestamp\"").stream().map(r -> Long.parseLong(r.get(0))).toList();
            assertThat(closes).isEqualTo(expected);
            assertThat(count(c, "SELECT count(*) FROM rejected_records")).isZero();
            assertThat(count(c, "SELECT count(*) FROM etl_dead_letters")).isZero();
            long maxRowid;
            try (Connection s = DriverManager.getConnection("jdbc:sqlite:" + file)) {
                maxRowid = Long.parseLong(Sql.rows(s, "SELECT max(rowid) FROM price_history").get(0).get(0));
            }
            Await.until(() -> count(c, "SELECT last_rowid FROM etl_checkpoints WHERE source_table = 'price_history'") == maxRowid, 30);

            sampling.set(false);
            sampler.join(10_000);
            assertThat(mostLocks.get()).as("sessions holding the file's lock at once").isEqualTo(1);
            assertThat(mostLeaderGauges.get()).as("runtimes reporting leader at once").isEqualTo(1);
            System.out.printf("[sync-leader] %s killed: lock taken by %s after %.1f s, following after %.1f s (retry 5 s),"
                    + " all 60 new rows (20 before, 15 during, 25 after the takeover) in after %.1f s; never two leaders%n",
                    leaderName, other.name(), lockTakenAfter, followingAfter, allRowsAfter);
            assertThat(followingAfter).as("takeover within the retry interval (5 s) plus start-up slack").isLessThan(30);
        } finally {
            sampling.set(false);
            if (sampler != null) {
                sampler.join(10_000);
            }
            runtimes.forEach(ClusterRuntimes.Runtime::close);
        }
    }

    /** Inserts {@code n} daily AAPL bars from {@code day} on (weekdays), closes 100.00, 100.01, ...; the next day. */
    private static LocalDate insert(Path file, LocalDate day, int n, List<Long> expected) throws Exception {
        try (Connection s = DriverManager.getConnection("jdbc:sqlite:" + file); PreparedStatement ps = s.prepareStatement(
                "INSERT INTO price_history (symbol, date, open_price, high_price, low_price, close_price, volume, interval,"
                        + " created_at, updated_at) VALUES ('AAPL', ?, ?, ?, ?, ?, 1000, '1d', '2026-01-01 00:00:00',"
                        + " '2026-01-01 00:00:00')")) {
            for (int i = 0; i < n; i++) {
                while (day.getDayOfWeek().getValue() > 5) {
                    day = day.plusDays(1);
                }
                long cents = 10_000 + expected.size();
                ps.setString(1, day.toString());
                ps.setDouble(2, cents / 100.0);
                ps.setDouble(3, cents / 100.0 + 1);
                ps.setDouble(4, cents / 100.0 - 1);
                ps.setDouble(5, cents / 100.0);
                ps.executeUpdate();
                expected.add(cents);
                day = day.plusDays(1);
            }
        }
        return day;
    }

    private static List<List<String>> holders(Connection c) {
        try {
            return Sql.rows(c, HOLDER);
        } catch (java.sql.SQLException e) {
            return List.of();
        }
    }

    private static long count(Connection c, String sql) {
        try {
            List<List<String>> rows = Sql.rows(c, sql);
            return rows.isEmpty() || rows.get(0).get(0) == null ? -1 : Long.parseLong(rows.get(0).get(0));
        } catch (java.sql.SQLException e) {
            return -1;
        }
    }
}
