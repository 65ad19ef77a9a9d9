package io.stockula.etl.ops;

import io.stockula.etl.config.SchemaMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TimescaleDB's policy jobs (compression, retention, continuous aggregate refresh) as metrics, per job, from
 * timescaledb_information.jobs/job_stats/job_errors: failures, the last success, whether the last run failed, and
 * whether that failure is PostgreSQL 15.20's false one ({@code cannot drop portal "" while it is being set up},
 * SQLSTATE 24000: the job's work committed, only its bookkeeping failed). Probed by the route timescaledb-job-health.
 * The job id is the tag job_id: Prometheus keeps "job" for the scrape job.
 */
public final class TimescaleJobHealth {

    /** SQLSTATE and message start of the false failure every background job shows on PostgreSQL 15.20. */
    static final String PORTAL_SQLSTATE = "24000";
    static final String PORTAL_MESSAGE = "cannot drop portal";
    private static final Logger LOG = LoggerFactory.getLogger(TimescaleJobHealth.class);

    private final DataSource dataSource;
    private final EtlMetrics metrics;
    private final SchemaMode mode;

    public TimescaleJobHealth(DataSource dataSource, EtlMetrics metrics, SchemaMode mode) {
        this.dataSource = dataSource;
        this.metrics = metrics;
        this.mode = mode;
    }

    /** Updates the gauges; returns the number of jobs seen (0 on plain PostgreSQL). */
    public int probe() throws SQLException {
        if (mode != SchemaMode.TIMESCALEDB) {
            return 0;
        }
        int jobs = 0;
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("""
                     SELECT j.job_id, j.proc_name, coalesce(j.hypertable_name::text, '') AS hypertable,
                            coalesce(s.total_failures, 0), coalesce(s.total_successes, 0),
                            coalesce(extract(epoch FROM s.last_successful_finish), 0),
                            s.last_run_status = 'Failed' AS failing,
                            coalesce((SELECT e.sqlerrcode = '%s' AND e.err_message LIKE '%s%%'
                                      FROM timescaledb_information.job_errors e WHERE e.job_id = j.job_id
                                      ORDER BY e.start_time DESC LIMIT 1), false) AS portal
                     FROM timescaledb_information.jobs j
                     LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id
                     WHERE j.job_id >= 1000
                     """.formatted(PORTAL_SQLSTATE, PORTAL_MESSAGE))) {
            while (rs.next()) {
                jobs++;
                String[] tags = {"job_id", rs.getString(1), "proc", rs.getString(2), "hypertable", rs.getString(3)};
                metrics.gauge("stockula.timescaledb.job.failures", "Failed runs of a TimescaleDB policy job (job_stats)",
                        rs.getLong(4), tags);
                metrics.gauge("stockula.timescaledb.job.successes", "Successful runs of a TimescaleDB policy job (job_stats)",
                        rs.getLong(5), tags);
                metrics.gauge("stockula.timescaledb.job.last.success.seconds",
                        "Epoch seconds of the last successful finish of a TimescaleDB policy job (0: never)", rs.getDouble(6), tags);
                metrics.gauge("stockula.timescaledb.job.failing", "1 when the last run of a TimescaleDB policy job failed",
                        rs.getBoolean(7) ? 1 : 0, tags);
                metrics.gauge("stockula.timescaledb.job.portal.false.failure", "1 when the last error of a TimescaleDB job is"
                        + " PostgreSQL 15.20's 'cannot drop portal' (the job's work committed)", rs.getBoolean(8) ? 1 : 0, tags);
            }
        }
        LOG.debug("TimescaleDB job health: {} job(s)", jobs);
        return jobs;
    }
}
