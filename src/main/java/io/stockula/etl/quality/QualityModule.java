package io.stockula.etl.quality;

import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.config.RuntimeModule;
import java.time.Clock;
import java.util.function.BiConsumer;

/** Binds {@code qualityMonitor}, which the {@code quality-check} route (routes/quality.yaml) calls on its cron. */
public final class QualityModule implements RuntimeModule {

    @Override
    public void bind(Bootstrap boot, BiConsumer<String, Object> registry) {
        registry.accept("qualityMonitor", new QualityMonitor(boot.database().dataSource(), boot.metrics(),
                QualitySettings.from(boot.settings()), Clock.systemUTC()));
    }
}
