// Camel route control over remote JMX, without a GUI (tested with JDK 17 jshell against `stockula-etl run`).
// usage: jshell -R-Djmx=HOST:PORT -R-Dop=list|stop|start|suspend|resume|restart|cron|period -R-Droute=ID [-R-Darg=VALUE] camel-routes.jsh
//   e.g. jshell -R-Djmx=127.0.0.1:9010 -R-Dop=cron -R-Droute=quality-check "-R-Darg=0 0/5 * * * ?" camel-routes.jsh
import javax.management.*;
import javax.management.remote.*;
var url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://" + System.getProperty("jmx", "127.0.0.1:9010") + "/jmxrmi");
var mbs = JMXConnectorFactory.connect(url).getMBeanServerConnection();
var op = System.getProperty("op", "list");
var id = System.getProperty("route");
if (op.equals("list")) {
    for (var n : mbs.queryNames(new ObjectName("org.apache.camel:type=routes,*"), null))
        System.out.println(mbs.getAttribute(n, "RouteId") + "\t" + mbs.getAttribute(n, "State") + "\t" + mbs.getAttribute(n, "EndpointUri"));
    for (var n : mbs.queryNames(new ObjectName("io.stockula.etl:type=RouteSchedules,*"), null))
        for (var s : (String[]) mbs.getAttribute(n, "Schedules")) System.out.println("schedule: " + s);
} else if (op.equals("cron") || op.equals("period")) {
    var n = mbs.queryNames(new ObjectName("io.stockula.etl:type=RouteSchedules,*"), null).iterator().next();
    System.out.println(op.equals("cron")
        ? mbs.invoke(n, "setCron", new Object[] {id, System.getProperty("arg")}, new String[] {"java.lang.String", "java.lang.String"})
        : mbs.invoke(n, "setTimerPeriod", new Object[] {id, Long.parseLong(System.getProperty("arg"))}, new String[] {"java.lang.String", "long"}));
} else {
    var n = mbs.queryNames(new ObjectName("org.apache.camel:type=routes,name=\"" + id + "\",*"), null).iterator().next();
    mbs.invoke(n, op, null, null);
    System.out.println(id + " is now " + mbs.getAttribute(n, "State"));
}
/exit
