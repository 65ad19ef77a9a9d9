package io.stockula.etl.ops;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.apache.camel.component.timer.TimerEndpoint;
import org.apache.camel.spi.RouteController;
import org.apache.camel.support.LifecycleStrategySupport;
import org.quartz.CronExpression;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.Scheduler;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changing a route's schedule at runtime, over JMX. Camel 4.18 itself offers a writable {@code Period} on a timer
 * endpoint's MBean, but nothing for a Quartz cron: its only way is {@code ManagedRoute.updateRouteFromXml}
 * (behind {@code camel.main.jmx-update-route-enabled}), and a route re-created that way comes back without its
 * {@code routeConfigurationId}, i.e. without the shared dead-letter channel (see JmxRouteManagementTest). This
 * bean replaces the route's Quartz trigger in the scheduler (same key, same job: Quartz {@code rescheduleJob},
 * the route keeps running and keeps its error handling), and for a timer sets the endpoint's period and restarts
 * the route, which is what the timer consumer needs. Changes last until the process restarts. A camel-main {@link org.apache.camel.spi.LifecycleStrategy} bean: it registers its MBean when the
 * context has started and removes it when the context stops.
 */
public final class RouteSchedules extends LifecycleStrategySupport implements RouteSchedulesMBean {

    private static final Logger LOG = LoggerFactory.getLogger(RouteSchedules.class);

    private volatile CamelContext context;
    private volatile ObjectName name;

    @Override
    public void onContextStarted(CamelContext ctx) {
        this.context = ctx;
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName on = objectName(ctx);
            if (server.isRegistered(on)) {
                server.unregisterMBean(on);
            }
            server.registerMBean(new StandardMBean(this, RouteSchedulesMBean.class), on);
            name = on;
        } catch (Exception e) {
            LOG.warn("RouteSchedules MBean not registered: {}", e.getMessage());
        }
    }

    @Override
    public void onContextStopped(CamelContext ctx) {
        if (name != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (Exception e) {
                LOG.debug("RouteSchedules MBean not unregistered: {}", e.getMessage());
            }
            name = null;
        }
    }

    public static ObjectName objectName(CamelContext ctx) throws Exception {
        return new ObjectName("io.stockula.etl:type=RouteSchedules,context=" + ObjectName.quote(ctx.getManagementName() == null
                ? ctx.getName() : ctx.getManagementName()));
    }

    @Override
    public String[] getSchedules() {
        List<String> out = new ArrayList<>();
        CamelContext ctx = context();
        for (Route r : ctx.getRoutes()) {
            String state = String.valueOf(ctx.getRouteController().getRouteStatus(r.getRouteId()));
            if (r.getEndpoint() instanceof QuartzEndpoint q) {
                out.add(r.getRouteId() + " [" + state + "] quartz cron '" + q.getCron() + "'");
            } else if (r.getEndpoint() instanceof TimerEndpoint t) {
                out.add(r.getRouteId() + " [" + state + "] timer " + (t.getRepeatCount() == 1
                        ? "once, " + t.getDelay() + " ms after start"
                        : "every " + t.getPeriod() + " ms" + (t.getRepeatCount() > 1 ? ", " + t.getRepeatCount() + " times" : "")));
            }
        }
        return out.toArray(String[]::new);
    }

    @Override
    public String cron(String routeId) {
        return quartz(route(routeId)).getCron();
    }

    @Override
    public String setCron(String routeId, String cron) throws Exception {
        String c = cron == null ? "" : cron.trim();
        if (!CronExpression.isValidExpression(c)) {
            throw new IllegalArgumentException("not a Quartz cron expression (seconds minutes hours day month weekday): " + cron);
        }
        QuartzEndpoint q = quartz(route(routeId));
        String old = q.getCron();
        Scheduler scheduler = q.getComponent().getScheduler();
        TriggerKey key = q.getTriggerKey();
        Trigger current = key == null ? null : scheduler.getTrigger(key);
        if (current != null) {
            // a stopped or suspended Quartz route keeps its trigger, paused: stopping and starting the route only
            // pauses and resumes it, so the new schedule goes into the scheduler directly, under the same key
            CronScheduleBuilder schedule = CronScheduleBuilder.cronSchedule(c).withMisfireHandlingInstructionFireAndProceed();
            if (current instanceof CronTrigger ct && ct.getTimeZone() != null) {
                schedule = schedule.inTimeZone(ct.getTimeZone());
            }
            TriggerBuilder<CronTrigger> replacement = TriggerBuilder.newTrigger().withIdentity(key)
                    .forJob(current.getJobKey()).usingJobData(current.getJobDataMap()).withSchedule(schedule);
            if (current.getCalendarName() != null) {
                replacement = replacement.modifiedByCalendar(current.getCalendarName());
            }
            boolean paused = scheduler.getTriggerState(key) == Trigger.TriggerState.PAUSED;
            scheduler.rescheduleJob(key, replacement.build());
            if (paused) {
                scheduler.pauseTrigger(key);
            }
        }
        // what the endpoint reports, and uses if its trigger has not been created yet
        q.setCron(c);
        LOG.info("Route {}: cron changed over JMX from '{}' to '{}'", routeId, old, c);
        return routeId + ": cron '" + old + "' -> '" + c + "'";
    }

    @Override
    public String setTimerPeriod(String routeId, long millis) throws Exception {
        if (millis <= 0) {
            throw new IllegalArgumentException("the period must be positive: " + millis);
        }
        Route route = route(routeId);
        if (!(route.getEndpoint() instanceof TimerEndpoint t)) {
            throw new IllegalArgumentException(routeId + " is not a timer route (" + route.getEndpoint().getEndpointUri() + ")");
        }
        long old = t.getPeriod();
        restart(routeId, () -> t.setPeriod(millis));
        LOG.info("Route {}: timer period changed over JMX from {} ms to {} ms", routeId, old, millis);
        return routeId + ": period " + old + " ms -> " + millis + " ms";
    }

    /** Stop, change, and bring the route back to the state it had (started, suspended or stopped). */
    private void restart(String routeId, Runnable change) throws Exception {
        RouteController rc = context().getRouteController();
        ServiceStatus before = rc.getRouteStatus(routeId);
        rc.stopRoute(routeId);
        change.run();
        if (before == ServiceStatus.Started || before == ServiceStatus.Starting || before == ServiceStatus.Suspended
                || before == ServiceStatus.Suspending) {
            rc.startRoute(routeId);
            if (before == ServiceStatus.Suspended || before == ServiceStatus.Suspending) {
                rc.suspendRoute(routeId);
            }
        }
    }

    private CamelContext context() {
        CamelContext ctx = context;
        if (ctx == null) {
            throw new IllegalStateException("the Camel context has not started");
        }
        return ctx;
    }

    private Route route(String routeId) {
        Route r = context().getRoute(routeId);
        if (r == null) {
            throw new IllegalArgumentException("no route " + routeId);
        }
        return r;
    }

    private static QuartzEndpoint quartz(Route route) {
        if (route.getEndpoint() instanceof QuartzEndpoint q) {
            return q;
        }
        throw new IllegalArgumentException(route.getRouteId() + " is not a Quartz route (" + route.getEndpoint().getEndpointUri() + ")");
    }
}
