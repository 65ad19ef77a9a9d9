package io.stockula.etl.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;

/** Records what ran, when, with how many rows in, out, merged and rejected, and how it ended. */
public final class RunHistory {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;
    /**
     * Runs this process started on a database and has not finished (whichever RunHistory instance started them):
     * closed by {@link #closeOpenRuns} when the process is stopped.
     */
    private static final java.util.Map<DataSource, java.util.Set<Long>> OPEN = java.util.Collections.synchronizedMap(
            new java.util.IdentityHashMap<>());
    private final java.util.Set<Long> open;

    public RunHistory(DataSource dataSource) {
        this.dataSource = dataSource;
        this.open = OPEN.computeIfAbsent(dataSource, ds -> java.util.concurrent.ConcurrentHashMap.newKeySet());
    }

    public long start(String job, Map<String, ?> details) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO etl_run_history (job, details) VALUES (?, ?::jsonb) RETURNING run_id")) {
            ps.setString(1, job);
            ps.setString(2, json(details));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long runId = rs.getLong(1);
                open.add(runId);
                return runId;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the start of run " + job + ": " + e.getMessage(), e);
        }
    }

    public void finish(long runId, String status, long in, long out, long merged, long rejected,
                       Map<String, ?> details, String error) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE etl_run_history SET finished_at = now(), status = ?,"
                     + " rows_in = ?, rows_out = ?, rows_merged = ?, rows_rejected = ?,"
                     + " details = coalesce(details, '{}'::jsonb) || ?::jsonb, error = ? WHERE run_id = ?")) {
            ps.setString(1, status);
            ps.setLong(2, in);
            ps.setLong(3, out);
            ps.setLong(4, merged);
            ps.setLong(5, rejected);
            ps.setString(6, json(details));
            ps.setString(7, io.stockula.etl.config.Secrets.redact(error));
            ps.setLong(8, runId);
            ps.executeUpdate();
            open.remove(runId);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the end of run " + runId + ": " + e.getMessage(), e);
        }
    }

    /**
     * The process is stopping (SIGTERM) with runs still open: each is closed as failed with the reason, rather than
     * left {@code running} for ever. Returns how many were closed.
     */
    public int closeOpenRuns(String reason) {
        int closed = 0;
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE etl_run_history SET finished_at = now(), status = 'failed',"
                     + " error = ? WHERE run_id = ? AND status = 'running'"
                     // a run shared through Kafka goes on without its planner: another runtime adopts it
                     + " AND NOT EXISTS (SELECT 1 FROM etl_run_requests r WHERE r.run_id = etl_run_history.run_id"
                     + " AND r.state = 'pending')")) {
            for (Long runId : open) {
                ps.setString(1, reason);
                ps.setLong(2, runId);
                closed += ps.executeUpdate();
                open.remove(runId);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot close the open runs: " + e.getMessage(), e);
        }
        return closed;
    }

    private static String json(Map<String, ?> details) {
        try {
            return JSON.writeValueAsString(details == null ? Map.of() : details);
        } catch (Exception e) {
            return "{}";
        }
    }
}
