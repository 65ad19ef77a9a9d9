package io.stockula.etl.source.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * One writer per source and target: a PostgreSQL session advisory lock on the source's id, held on a connection
 * of its own for as long as the process migrates or follows the file. `migrate` is refused with one line naming the
 * holder ({@link #acquire}); `run` waits as a follower and tries again ({@link #tryAcquire}, {@link SyncLeader}).
 * The lock dies with its connection (PostgreSQL releases a session lock when the session ends, also when the holder
 * is killed), which is what lets a follower take over. (Should the lock's connection be cut while its holder still
 * writes, the checkpoint's compare-and-set still keeps two writers from losing or doubling a row.)
 */
final class SourceLock implements AutoCloseable {

    /** the lock's first key: "STKU", so that our locks do not collide with another application's */
    private static final int NAMESPACE = 0x53544B55;

    private final Connection connection;
    private final String sourceId;
    /** the pooled connection's application_name before the lock renamed it (null: not renamed) */
    private String applicationName;

    private SourceLock(Connection connection, String sourceId) {
        this.connection = connection;
        this.sourceId = sourceId;
    }

    /** Takes the lock or throws {@link SourceBusyException}; never waits. */
    static SourceLock acquire(DataSource target, String sourceId) throws SQLException {
        SourceLock lock = tryAcquire(target, sourceId, null);
        if (lock == null) {
            throw new SourceBusyException("another process is writing " + sourceId + " into this database ("
                    + holder(target, sourceId) + "): wait for it to end or stop it, then run this again");
        }
        return lock;
    }

    /**
     * Takes the lock, or returns null when another session holds it; never waits. {@code holderName} (a runtime's
     * instance id) becomes the lock session's application_name, so that {@link #holder} names the runtime.
     */
    static SourceLock tryAcquire(DataSource target, String sourceId, String holderName) throws SQLException {
        Connection c = target.getConnection();
        try {
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
                ps.setInt(1, NAMESPACE);
                ps.setString(2, sourceId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        c.close();
                        return null;
                    }
                }
            }
            SourceLock lock = new SourceLock(c, sourceId);
            if (holderName != null) {
                try (PreparedStatement ps = c.prepareStatement("SELECT current_setting('application_name'),"
                        + " set_config('application_name', left(?, 63), false)")) {
                    ps.setString(1, "stockula-etl " + holderName);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        lock.applicationName = rs.getString(1);
                    }
                }
            }
            return lock;
        } catch (SQLException | RuntimeException e) {
            if (!c.isClosed()) {
                c.close();
            }
            throw e;
        }
    }

    /**
     * True while this session still holds the lock: asked on the lock's own connection (within a few seconds), so
     * a connection that was cut, or a session that was terminated, answers false.
     */
    boolean held() {
        try (PreparedStatement ps = connection.prepareStatement("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                + " AND granted AND pid = pg_backend_pid() AND classid = ? AND objid = hashtext(?)::oid")) {
            ps.setQueryTimeout(5);
            ps.setInt(1, NAMESPACE);
            ps.setString(2, sourceId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) > 0;
            }
        } catch (SQLException e) {
            return false;
        }
    }

    /** Who holds the lock, in one phrase (for a log line or an error). */
    static String holder(DataSource target, String sourceId) {
        try (Connection c = target.getConnection()) {
            return holder(c, sourceId);
        } catch (SQLException e) {
            return "holder unknown: " + e.getMessage();
        }
    }

    private static String holder(Connection c, String sourceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT a.pid, a.application_name, a.client_addr, a.backend_start"
                + " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted"
                + " AND l.classid = ? AND l.objid = hashtext(?)::oid")) {
            ps.setInt(1, NAMESPACE);
            ps.setString(2, sourceId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "it has just ended";
                }
                String client = rs.getString(3);
                return "PostgreSQL backend " + rs.getInt(1) + " of " + rs.getString(2)
                        + (client == null ? "" : " at " + client) + ", connected since " + rs.getObject(4);
            }
        }
    }

    @Override
    public void close() {
        try (connection) {
            try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(?, hashtext(?))")) {
                ps.setInt(1, NAMESPACE);
                ps.setString(2, sourceId);
                ps.execute();
            }
            if (applicationName != null) { // the connection goes back to the pool
                try (PreparedStatement ps = connection.prepareStatement("SELECT set_config('application_name', ?, false)")) {
                    ps.setString(1, applicationName);
                    ps.execute();
                }
            }
        } catch (SQLException e) {
            // the connection is gone, and the lock with it
        }
    }
}
