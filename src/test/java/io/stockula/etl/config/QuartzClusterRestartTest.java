package io.stockula.etl.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockula.etl.ops.RouteSchedules;
import io.stockula.etl.testsupport.TestDatabases;
import io.stockula.etl.testsupport.TestRuntime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What camel-quartz does with the clustered JDBC store across restarts and route stops (one runtime, in this JVM):
 * the trigger is stored once; a cron changed in the settings between restarts replaces the stored one; the JMX cron
 * change (RouteSchedules) is written to the store; stopping the route or the runtime neither pauses nor deletes the
 * trigger that the other runtimes share.
 */
class QuartzClusterRestartTest {

    private static final String TRIGGER = "SELECT t.trigger_state, c.cron_expression FROM qrtz_triggers t JOIN qrtz_cron_triggers c"
            + " USING (sched_name, trigger_name, trigger_group) WHERE t.sched_name = 'stockula-etl' AND t.trigger_name = 'quality-check'";

    private static TestRuntime runtime(String db, String cron) throws Exception {
        return TestRuntime.postgres("stockula.db.url", db, "stockula.cluster.enabled", "true",
                "stockula.instance-id", "etl-test", "stockula.quality.run-on-start", "false",
                "stockula.quality.cron", cron).start("quality.yaml");
    }

    @Test
    void storedTriggerFollowsSettingsAndJmxAndSurvivesStops() throws Exception {
        String db = TestDatabases.freshPostgres();
        try (TestRuntime t = runtime(db, "0 15 * * * ?")) {
            assertThat(t.rows(TRIGGER)).containsExactly(List.of("WAITING", "0 15 * * * ?"));
            assertThat(t.rows("SELECT instance_name FROM qrtz_scheduler_state")).containsExactly(List.of("etl-test"));

            // the operator's JMX change goes to the shared store
            RouteSchedules schedules = t.context().getRegistry().lookupByNameAndType("routeSchedules", RouteSchedules.class);
            schedules.setCron("quality-check", "0 45 * * * ?");
            assertThat(t.rows(TRIGGER)).containsExactly(List.of("WAITING", "0 45 * * * ?"));

            // stopping the route on this runtime leaves the cluster's trigger running (not PAUSED, not deleted)
            t.context().getRouteController().stopRoute("quality-check");
            assertThat(t.rows(TRIGGER)).containsExactly(List.of("WAITING", "0 45 * * * ?"));
            t.context().getRouteController().startRoute("quality-check");
        }
        // the runtime stopped: the trigger is still there for the others
        try (TestRuntime t = TestRuntime.postgres("stockula.db.url", db)) {
            assertThat(t.rows(TRIGGER)).containsExactly(List.of("WAITING", "0 45 * * * ?"));
        }
        // restarted with another cron in its settings: the stored trigger takes it
        try (TestRuntime t = runtime(db, "0 30 * * * ?")) {
            assertThat(t.rows(TRIGGER)).containsExactly(List.of("WAITING", "0 30 * * * ?"));
            assertThat(t.rows("SELECT count(*) FROM qrtz_job_details")).containsExactly(List.of("1"));
        }
    }
}
