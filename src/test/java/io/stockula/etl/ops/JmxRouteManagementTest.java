package io.stockula.etl.ops;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;
import org.quartz.CronTrigger;
import org.quartz.TriggerKey;

/**
 * What an operator does from jconsole, through the platform MBean server only: list the routes, stop, start,
 * suspend and resume one, and change a schedule (docs-fragments/jmx.md).
 */
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
    void changeAQuartzCron() throws Exception {
        // Quartz has no writable schedule attribute: the route is re-defined from its own XML dump with a new cron
        // (needs camel.main.jmx-update-route-enabled=true)
        ObjectName quality = route("quality-check");
        System.out.println("BEFORE cfg=" + ctx.getRoute("quality-check").getConfigurationId() + " eh=" + ctx.getRoute("quality-check").getErrorHandlerFactory());
        assertThat(JMX.getAttribute(quality, "UpdateRouteEnabled")).isEqualTo(true);
        String xml = (String) JMX.invoke(quality, "dumpRouteAsXml", new Object[] {true}, new String[] {"boolean"});
        assertThat(xml).contains("uri=\"quartz:stockula/quality-check?cron=0 15 * * * ?&amp;stateful=true\"");
        String changed = xml.replace("cron=0 15 * * * ?", "cron=0 0/5 * * * ?");

        JMX.invoke(quality, "updateRouteFromXml", new Object[] {changed}, new String[] {"java.lang.String"});

        ObjectName updated = route("quality-check");
        assertThat(state(updated)).isEqualTo("Started");
        System.out.println("DEF cfg=" + ((org.apache.camel.model.ModelCamelContext) ctx).getRouteDefinition("quality-check").getRouteConfigurationId()
            + " route cfg=" + ctx.getRoute("quality-check").getConfigurationId()
            + " eh=" + ctx.getRoute("quality-check").getErrorHandlerFactory()
            + " dump=" + JMX.invoke(updated, "dumpRouteAsXml", new Object[] {true}, new String[] {"boolean"}));
        assertThat(JMX.getAttribute(updated, "EndpointUri")).asString().contains("cron=0+0%2F5+*+*+*+%3F");
        assertThat(JMX.getAttribute(updated, "RouteConfigurationId")).isEqualTo("etl-errors");
        var scheduler = ctx.getComponent("quartz", QuartzComponent.class).getScheduler();
        CronTrigger trigger = (CronTrigger) scheduler.getTrigger(TriggerKey.triggerKey("quality-check", "stockula"));
        assertThat(trigger.getCronExpression()).isEqualTo("0 0/5 * * * ?");
    }
}
