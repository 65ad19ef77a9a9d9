package io.stockula.etl.source.sqlite;

import io.stockula.etl.ops.EtlMetrics;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election for following one SQLite file with several runtimes on one target (routes/sqlite-sync.yaml calls
 * {@link #elect} every stockula.sqlite.leader-retry). The leader is the runtime holding the file's {@link SourceLock},
 * a PostgreSQL session advisory lock: PostgreSQL grants it to one session at a time and releases it when that session
 * ends, also when its process is killed, so "two runtimes never follow one file at once" is PostgreSQL's guarantee,
 * not a protocol of ours. Each call:
 * <ul>
 *   <li>a follower tries the lock without waiting; with it, it starts the readers ({@link Follower#lead}) and is the
 *       leader; without it, it stands by and tries again at the next call (takeover within one retry interval after
 *       PostgreSQL drops the dead leader's session: at once for a killed process, whose socket the kernel closes);</li>
 *   <li>the leader asks its lock's own connection whether it still holds the lock; when not (the connection was cut,
 *       the session terminated), it stops its readers ({@link Follower#standDown}) and follows again. A leader cut off
 *       this way may have a batch in its writer: that batch cannot double or skip rows, because each batch moves its
 *       table's checkpoint compare-and-set in its own transaction (BatchWriter), so a batch read from a position the
 *       new leader has since moved fails as stale and is dropped.</li>
 * </ul>
 */
public final class SyncLeader {

    /** What the leader runs: the reader routes of the file (SqliteSync). */
    public interface Follower {
        /** Starts following the file while holding {@code lock} (which the follower then owns). */
        void lead(SourceLock lock) throws Exception;

        /** Stops following; the lock is gone or about to be released. */
        void standDown();
    }

    /** What one call did. */
    public enum Outcome { LED, STILL_LEADING, STOOD_DOWN, STANDING_BY, OFF }

    private static final Logger LOG = LoggerFactory.getLogger(SyncLeader.class);

    private final DataSource target;
    private final String sourceId;
    private final String what;
    private final String instanceId;
    private final EtlMetrics metrics;
    private final Follower follower;
    private SourceLock lock;
    private String lastHolder;
    private long followingSince;

    /**
     * @param sourceId the file's id (the lock's key; null: no file configured, every call does nothing)
     * @param what the file, as logged
     */
    public SyncLeader(DataSource target, String sourceId, String what, String instanceId, EtlMetrics metrics,
                      Follower follower) {
        this.target = target;
        this.sourceId = sourceId;
        this.what = what;
        this.instanceId = instanceId;
        this.metrics = metrics;
        this.follower = follower;
        if (sourceId != null) {
            gauge(false);
        }
    }

    public synchronized boolean isLeader() {
        return lock != null;
    }

    /** One round of the election (see the class comment). */
    public synchronized Outcome elect() {
        if (sourceId == null) {
            return Outcome.OFF;
        }
        if (lock != null) {
            if (lock.held()) {
                return Outcome.STILL_LEADING;
            }
            LOG.warn("Lost the lead of {}: the connection holding its lock failed; stopping the readers, then standing"
                    + " by until the lock is free", what);
            stepDown();
            return Outcome.STOOD_DOWN;
        }
        SourceLock taken;
        try {
            taken = SourceLock.tryAcquire(target, sourceId, instanceId);
        } catch (SQLException e) {
            LOG.warn("Cannot try the lock of {} ({}); trying again at the next round", what, e.getMessage());
            return Outcome.STANDING_BY;
        }
        if (taken == null) {
            String holder = SourceLock.holder(target, sourceId);
            if (!holder.equals(lastHolder)) {
                LOG.info("standing by: {} follows {}", holder, what);
                lastHolder = holder;
            }
            return Outcome.STANDING_BY;
        }
        lock = taken;
        lastHolder = null;
        try {
            follower.lead(taken);
        } catch (Exception e) {
            LOG.warn("Cannot follow {} as leader ({}); releasing the lock, trying again at the next round", what,
                    e.getMessage());
            stepDown();
            return Outcome.STOOD_DOWN;
        }
        followingSince = System.nanoTime();
        gauge(true);
        LOG.info("following {} as leader ({})", what, instanceId);
        return Outcome.LED;
    }

    /** Stops following and lets the lock go (at the end of the runtime too). */
    public synchronized void stepDown() {
        if (lock == null) {
            return;
        }
        try {
            follower.standDown();
        } finally {
            lock.close();
            lock = null;
            gauge(false);
            if (followingSince != 0) {
                LOG.info("no longer following {} (led for {} s)", what, (System.nanoTime() - followingSince) / 1_000_000_000);
                followingSince = 0;
            }
        }
    }

    private void gauge(boolean leader) {
        metrics.gauge("stockula.sqlite.sync.leader", "1 while this runtime leads (follows) the SQLite file, 0 while it"
                + " stands by", leader ? 1 : 0, "source", sourceId);
    }
}
