package io.stockula.etl.testsupport;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * The policy jobs of a test database on the real TimescaleDB server, whose background scheduler runs them too:
 * a test that runs them itself takes them off the schedule first and waits until none is running, so the two
 * never race (a compression job finding its chunk already compressed by the scheduler's run reports a failure).
 */
public final class TimescaleJobs {

    private TimescaleJobs() {
    }

    /** Unschedules every policy job of the current database and waits until none is running; returns their ids. */
    public static List<String> takeOffSchedule(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT alter_job(job_id, scheduled => false) FROM timescaledb_information.jobs WHERE job_id >= 1000");
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!Sql.rows(c, "SELECT count(*) FROM timescaledb_information.job_stats WHERE job_id >= 1000"
                + " AND job_status = 'Running'").get(0).get(0).equals("0")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("background jobs still running after 2 minutes");
            }
            try {
                Thread.sleep(200); // polling the job state, not waiting for a guessed duration
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return Sql.rows(c, "SELECT job_id FROM timescaledb_information.jobs WHERE job_id >= 1000 ORDER BY job_id")
                .stream().map(r -> r.get(0)).toList();
    }
}
