package io.stockula.etl.config;

import java.util.List;

/** The features whose beans every Camel runtime gets; their routes live in routes/*.yaml. */
public final class RuntimeModules {

    public static final List<RuntimeModule> ALL = List.of(
            // one line per feature module
            new io.stockula.etl.source.sqlite.SqliteModule(),
            new io.stockula.etl.source.yahoo.YahooModule(),
            new io.stockula.etl.quality.QualityModule()
    );

    private RuntimeModules() {
    }
}
