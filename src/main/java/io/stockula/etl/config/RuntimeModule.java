package io.stockula.etl.config;

import java.util.function.BiConsumer;

/** A feature (SQLite sync, Yahoo ingestion, quality) that contributes beans to the Camel registry. */
public interface RuntimeModule {
    void bind(Bootstrap boot, BiConsumer<String, Object> registry);
}
