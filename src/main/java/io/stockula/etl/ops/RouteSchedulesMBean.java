package io.stockula.etl.ops;

/**
 * The JMX face of {@link RouteSchedules}: {@code io.stockula.etl:type=RouteSchedules,context=<camel context>}.
 * jconsole: MBeans tab, io.stockula.etl, RouteSchedules, Operations.
 */
public interface RouteSchedulesMBean {

    /** One line per scheduled route: its id, its state and its effective schedule. */
    String[] getSchedules();

    /** The effective Quartz cron of a route. */
    String cron(String routeId);

    /**
     * Changes the Quartz cron of a route (e.g. {@code quality-check} to {@code 0 0/5 * * * ?}) by replacing its
     * trigger in the scheduler; the route is not restarted (a suspended or stopped route stays so, its trigger
     * paused) and its error handling is untouched. Lasts until the process restarts: make it permanent in the
     * configuration ({@code stockula.quality.cron}, {@code stockula.rollups.cron}).
     */
    String setCron(String routeId, String cron) throws Exception;

    /** Changes the period of a timer route (e.g. {@code database-probe}), restarting it the same way. */
    String setTimerPeriod(String routeId, long millis) throws Exception;
}
