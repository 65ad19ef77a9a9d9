package io.stockula.etl.cli;

import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.config.DatabaseUnavailableException;
import io.stockula.etl.config.EtlRuntime;
import io.stockula.etl.ops.ErrorCategory;
import io.stockula.etl.ops.RollupRefresher;
import io.stockula.etl.ops.RunHistory;
import io.stockula.etl.source.sqlite.SqliteSync;
import io.stockula.etl.source.sqlite.TableProgress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Migrate every table of a Stockula SQLite file into the target, in batches, and exit.",
                "Resumable: a run that was killed continues from its checkpoints. Exit 0 when every source row is",
                "loaded, merged or rejected (see rejected_records); 1 when not; 3 target unreachable or refusing the writes",
                "(after the redeliveries of stockula.redelivery.*); 4 source unreadable."})
public final class MigrateCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(MigrateCommand.class);

    @Mixin
    CommonOptions common;

    @Option(names = "--sqlite", required = true, paramLabel = "FILE", description = "The Stockula SQLite database.")
    Path sqlite;

    @Option(names = "--tables", split = ",", paramLabel = "T1,T2", description = "Only these tables (default: all found).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--batch-size", paramLabel = "N", description = "Rows per batch and transaction (default 20000).")
    Integer batchSize;

    @Option(names = "--restart", description = "Read every row again from the start (unchanged rows are not rewritten).")
    boolean restart;

    @Option(names = "--skip-rollups", description = "Do not refresh the rollups (price_daily/weekly/monthly) at the end.")
    boolean skipRollups;

    @Override
    public Integer call() throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("stockula.sqlite.path", sqlite.toAbsolutePath().toString());
        o.put("stockula.sqlite.pipeline", "migration");
        o.put("stockula.sqlite.batch-size", batchSize == null ? null : batchSize.toString());
        o.put("stockula.sqlite.poll-interval", "1000");
        try (Bootstrap boot = Bootstrap.open(common.settings(o));
             EtlRuntime runtime = new EtlRuntime(boot, List.of("error-handling.yaml", "dead-letters.yaml",
                     "sqlite-migration.yaml"), false, Map.of())) {
            runtime.start();
            var registry = runtime.context().getRegistry();
            SqliteSync sync = registry.lookupByNameAndType("sqliteSync", SqliteSync.class);
            RunHistory history = registry.lookupByNameAndType("runHistory", RunHistory.class);
            RollupRefresher rollups = registry.lookupByNameAndType("rollupRefresher", RollupRefresher.class);
            List<String> chosen = sync.prepare(tables, restart);
            long runId = history.start("migrate", Map.of("source", sync.source().id(), "tables", chosen,
                    "restart", restart));
            sync.setRunId(runId);
            long t0 = System.nanoTime();
            sync.addRoutes(runtime.context());
            Throwable failure = waitUntilDrained(sync);
            runtime.close(); // stop reading before summing up
            sync.release();
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            Exception rollupFailure = null;
            if (failure == null && !skipRollups) {
                long r0 = System.nanoTime();
                try {
                    rollups.refreshAll();
                    LOG.info("rollups refreshed in {} ms", (System.nanoTime() - r0) / 1_000_000);
                } catch (Exception e) {
                    // the rows are committed: the summary is printed all the same, then the step is named
                    rollupFailure = e;
                    LOG.error("rollup refresh failed", e);
                }
            }
            boolean complete = printSummary(sync.progress(), took);
            long read = sync.progress().stream().mapToLong(TableProgress::read).sum();
            long loaded = sync.progress().stream().mapToLong(TableProgress::loaded).sum();
            long merged = sync.progress().stream().mapToLong(TableProgress::merged).sum();
            long rejected = sync.progress().stream().mapToLong(TableProgress::rejected).sum();
            String status = failure != null ? "failed" : complete && rollupFailure == null ? "succeeded" : "partial";
            try {
                history.finish(runId, status, read, loaded, merged, rejected, details(sync.progress(), took),
                        failure != null ? ExitCodes.oneLine(failure)
                                : rollupFailure != null ? "rollups: " + ExitCodes.oneLine(rollupFailure) : null);
            } catch (IllegalStateException e) {
                if (failure == null) {
                    throw e;
                }
                LOG.warn("{} (the target is failing: the run's row stays 'running')", e.getMessage());
            }
            boot.metrics().runDuration("migration", status, took);
            if (failure != null) {
                String msg = "migration stopped: " + ExitCodes.oneLine(failure) + " (nothing partial was committed;"
                        + " run the same command again to resume)";
                if (failure instanceof SourceUnavailableException || isSqliteError(failure)) {
                    throw new SourceUnavailableException(msg, failure);
                }
                if (ErrorCategory.of(failure) == ErrorCategory.TRANSIENT || isTargetError(failure)) {
                    throw new DatabaseUnavailableException(msg, failure);
                }
                throw new JobIncompleteException(msg, failure);
            }
            if (rollupFailure != null) {
                throw new JobIncompleteException("migration done, but the step \"refresh rollups\" failed: "
                        + ExitCodes.oneLine(rollupFailure) + " (the rows are committed; run `migrate` again, or refresh"
                        + " price_daily/weekly/monthly yourself)", rollupFailure);
            }
            return complete ? ExitCodes.OK : ExitCodes.INCOMPLETE;
        }
    }

    private static boolean isSqliteError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof org.sqlite.SQLiteException) {
                return true;
            }
        }
        return false;
    }

    /** The target refused or lost a write (connection, permission, constraint): exit 3, like unreachable. */
    private static boolean isTargetError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.sql.SQLException || c instanceof io.stockula.etl.source.sqlite.BatchNotWrittenException) {
                return true;
            }
        }
        return false;
    }

    private Throwable waitUntilDrained(SqliteSync sync) throws InterruptedException {
        ProgressLine progress = new ProgressLine(System.console() != null);
        while (true) {
            Thread.sleep(200);
            progress.update(sync.progress());
            Throwable failure = sync.firstFailure();
            if (failure != null) {
                progress.finish(sync.progress());
                return failure;
            }
            if (sync.allDrained()) {
                progress.finish(sync.progress());
                return null;
            }
        }
    }

    /** Prints the per-table summary; true when every row read is accounted for. */
    static boolean printSummary(List<TableProgress> tables, Duration took) {
        System.out.printf("%-18s %10s %10s %8s %9s   %10s %9s %10s %8s%n", "table", "read", "loaded", "merged",
                "rejected", "inserted", "updated", "unchanged", "stocks+");
        boolean ok = true;
        for (TableProgress t : tables) {
            System.out.printf("%-18s %10d %10d %8d %9d   %10d %9d %10d %8d%s%n", t.table, t.read(), t.loaded(),
                    t.merged(), t.rejected(), t.inserted(), t.updated(), t.unchanged(), t.stocksCreated(),
                    t.accountedFor() ? "" : "   NOT ACCOUNTED FOR");
            ok &= t.accountedFor();
            t.rejectedByReason().forEach((reason, n) -> System.out.printf("%-18s   rejected %-36s %8d%n", "", reason, n));
            if (t.deadLettered() > 0) {
                System.out.printf("%-18s   dead-lettered (refused by the target) %18d%n", "", t.deadLettered());
            }
        }
        long dead = tables.stream().mapToLong(TableProgress::deadLettered).sum();
        if (dead > 0) {
            System.out.printf("%d rows refused by the target are dead letters (dlq list --route sqlite-writer):"
                    + " fix the cause, then `dlq replay`%n", dead);
        }
        long read = tables.stream().mapToLong(TableProgress::read).sum();
        double secs = Math.max(took.toMillis(), 1) / 1000.0;
        System.out.printf("%d rows in %.1f s (%.0f rows/s)%s%n", read, secs, read / secs,
                !ok ? ": some rows are not accounted for" : dead > 0 ? ": every row loaded, merged, rejected or dead-lettered"
                        : ": every row loaded, merged or rejected");
        return ok && dead == 0;
    }

    private static Map<String, Object> details(List<TableProgress> tables, Duration took) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("seconds", took.toMillis() / 1000.0);
        for (TableProgress t : tables) {
            Map<String, Object> table = new LinkedHashMap<>(Map.of("read", t.read(), "loaded", t.loaded(),
                    "merged", t.merged(), "rejected", t.rejected(), "inserted", t.inserted(), "updated", t.updated(),
                    "unchanged", t.unchanged(), "stocks_created", t.stocksCreated(),
                    "rejected_by_reason", t.rejectedByReason()));
            table.put("dead_lettered", t.deadLettered());
            d.put(t.table, table);
        }
        return d;
    }
}
