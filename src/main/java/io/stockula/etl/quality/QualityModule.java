package io.stockula.etl.quality;

import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.config.RuntimeModule;
import java.time.Clock;
import java.util.function.BiConsumer;

/**
 * Binds {@code qualityMonitor}, which the {@code quality-check} route (routes/quality.yaml) calls on its cron, and
 * {@code routeSchedules}, the JMX operations that change that cron (or any route's) at runtime.
 */
public final class QualityModule implements RuntimeModule {

    @Override
    public void bind(Bootstrap boot, BiConsumer<String, Object> registry) {
        registry.accept("qualityMonitor", new QualityMonitor(boot.database().dataSource(), boot.metrics(),
                QualitySettings.from(boot.settings()), Clock.systemUTC()));
        registry.accept("routeSchedules", new io.stockula.etl.ops.RouteSchedules());
    }
}
