package io.stockula.etl.quality;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

/** Writes a run's results into {@code quality_results} (one row per check and subject) and ages out old rows. */
public final class QualityResultStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;

    public QualityResultStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Inserts the results in one transaction; deletes rows older than {@code retention} (unless zero). */
    public int store(long runId, Instant checkedAt, List<CheckResult> results, Duration retention) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO quality_results (run_id, checked_at, table_name,"
                    + " dimension, check_name, subject, value, threshold, passed, details) VALUES (?,?,?,?,?,?,?,?,?,?::jsonb)")) {
                for (CheckResult r : results) {
                    ps.setLong(1, runId);
                    ps.setTimestamp(2, Timestamp.from(checkedAt));
                    ps.setString(3, r.table());
                    ps.setString(4, r.dimension().label());
                    ps.setString(5, r.check());
                    ps.setString(6, r.subject());
                    if (Double.isNaN(r.value())) {
                        ps.setNull(7, Types.DOUBLE);
                    } else {
                        ps.setDouble(7, r.value());
                    }
                    if (r.threshold() == null) {
                        ps.setNull(8, Types.DOUBLE);
                    } else {
                        ps.setDouble(8, r.threshold());
                    }
                    ps.setBoolean(9, r.passed());
                    ps.setString(10, JSON.writeValueAsString(r.details()));
                    ps.addBatch();
                }
                ps.executeBatch();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                c.rollback();
                throw new SQLException("cannot serialise quality details: " + e.getMessage(), e);
            }
            if (!retention.isZero()) {
                try (PreparedStatement del = c.prepareStatement("DELETE FROM quality_results WHERE checked_at < ?")) {
                    del.setTimestamp(1, Timestamp.from(checkedAt.minus(retention)));
                    del.executeUpdate();
                }
            }
            c.commit();
            return results.size();
        }
    }
}
