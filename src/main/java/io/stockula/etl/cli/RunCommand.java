package io.stockula.etl.cli;

import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.config.EtlRuntime;
import io.stockula.etl.ops.RunHistory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the integration runtime: load every YAML route of the routes directory, serve metrics "
                + "(/observe/metrics) and health (/observe/health), until stopped (SIGTERM or Ctrl-C).")
public final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    CommonOptions common;

    @Option(names = "--routes", paramLabel = "DIR", description = "Directory of YAML routes (default: ./routes, $STOCKULA_ROUTES_DIR).")
    Path routes;

    @Option(names = "--port", paramLabel = "PORT", description = "Port of the metrics and health endpoints (default 9876).")
    Integer port;

    @Option(names = "--sqlite", paramLabel = "FILE", description = "Keep this Stockula SQLite file synchronised ($STOCKULA_SQLITE_PATH).")
    Path sqlite;

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("stockula.routes.dir", routes == null ? null : routes.toString());
        overrides.put("camel.management.port", port == null ? null : port.toString());
        overrides.put("stockula.sqlite.path", sqlite == null ? null : sqlite.toAbsolutePath().toString());
        CountDownLatch stopped = new CountDownLatch(1);
        Bootstrap boot = Bootstrap.open(common.settings(overrides));
        EtlRuntime runtime = new EtlRuntime(boot, List.of(), true, Map.of());
        // Our own hook, so that the order is fixed: stop the routes, then the pool, then an embedded database.
        Thread hook = new Thread(() -> {
            LOG.info("Stop requested: stopping routes, then the database pool");
            runtime.shutdown();
            try {
                stopped.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stockula-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            runtime.runUntilStopped();
        } finally {
            runtime.close();
            closeOpenRuns(runtime.runHistory());
            boot.close();
            LOG.info("Stopped cleanly");
            stopped.countDown();
        }
        return ExitCodes.OK;
    }

    /** Runs the routes did not finish while stopping are closed, not left `running`. */
    private static void closeOpenRuns(RunHistory history) {
        try {
            int closed = history.closeOpenRuns("interrupted: the runtime was stopped before this run finished");
            if (closed > 0) {
                LOG.warn("{} run(s) still in progress were recorded as failed (interrupted by the stop)", closed);
            }
        } catch (RuntimeException e) {
            LOG.warn("Open runs not closed: {}", e.getMessage());
        }
    }
}
