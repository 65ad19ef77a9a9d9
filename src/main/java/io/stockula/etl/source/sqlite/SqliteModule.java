package io.stockula.etl.source.sqlite;

import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.config.EtlSettings;
import io.stockula.etl.config.RuntimeModule;
import java.nio.file.Path;
import java.util.function.BiConsumer;

/**
 * Binds the SQLite side: the source file (read-only), the sync coordinator (with its leader election, for `run`) and
 * its poll strategy. Without stockula.sqlite.path the sync is inert and its leader route does nothing.
 */
public final class SqliteModule implements RuntimeModule {

    @Override
    public void bind(Bootstrap boot, BiConsumer<String, Object> registry) {
        EtlSettings s = boot.settings();
        String path = s.get("stockula.sqlite.path");
        SqliteSource source = path == null ? null
                : SqliteSource.open(Path.of(path), s.getInt("stockula.sqlite.busy-timeout", 5000));
        String pipeline = s.get("stockula.sqlite.pipeline", "sync");
        SqliteSync sync = new SqliteSync(source, boot.database().dataSource(), boot.metrics(), pipeline,
                s.getInt("stockula.sqlite.batch-size", 20000), "migration".equals(pipeline), boot.tradingDates(),
                boot.units());
        if (!"migration".equals(pipeline)) { // `migrate` reads every row anyway; the look-back is for following
            sync.withLookBack(java.time.Duration.ofMillis(s.getLong("stockula.sqlite.look-back", 300_000)));
            // `run`: one runtime at a time follows the file (routes/sqlite-sync.yaml); `migrate` fails fast instead
            sync.withLeader(io.stockula.etl.config.InstanceId.of(s));
        }
        registry.accept("sqliteSync", sync);
        // no reader is added once Camel stops (one added then escapes the graceful shutdown and can hold it up)
        registry.accept("sqliteSyncLifecycle", sync.lifecycle());
        registry.accept("sqlitePollStrategy", new SqlitePollStrategy(sync, boot.metrics()));
        registry.accept("sqliteRowMapper", new SourceRowMapperFactory());
        if (source != null) {
            registry.accept("sqliteDb", source.dataSource());
        }
    }
}
