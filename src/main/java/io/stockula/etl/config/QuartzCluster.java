package io.stockula.etl.config;

import io.stockula.etl.ops.EtlMetrics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.text.SimpleDateFormat;
import java.util.Properties;
import java.util.TimeZone;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.apache.camel.support.LifecycleStrategySupport;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobListener;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz schedules that fire once per cluster ({@code stockula.cluster.enabled=true}): camel-quartz's component bound
 * as {@code quartz} on a clustered JDBC job store (JobStoreTX, PostgreSQL delegate) in the target database, whose
 * qrtz_* tables schema/common/V50 creates. Every runtime uses the same scheduler name ({@link #SCHEDULER_NAME}) and its
 * own instance id ({@link InstanceId}); a tick is acquired under Quartz's row lock, so exactly one runtime runs it,
 * and the ticks of a runtime that stops checking in for a while are recovered by another.
 *
 * <p>What camel-quartz 4.18 does with a persistent store, and why it is right for us:
 * <ul>
 *   <li>a trigger already stored is kept unless its cron differs from the route's: a cron changed in
 *       application.properties/YAML takes effect at the next start of any runtime (QuartzEndpoint.hasTriggerChanged
 *       reschedules). It compares the cron expression only: a changed time zone or misfire instruction alone is not
 *       applied to a stored trigger (change the cron, or delete the trigger's rows, to apply it);</li>
 *   <li>with a clustered store, stopping a route or a runtime neither pauses nor deletes the trigger (QuartzEndpoint
 *       pauseTrigger/removeJobInScheduler skip it when the store is clustered): the other runtimes keep the schedule.
 *       The consequence: a route stopped on one runtime only (JMX) still lets that runtime's scheduler acquire the
 *       tick, which then does nothing there; stop it on every runtime, or change its cron, to stop a schedule;</li>
 *   <li>a runtime that is stopping puts its scheduler on standby first ({@link #onContextStopping}), so that between
 *       its routes stopping and its scheduler shutting down it takes no tick it could not run;</li>
 *   <li>every Quartz job is made recoverable: a tick whose runtime dies while running it is run again by another
 *       runtime once the dead one misses its check-ins (the jobs are idempotent upserts);</li>
 *   <li>{@code stateful: true} routes run a {@code @DisallowConcurrentExecution} job, which a clustered store enforces
 *       across the cluster; misfire instructions are stored with the trigger and applied by whichever runtime finds
 *       the misfire;</li>
 *   <li>ops/RouteSchedules' JMX cron change reschedules the stored trigger: with this store it is persisted and holds
 *       for the whole cluster (and across restarts, until a runtime starts with a different cron in its settings).</li>
 * </ul>
 * Quartz takes its connections from the runtime's pool, briefly: a tick's acquisition and completion and each check-in
 * are a short transaction each; the pool has {@link #QUARTZ_CONNECTIONS} more connections than stockula.db.pool-size
 * in clustered mode for this, so the jobs' queries never make a check-in wait.
 */
public final class QuartzCluster extends LifecycleStrategySupport {

    /** The Quartz scheduler name, the same on every runtime: it is what makes them one cluster. */
    public static final String SCHEDULER_NAME = "stockula-etl";
    /** Quartz treats an instance as failed this long after its check-in was due; the gauge gives the same grace. */
    static final long CHECKIN_GRACE_MILLIS = 7_500;
    /** One thread per Quartz route (prices, quote summary, options, quality, rollups): none waits for another. */
    static final int THREADS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(QuartzCluster.class);

    private final String instanceId;
    private final long checkinInterval;
    private final DataSource dataSource;
    private final EtlMetrics metrics;
    private final String dataSourceName;
    private volatile ScheduledExecutorService gaugeTimer;
    private volatile QuartzComponent component;

    QuartzCluster(String instanceId, long checkinInterval, DataSource dataSource, EtlMetrics metrics) {
        this.instanceId = instanceId;
        this.checkinInterval = checkinInterval;
        this.dataSource = dataSource;
        this.metrics = metrics;
        // one name per runtime object: DBConnectionManager is JVM-wide, and tests run several runtimes in one JVM
        this.dataSourceName = "stockula-target-" + Integer.toHexString(System.identityHashCode(this));
    }

    /** Binds the clustered {@code quartz} component and this bean when stockula.cluster.enabled; else nothing. */
    public static void bind(Bootstrap boot, BiConsumer<String, Object> registry) {
        EtlSettings s = boot.settings();
        if (!s.getBoolean("stockula.cluster.enabled", false)) {
            return;
        }
        QuartzCluster cluster = new QuartzCluster(InstanceId.of(s), checkinInterval(s), boot.database().dataSource(),
                boot.metrics());
        registry.accept("quartz", cluster.component());
        registry.accept("quartzCluster", cluster);
    }

    /** Connections the pool gets on top of stockula.db.pool-size in clustered mode (see {@link #withQuartzConnections}). */
    static final int QUARTZ_CONNECTIONS = 3;

    /**
     * The settings the pool is opened with: in clustered mode {@value #QUARTZ_CONNECTIONS} more connections, for
     * Quartz's own threads (trigger acquisition, check-in, misfire handling: one short transaction each). A check-in
     * that waited for a connection behind the jobs' queries past its interval plus 7.5 s would make the others take
     * this runtime for dead and run its tick a second time.
     */
    public static EtlSettings withQuartzConnections(EtlSettings s) {
        if (!s.getBoolean("stockula.cluster.enabled", false)) {
            return s;
        }
        return s.with("stockula.db.pool-size", String.valueOf(s.getInt("stockula.db.pool-size", 6) + QUARTZ_CONNECTIONS));
    }

    static long checkinInterval(EtlSettings s) {
        return s.getDuration("stockula.cluster.checkin-interval", java.time.Duration.ofSeconds(5)).toMillis();
    }

    /** The Quartz configuration of a clustered runtime (unit-tested: what each key is set to, and why). */
    static Properties quartzProperties(String instanceId, long checkinInterval, String dataSourceName) {
        Properties p = new Properties();
        p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, SCHEDULER_NAME);
        p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_ID, instanceId);
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(THREADS));
        p.setProperty("org.quartz.threadPool.threadsInheritContextClassLoaderOfInitializingThread", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
        p.setProperty("org.quartz.jobStore.tablePrefix", "qrtz_");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(checkinInterval));
        // Quartz's advice for clusters: acquire under the row lock, so that two runtimes never both take one tick
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        // as the in-memory default: a tick later than a minute is a misfire, handled by the trigger's instruction
        p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        return p;
    }

    QuartzComponent component() {
        DBConnectionManager.getInstance().addConnectionProvider(dataSourceName, new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return dataSource.getConnection();
            }

            @Override
            public void shutdown() {
                // the pool belongs to the runtime (Bootstrap closes it)
            }

            @Override
            public void initialize() {
                // nothing: the pool is open
            }
        });
        Properties props = quartzProperties(instanceId, checkinInterval, dataSourceName);
        QuartzComponent c = new QuartzComponent() {
            @Override
            protected Endpoint createEndpoint(String uri, String remaining, java.util.Map<String, Object> parameters)
                    throws Exception {
                Endpoint e = super.createEndpoint(uri, remaining, parameters);
                if (e instanceof QuartzEndpoint q) {
                    // another runtime runs the tick again when the one running it dies (the jobs are idempotent)
                    q.setRecoverableJob(true);
                }
                return e;
            }
        };
        try {
            c.setSchedulerFactory(new ClusteredSchedulerFactory(props, instanceId));
        } catch (SchedulerException e) {
            throw new IllegalStateException("Quartz cluster configuration refused: " + e.getMessage(), e);
        }
        component = c;
        LOG.info("Quartz schedules clustered in the target database: scheduler {}, this runtime {}, check-in every {} ms",
                SCHEDULER_NAME, instanceId, checkinInterval);
        return c;
    }

    @Override
    public void onContextStarted(CamelContext context) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stockula-cluster-gauge");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::refreshGauge, 0, checkinInterval, TimeUnit.MILLISECONDS);
        gaugeTimer = timer;
    }

    @Override
    public void onContextStopping(CamelContext context) {
        ScheduledExecutorService timer = gaugeTimer;
        if (timer != null) {
            timer.shutdownNow();
        }
        QuartzComponent c = component;
        Scheduler s = c == null ? null : c.getScheduler();
        try {
            if (s != null && !s.isShutdown()) {
                s.standby(); // no new tick from here on; running ones finish (the scheduler's shutdown waits for them)
            }
        } catch (SchedulerException e) {
            LOG.debug("Quartz scheduler not put on standby: {}", e.getMessage());
        }
    }

    void refreshGauge() {
        try {
            metrics.gauge("stockula.cluster.scheduler.instances", "Quartz runtimes of the cluster that checked in within"
                    + " twice their check-in interval plus " + CHECKIN_GRACE_MILLIS + " ms", liveInstances(dataSource,
                    System.currentTimeMillis()));
        } catch (SQLException | RuntimeException e) {
            LOG.debug("cluster gauge not refreshed: {}", e.getMessage());
        }
    }

    /**
     * Runtimes whose last check-in (their own clock, as Quartz compares it) is younger than twice their interval plus
     * Quartz's grace.
     */
    static int liveInstances(DataSource ds, long nowMillis) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM"
                + " qrtz_scheduler_state WHERE sched_name = ? AND last_checkin_time >= ? - 2 * checkin_interval - ?")) {
            ps.setString(1, SCHEDULER_NAME);
            ps.setLong(2, nowMillis);
            ps.setLong(3, CHECKIN_GRACE_MILLIS);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Quartz's factory, adding the tick log to the scheduler it creates. */
    static final class ClusteredSchedulerFactory extends StdSchedulerFactory {
        private final String instanceId;
        private volatile boolean listening;

        ClusteredSchedulerFactory(Properties props, String instanceId) throws SchedulerException {
            super(props);
            this.instanceId = instanceId;
        }

        @Override
        public Scheduler getScheduler() throws SchedulerException {
            Scheduler s = super.getScheduler();
            if (!listening) {
                s.getListenerManager().addJobListener(new TickLog(instanceId));
                listening = true;
            }
            return s;
        }
    }

    /** One INFO line per tick naming the runtime that runs it: which runtime ran what, from the logs. */
    static final class TickLog implements JobListener {
        private final String instanceId;

        TickLog(String instanceId) {
            this.instanceId = instanceId;
        }

        @Override
        public String getName() {
            return "stockula-tick-log";
        }

        @Override
        public void jobToBeExecuted(JobExecutionContext context) {
            SimpleDateFormat f = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");
            f.setTimeZone(TimeZone.getTimeZone("UTC"));
            LOG.info("Quartz tick {} scheduled {} runs on {}{}", context.getTrigger().getJobKey(),
                    context.getScheduledFireTime() == null ? "-" : f.format(context.getScheduledFireTime()), instanceId,
                    context.isRecovering() ? " (recovering the tick of a runtime that died)" : "");
        }

        @Override
        public void jobExecutionVetoed(JobExecutionContext context) {
            // no trigger listener vetoes
        }

        @Override
        public void jobWasExecuted(JobExecutionContext context, JobExecutionException jobException) {
            // the route's own logging and run history say how it ended
        }
    }
}
