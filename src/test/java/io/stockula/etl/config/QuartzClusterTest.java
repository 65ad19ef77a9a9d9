package io.stockula.etl.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.testsupport.Sql;
import io.stockula.etl.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The Quartz configuration of a clustered runtime, and the gauge of live instances read from qrtz_scheduler_state. */
class QuartzClusterTest {

    @Test
    void propertiesMakeAClusteredJdbcStoreOnTheNamedDataSource() {
        Properties p = QuartzCluster.quartzProperties("etl-1", 5000, "ds-x");
        assertThat(p.getProperty("org.quartz.scheduler.instanceName")).isEqualTo("stockula-etl");
        assertThat(p.getProperty("org.quartz.scheduler.instanceId")).isEqualTo("etl-1");
        assertThat(p.getProperty("org.quartz.jobStore.class")).isEqualTo("org.quartz.impl.jdbcjobstore.JobStoreTX");
        assertThat(p.getProperty("org.quartz.jobStore.driverDelegateClass"))
                .isEqualTo("org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        assertThat(p.getProperty("org.quartz.jobStore.isClustered")).isEqualTo("true");
        assertThat(p.getProperty("org.quartz.jobStore.clusterCheckinInterval")).isEqualTo("5000");
        assertThat(p.getProperty("org.quartz.jobStore.dataSource")).isEqualTo("ds-x");
        assertThat(p.getProperty("org.quartz.jobStore.tablePrefix")).isEqualTo("qrtz_");
        assertThat(p.getProperty("org.quartz.threadPool.threadCount")).isEqualTo("5");
        assertThat(p.getProperty("org.quartz.jobStore.acquireTriggersWithinLock")).isEqualTo("true");
    }

    @Test
    void checkinIntervalDefaultsTo5sAndTakesDurations() {
        assertThat(QuartzCluster.checkinInterval(EtlSettings.load(null, Map.of(), Map.of()))).isEqualTo(5000);
        assertThat(QuartzCluster.checkinInterval(EtlSettings.load(null, Map.of("stockula.cluster.checkin-interval", "2s"),
                Map.of()))).isEqualTo(2000);
    }

    @Test
    void clusteredPoolHasRoomForQuartzsOwnThreads() {
        EtlSettings one = EtlSettings.load(null, Map.of("stockula.db.pool-size", "6"), Map.of());
        assertThat(QuartzCluster.withQuartzConnections(one).getInt("stockula.db.pool-size", 0)).isEqualTo(6);
        assertThat(QuartzCluster.withQuartzConnections(one.with("stockula.cluster.enabled", "true"))
                .getInt("stockula.db.pool-size", 0)).isEqualTo(9);
    }

    @Test
    void clusteringWithoutASharedDatabaseIsABadSetting() {
        EtlSettings s = EtlSettings.load(null, Map.of("stockula.cluster.enabled", "true"), Map.of());
        assertThat(SettingsCheck.problems(s)).containsExactly("stockula.cluster.enabled = true: needs a target database"
                + " that every runtime shares (stockula.db.url / --db): the embedded default belongs to one process");
        assertThat(SettingsCheck.problems(s.with("stockula.db.url", "jdbc:postgresql://h/db"))).isEmpty();
        assertThat(SettingsCheck.problems(s.with("stockula.db.url", "jdbc:postgresql://h/db")
                .with("stockula.cluster.checkin-interval", "10"))).hasSize(1);
    }

    @Test
    void liveInstancesCountsRecentCheckinsOfThisSchedulerOnly() throws Exception {
        String url = TestDatabases.freshPostgres();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(url);
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute(new String(QuartzClusterTest.class.getResourceAsStream("/schema/common/V50__quartz_job_store.sql")
                    .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            long now = 1_000_000_000L;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO qrtz_scheduler_state VALUES (?, ?, ?, ?)")) {
                Object[][] rows = {
                        {"stockula-etl", "fresh", now - 1000, 5000L},
                        // 2 x 5000 + 7500 ago: the last moment still counted
                        {"stockula-etl", "late", now - 17_500, 5000L},
                        {"stockula-etl", "dead", now - 17_501, 5000L},
                        {"other-app", "fresh", now, 5000L}};
                for (Object[] r : rows) {
                    ps.setString(1, (String) r[0]);
                    ps.setString(2, (String) r[1]);
                    ps.setLong(3, (Long) r[2]);
                    ps.setLong(4, (Long) r[3]);
                    ps.executeUpdate();
                }
            }
            assertThat(QuartzCluster.liveInstances(ds, now)).isEqualTo(2);
            assertThat(Sql.rows(c, "SELECT count(*) FROM qrtz_locks")).isEqualTo(List.of(List.of("0")));
        }
    }
}
