package io.stockula.etl.source.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * One writer per source and target: a PostgreSQL session advisory lock on the source's id, held on a connection
 * of its own for as long as the process migrates or follows the file. A second process on the same target is
 * refused with one line naming the holder, instead of the two fighting over one checkpoint. (Should the lock's
 * connection be cut, the checkpoint's compare-and-set still keeps two writers from losing or doubling a row.)
 */
final class SourceLock implements AutoCloseable {

    /** the lock's first key: "STKU", so that our locks do not collide with another application's */
    private static final int NAMESPACE = 0x53544B55;

    private final Connection connection;
    private final String sourceId;

    private SourceLock(Connection connection, String sourceId) {
        this.connection = connection;
        this.sourceId = sourceId;
    }

    /** Takes the lock or throws {@link SourceBusyException}; never waits. */
    static SourceLock acquire(DataSource target, String sourceId) throws SQLException {
        Connection c = target.getConnection();
        try {
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
                ps.setInt(1, NAMESPACE);
                ps.setString(2, sourceId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        return new SourceLock(c, sourceId);
                    }
                }
            }
            String holder = holder(c, sourceId);
            c.close();
            throw new SourceBusyException("another process is writing " + sourceId + " into this database (" + holder
                    + "): wait for it to end or stop it, then run this again");
        } catch (SQLException | RuntimeException e) {
            if (!c.isClosed()) {
                c.close();
            }
            throw e;
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
        } catch (SQLException e) {
            // the connection is gone, and the lock with it
        }
    }
}
