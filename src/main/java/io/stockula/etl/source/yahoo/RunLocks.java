package io.stockula.etl.source.yahoo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which runtime owns a Yahoo run, across processes: PostgreSQL session advisory locks on one connection of their own,
 * held while the run goes. {@code yahoo-job:<job>} keeps two runs of one scheduled job from overlapping anywhere in
 * the cluster (Quartz's {@code stateful} covers its trigger only, not the start-up catch-up nor another runtime's);
 * {@code yahoo-run:<id>} says the run's planner is alive. PostgreSQL drops both the moment the owner's connection
 * ends (a killed process included), which is how another runtime knows it may adopt the run.
 */
final class RunLocks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunLocks.class);
    /** the locks' first key: "STKY" (SourceLock uses "STKU"), so that ours do not collide with another application's */
    private static final int NAMESPACE = 0x53544B59;

    private final Connection connection;

    private RunLocks(Connection connection) {
        this.connection = connection;
    }

    /** A connection for the locks of one run. */
    static RunLocks open(DataSource ds) throws SQLException {
        Connection c = ds.getConnection();
        c.setAutoCommit(true);
        return new RunLocks(c);
    }

    static String jobKey(String job) {
        return "yahoo-job:" + job;
    }

    static String runKey(long runId) {
        return "yahoo-run:" + runId;
    }

    /** Takes the lock if it is free; never waits. */
    boolean tryLock(String key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
            ps.setInt(1, NAMESPACE);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    void unlock(String key) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(?, hashtext(?))")) {
            ps.setInt(1, NAMESPACE);
            ps.setString(2, key);
            ps.execute();
        }
    }

    /** True when some session holds the lock (this one included). */
    static boolean held(DataSource ds, String key) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                     + " AND granted AND classid = ? AND objid = hashtext(?)::oid AND objsubid = 2")) {
            ps.setInt(1, NAMESPACE);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /** Releases every lock of this run (closing the session does that). */
    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("run lock connection did not close cleanly: {}", e.getMessage());
        }
    }
}
