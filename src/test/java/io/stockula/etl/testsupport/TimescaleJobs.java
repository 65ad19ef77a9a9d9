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

    /** Compresses every chunk of the hypertable (those already compressed are left as they are). */
    public static void compressAll(Connection c, String hypertable) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT count(compress_chunk(ch, if_not_compressed => true)) FROM show_chunks('" + hypertable + "') ch");
        }
    }

    /**
     * The chunks of a hypertable by state, from TimescaleDB's catalog (status bit 1 compressed, bit 8 partial: rows
     * written since compression, uncompressed beside the compressed ones): "compressed=N partial=M uncompressed=K".
     */
    public static String chunkStates(Connection c, String hypertable) throws SQLException {
        List<String> r = Sql.rows(c, "SELECT count(*) FILTER (WHERE ch.status & 1 = 1 AND ch.status & 8 = 0),"
                + " count(*) FILTER (WHERE ch.status & 9 = 9), count(*) FILTER (WHERE ch.status & 1 = 0)"
                + " FROM _timescaledb_catalog.chunk ch JOIN _timescaledb_catalog.hypertable h ON h.id = ch.hypertable_id"
                + " WHERE h.table_name = '" + hypertable + "' AND h.schema_name = current_schema()").get(0);
        return "compressed=" + r.get(0) + " partial=" + r.get(1) + " uncompressed=" + r.get(2);
    }
}
