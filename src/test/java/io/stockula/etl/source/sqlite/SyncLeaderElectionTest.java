package io.stockula.etl.source.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.ops.EtlMetrics;
import io.stockula.etl.testsupport.Sql;
import io.stockula.etl.testsupport.TestDatabases;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The leader loop's decisions against a real PostgreSQL (the lock is PostgreSQL's): one leader, the other stands by;
 * a leader whose lock session is terminated stands down at its next round and the other takes the lead at its own;
 * a leader that cannot start lets the lock go.
 */
class SyncLeaderElectionTest {

    /** What a leader runs, recorded. */
    private static final class Recorder implements SyncLeader.Follower {
        final List<String> calls = new ArrayList<>();
        boolean failToLead;

        @Override
        public void lead(SourceLock lock) {
            calls.add("lead");
            if (failToLead) {
                throw new IllegalStateException("cannot read the file");
            }
        }

        @Override
        public void standDown() {
            calls.add("standDown");
        }
    }

    private static double gauge(EtlMetrics m) {
        return m.registry().get("stockula.sqlite.sync.leader").tag("source", "sqlite:/data/x.db").gauge().value();
    }

    @Test
    void oneLeaderThenTakeoverWhenItsSessionDies() throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(TestDatabases.freshPostgres());
        EtlMetrics ma = EtlMetrics.standalone();
        EtlMetrics mb = EtlMetrics.standalone();
        Recorder fa = new Recorder();
        Recorder fb = new Recorder();
        SyncLeader a = new SyncLeader(ds, "sqlite:/data/x.db", "/data/x.db", "etl-a", ma, fa);
        SyncLeader b = new SyncLeader(ds, "sqlite:/data/x.db", "/data/x.db", "etl-b", mb, fb);
        assertThat(gauge(ma)).isZero();

        assertThat(a.elect()).isEqualTo(SyncLeader.Outcome.LED);
        assertThat(b.elect()).isEqualTo(SyncLeader.Outcome.STANDING_BY);
        assertThat(a.elect()).isEqualTo(SyncLeader.Outcome.STILL_LEADING);
        assertThat(b.elect()).isEqualTo(SyncLeader.Outcome.STANDING_BY);
        assertThat(fa.calls).containsExactly("lead");
        assertThat(fb.calls).isEmpty();
        assertThat(gauge(ma)).isEqualTo(1);
        assertThat(gauge(mb)).isZero();
        // the holder is named by runtime (the lock session's application_name)
        assertThat(SourceLock.holder(ds, "sqlite:/data/x.db")).contains("stockula-etl etl-a");

        // the leader's lock session is cut (as when its connection breaks): PostgreSQL frees the lock at once
        try (Connection c = ds.getConnection()) {
            assertThat(Sql.rows(c, "SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory'"
                    + " AND classid = x'53544B55'::int")).containsExactly(List.of("1"));
        }
        assertThat(b.elect()).isEqualTo(SyncLeader.Outcome.LED);
        assertThat(a.elect()).isEqualTo(SyncLeader.Outcome.STOOD_DOWN);
        assertThat(a.elect()).isEqualTo(SyncLeader.Outcome.STANDING_BY);
        assertThat(fa.calls).containsExactly("lead", "standDown");
        assertThat(fb.calls).containsExactly("lead");
        assertThat(gauge(ma)).isZero();
        assertThat(gauge(mb)).isEqualTo(1);
        assertThat(a.isLeader()).isFalse();
        assertThat(b.isLeader()).isTrue();

        // stepping down (the runtime stops) frees the lock for the other at once
        b.stepDown();
        assertThat(fb.calls).containsExactly("lead", "standDown");
        assertThat(a.elect()).isEqualTo(SyncLeader.Outcome.LED);
        a.stepDown();
    }

    @Test
    void aLeaderThatCannotStartLetsTheLockGo() throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(TestDatabases.freshPostgres());
        Recorder broken = new Recorder();
        broken.failToLead = true;
        Recorder fine = new Recorder();
        SyncLeader a = new SyncLeader(ds, "sqlite:/data/x.db", "/data/x.db", "etl-a", EtlMetrics.standalone(), broken);
        SyncLeader b = new SyncLeader(ds, "sqlite:/data/x.db", "/data/x.db", "etl-b", EtlMetrics.standalone(), fine);
        assertThat(a.elect()).isEqualTo(SyncLeader.Outcome.STOOD_DOWN);
        assertThat(a.isLeader()).isFalse();
        assertThat(b.elect()).isEqualTo(SyncLeader.Outcome.LED);
        b.stepDown();
    }

    @Test
    void withoutAFileNothingHappens() {
        SyncLeader off = new SyncLeader(null, null, null, "etl-a", EtlMetrics.standalone(), new Recorder());
        assertThat(off.elect()).isEqualTo(SyncLeader.Outcome.OFF);
    }
}
