package io.stockula.etl.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.config.EtlRuntime;
import io.stockula.etl.config.EtlSettings;
import io.stockula.etl.testsupport.TestDatabases;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.Attribute;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.quartz.CronTrigger;
import org.quartz.TriggerKey;

/**
 * What an operator does from jconsole, through the platform MBean server only: list the routes, stop, start,
 * suspend and resume one, and change a schedule (README.md, "Managing routes over JMX").
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JmxRouteManagementTest {

    static final List<String> STANDARD_ROUTES = List.of("dead-letters.yaml", "error-handling.yaml", "operations.yaml",
            "rollups.yaml", "quality.yaml");

    static Bootstrap boot;
    static EtlRuntime runtime;
    static CamelContext ctx;
    static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    @BeforeAll
    static void start() throws Exception {
        boot = Bootstrap.open(EtlSettings.load(null, Map.of("stockula.db.url", TestDatabases.freshPostgres(),
                "stockula.database.probe-period", "600000",
                "camel.main.jmx-update-route-enabled", "true")));
        runtime = new EtlRuntime(boot, STANDARD_ROUTES, false, Map.of());
        ctx = runtime.start();
    }

    @AfterAll
    static void stop() {
        runtime.close();
        boot.close();
    }

    static ObjectName route(String id) throws Exception {
        // what jconsole shows under org.apache.camel / <context> / routes / "<id>"
        Set<ObjectName> found = JMX.queryNames(new ObjectName("org.apache.camel:context=" + ctx.getManagementName()
                + ",type=routes,name=\"" + id + "\""), null);
        assertThat(found).as("route MBean " + id).hasSize(1);
        return found.iterator().next();
    }

    static String state(ObjectName on) throws Exception {
        return (String) JMX.getAttribute(on, "State");
    }

    static Set<String> operations(ObjectName on) throws Exception {
        return Arrays.stream(JMX.getMBeanInfo(on).getOperations()).map(MBeanOperationInfo::getName).collect(Collectors.toSet());
    }

    @Test
    @Order(1)
    void listRoutes() throws Exception {
        Set<String> ids = JMX.queryNames(new ObjectName("org.apache.camel:context=*,type=routes,*"), null).stream()
                .filter(n -> n.getKeyProperty("context").equals(ctx.getManagementName()))
                .map(n -> (String) attr(n, "RouteId")).collect(Collectors.toSet());
        assertThat(ids).contains("rollup-refresh", "database-probe", "quality-check", "dead-letter");
        assertThat(JMX.getAttribute(route("quality-check"), "EndpointUri")).asString().startsWith("quartz://stockula/quality-check");
        assertThat(JMX.getAttribute(route("quality-check"), "RouteConfigurationId")).isEqualTo("etl-errors");
    }

    static Object attr(ObjectName n, String a) {
        try {
            return JMX.getAttribute(n, a);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(2)
    void stopStartSuspendResume() throws Exception {
        ObjectName rollup = route("rollup-refresh");
        assertThat(operations(rollup)).contains("stop", "start", "suspend", "resume", "restart", "updateRouteFromXml");
        assertThat(state(rollup)).isEqualTo("Started");

        JMX.invoke(rollup, "stop", null, null);
        assertThat(state(rollup)).isEqualTo("Stopped");
        assertThat(ctx.getRouteController().getRouteStatus("rollup-refresh")).isEqualTo(ServiceStatus.Stopped);
        assertThat(ctx.getRoute("rollup-refresh").getConsumer()).matches(c -> !((org.apache.camel.support.service.ServiceSupport) c).isStarted());

        JMX.invoke(rollup, "start", null, null);
        assertThat(state(rollup)).isEqualTo("Started");
        assertThat(ctx.getRouteController().getRouteStatus("rollup-refresh")).isEqualTo(ServiceStatus.Started);

        JMX.invoke(rollup, "suspend", null, null);
        assertThat(state(rollup)).isEqualTo("Suspended");
        assertThat(ctx.getRouteController().getRouteStatus("rollup-refresh")).isEqualTo(ServiceStatus.Suspended);

        JMX.invoke(rollup, "resume", null, null);
        assertThat(state(rollup)).isEqualTo("Started");
        assertThat(ctx.getRouteController().getRouteStatus("rollup-refresh")).isEqualTo(ServiceStatus.Started);
    }

    @Test
    @Order(3)
    void changeATimerPeriod() throws Exception {
        // the timer endpoint's MBean has a writable Period; the consumer picks it up when the route restarts
        ObjectName endpoint = JMX.queryNames(new ObjectName("org.apache.camel:context=" + ctx.getManagementName()
                        + ",type=endpoints,*"), null).stream()
                .filter(n -> String.valueOf(attr(n, "EndpointUri")).startsWith("timer://database-probe")).findFirst().orElseThrow();
        assertThat(JMX.getAttribute(endpoint, "Period")).isEqualTo(600000L);
        ObjectName probe = route("database-probe");
        long before = (Long) JMX.getAttribute(probe, "ExchangesTotal");

        JMX.setAttribute(endpoint, new Attribute("Period", 100L));
        JMX.invoke(probe, "restart", null, null);

        assertThat(state(probe)).isEqualTo("Started");
        ObjectName consumer = JMX.queryNames(new ObjectName("org.apache.camel:context=" + ctx.getManagementName()
                        + ",type=consumers,*"), null).stream()
                .filter(n -> "database-probe".equals(attr(n, "RouteId"))).findFirst().orElseThrow();
        assertThat(JMX.getAttribute(consumer, "Period")).isEqualTo(100L);
        long deadline = System.currentTimeMillis() + 5000;
        while ((Long) JMX.getAttribute(probe, "ExchangesTotal") < before + 5 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat((Long) JMX.getAttribute(probe, "ExchangesTotal")).as("the probe now fires every 100 ms").isGreaterThanOrEqualTo(before + 5);
        JMX.setAttribute(endpoint, new Attribute("Period", 600000L));
        JMX.invoke(probe, "restart", null, null);
    }

    @Test
    @Order(4)
    void changeAQuartzCronWithRouteSchedules() throws Exception {
        // our MBean (io.stockula.etl:type=RouteSchedules): stop, set the endpoint's cron, start
        ObjectName schedules = JMX.queryNames(new ObjectName("io.stockula.etl:type=RouteSchedules,*"), null).stream()
                .filter(n -> ObjectName.unquote(n.getKeyProperty("context")).equals(ctx.getManagementName()))
                .findFirst().orElseThrow();
        assertThat((String[]) JMX.getAttribute(schedules, "Schedules")).contains(
                "rollup-refresh [Started] quartz cron '0 5 * * * ?'", "quality-check [Started] quartz cron '0 15 * * * ?'",
                "database-probe [Started] timer every 600000 ms");

        Object answer = JMX.invoke(schedules, "setCron", new Object[] {"rollup-refresh", "0 0/5 * * * ?"},
                new String[] {"java.lang.String", "java.lang.String"});

        assertThat(answer).isEqualTo("rollup-refresh: cron '0 5 * * * ?' -> '0 0/5 * * * ?'");
        assertThat(quartzCron("rollup-refresh")).isEqualTo("0 0/5 * * * ?");
        assertThat(state(route("rollup-refresh"))).isEqualTo("Started");
        assertThat(ctx.getRoute("rollup-refresh").getConfigurationId()).as("still under etl-errors").isEqualTo("etl-errors");
        assertThat(JMX.invoke(schedules, "cron", new Object[] {"rollup-refresh"}, new String[] {"java.lang.String"}))
                .isEqualTo("0 0/5 * * * ?");

        // a suspended route stays suspended, with its new schedule
        JMX.invoke(route("rollup-refresh"), "suspend", null, null);
        JMX.invoke(schedules, "setCron", new Object[] {"rollup-refresh", "0 5 * * * ?"}, new String[] {"java.lang.String", "java.lang.String"});
        assertThat(state(route("rollup-refresh"))).isEqualTo("Suspended");
        var scheduler = ctx.getComponent("quartz", QuartzComponent.class).getScheduler();
        assertThat(scheduler.getTriggerState(TriggerKey.triggerKey("rollup-refresh", "stockula")))
                .as("the new trigger does not fire while the route is suspended").isEqualTo(org.quartz.Trigger.TriggerState.PAUSED);
        JMX.invoke(route("rollup-refresh"), "resume", null, null);
        assertThat(scheduler.getTriggerState(TriggerKey.triggerKey("rollup-refresh", "stockula")))
                .isEqualTo(org.quartz.Trigger.TriggerState.NORMAL);
        assertThat(quartzCron("rollup-refresh")).isEqualTo("0 5 * * * ?");

        // nonsense is refused and changes nothing
        assertThatThrownBy(() -> JMX.invoke(schedules, "setCron", new Object[] {"rollup-refresh", "every hour"},
                new String[] {"java.lang.String", "java.lang.String"})).hasStackTraceContaining("not a Quartz cron expression");
        assertThatThrownBy(() -> JMX.invoke(schedules, "setCron", new Object[] {"database-probe", "0 * * * * ?"},
                new String[] {"java.lang.String", "java.lang.String"})).hasStackTraceContaining("is not a Quartz route");
        assertThat(quartzCron("rollup-refresh")).isEqualTo("0 5 * * * ?");

        // the timer, through the same MBean
        JMX.invoke(schedules, "setTimerPeriod", new Object[] {"database-probe", 30000L}, new String[] {"java.lang.String", "long"});
        assertThat((String[]) JMX.getAttribute(schedules, "Schedules")).contains("database-probe [Started] timer every 30000 ms");
    }

    static String quartzCron(String routeId) throws Exception {
        var scheduler = ctx.getComponent("quartz", QuartzComponent.class).getScheduler();
        return ((CronTrigger) scheduler.getTrigger(TriggerKey.triggerKey(routeId, "stockula"))).getCronExpression();
    }

    @Test
    @Order(5)
    void changeAQuartzCronByUpdatingTheRouteFromXml() throws Exception {
        // Camel's own way: re-define the route from its XML dump with a new cron (camel.main.jmx-update-route-enabled)
        ObjectName quality = route("quality-check");
        assertThat(JMX.getAttribute(quality, "UpdateRouteEnabled")).isEqualTo(true);
        String xml = (String) JMX.invoke(quality, "dumpRouteAsXml", new Object[] {true}, new String[] {"boolean"});
        assertThat(xml).contains("uri=\"quartz:stockula/quality-check?cron=0 15 * * * ?&amp;stateful=true\"");
        String changed = xml.replace("cron=0 15 * * * ?", "cron=0 0/5 * * * ?");

        JMX.invoke(quality, "updateRouteFromXml", new Object[] {changed}, new String[] {"java.lang.String"});

        ObjectName updated = route("quality-check");
        assertThat(state(updated)).isEqualTo("Started");
        assertThat(JMX.getAttribute(updated, "EndpointUri")).asString().contains("cron=0+0%2F5+*+*+*+%3F");
        assertThat(quartzCron("quality-check")).isEqualTo("0 0/5 * * * ?");
        // the pitfall (Camel 4.18): the re-created route has lost its route configuration, so the shared
        // dead-letter channel no longer applies to it; hence RouteSchedules, and the advice in README.md, "Managing routes over JMX"
        assertThat(ctx.getRoute("quality-check").getConfigurationId()).isNull();
        assertThat(JMX.getAttribute(updated, "RouteConfigurationId")).isNull();
    }
}
