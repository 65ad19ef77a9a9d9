package io.stockula.etl.dlq;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;

/** Reads and updates {@code etl_dead_letters} for the {@code dlq} command. */
public final class DeadLetterQueue {

    private static final String COLUMNS = "id, failed_at, route_id, endpoint, replay_uri, category, attempts,"
            + " exception_class, exception_message, headers::text, body, status, replayed_at, replay_count";

    private final DataSource dataSource;

    public DeadLetterQueue(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Dead letters, newest first. {@code status} null means every status; {@code route} and {@code since}
     * narrow; {@code limit} ≤ 0 means no limit.
     */
    public List<DeadLetter> list(String status, String route, Instant since, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM etl_dead_letters WHERE true");
        List<Object> args = new ArrayList<>();
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status);
        }
        if (route != null) {
            sql.append(" AND route_id = ?");
            args.add(route);
        }
        if (since != null) {
            sql.append(" AND failed_at >= ?");
            args.add(since.atOffset(java.time.ZoneOffset.UTC));
        }
        sql.append(" ORDER BY failed_at DESC, id DESC");
        if (limit > 0) {
            sql.append(" LIMIT ").append(limit);
        }
        return query(sql.toString(), args);
    }

    /** The rows with these ids, in id order (missing ids are simply absent). */
    public List<DeadLetter> find(Collection<Long> ids) throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM etl_dead_letters WHERE id = ANY(?) ORDER BY id")) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            return read(ps);
        }
    }

    /**
     * The ids of the replayable backlog (status new, of this route if given), oldest first: a work list that costs
     * 8 bytes a row, whatever the bodies weigh ({@code dlq replay --all} reads each body just before replaying it).
     */
    public List<Long> pendingIds(String route) throws SQLException {
        String sql = "SELECT id FROM etl_dead_letters WHERE status = 'new'" + (route == null ? "" : " AND route_id = ?")
                + " ORDER BY id";
        List<Long> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (route != null) {
                ps.setString(1, route);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }

    /** The replayable backlog: status new, oldest first (the order they failed in). */
    public List<DeadLetter> pending(String route) throws SQLException {
        List<Object> args = new ArrayList<>();
        String sql = "SELECT " + COLUMNS + " FROM etl_dead_letters WHERE status = 'new'";
        if (route != null) {
            sql += " AND route_id = ?";
            args.add(route);
        }
        return query(sql + " ORDER BY id", args);
    }

    public void markReplayed(long id) throws SQLException {
        mark(id, DeadLetter.REPLAYED);
    }

    public void markReplayFailed(long id) throws SQLException {
        mark(id, DeadLetter.REPLAY_FAILED);
    }

    /** A replay failed but nothing stored the message again: the row keeps its status, the attempt is counted. */
    public void countFailedAttempt(long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE etl_dead_letters SET replayed_at = now(),"
                     + " replay_count = replay_count + 1 WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    private void mark(long id, String status) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE etl_dead_letters SET status = ?, replayed_at = now(),"
                     + " replay_count = replay_count + 1 WHERE id = ?")) {
            ps.setString(1, status);
            ps.setLong(2, id);
            if (ps.executeUpdate() != 1) {
                throw new SQLException("dead letter #" + id + " no longer exists");
            }
        }
    }

    /** Deletes the dead letters that failed before {@code before} (of one status, or all); returns how many. */
    public int purge(Instant before, String status) throws SQLException {
        String sql = "DELETE FROM etl_dead_letters WHERE failed_at < ?" + (status == null ? "" : " AND status = ?");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, before.atOffset(java.time.ZoneOffset.UTC));
            if (status != null) {
                ps.setString(2, status);
            }
            return ps.executeUpdate();
        }
    }

    private List<DeadLetter> query(String sql, List<Object> args) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            return read(ps);
        }
    }

    private static List<DeadLetter> read(PreparedStatement ps) throws SQLException {
        List<DeadLetter> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Timestamp replayed = rs.getTimestamp(13);
                out.add(new DeadLetter(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getInt(7), rs.getString(8), rs.getString(9),
                        rs.getString(10), rs.getString(11), rs.getString(12),
                        replayed == null ? null : replayed.toInstant(), rs.getInt(14)));
            }
        }
        return out;
    }
}
