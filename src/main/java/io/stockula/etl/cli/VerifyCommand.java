package io.stockula.etl.cli;

import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.ops.RunHistory;
import io.stockula.etl.source.sqlite.Reconciler;
import io.stockula.etl.source.sqlite.SqliteSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Reconcile a Stockula SQLite file with the target, table by table: counts, and every column",
                "of every row (a changed price is caught, not only a missing row). Exit 0 only when every source",
                "row is loaded, merged or rejected and no target row lacks a source row."})
public final class VerifyCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--sqlite", required = true, paramLabel = "FILE", description = "The Stockula SQLite database.")
    Path sqlite;

    @Option(names = "--tables", split = ",", paramLabel = "T1,T2", description = "Only these tables (default: all found).")
    List<String> tables = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        try (Bootstrap boot = Bootstrap.open(common.settings(Map.of()))) {
            SqliteSource source = SqliteSource.open(sqlite, boot.settings().getInt("stockula.sqlite.busy-timeout", 5000));
            RunHistory history = new RunHistory(boot.database().dataSource());
            long runId = history.start("verify", Map.of("source", source.id()));
            List<Reconciler.TableReport> reports = new Reconciler(source, boot.database().dataSource(), boot.units()).reconcile(tables);
            System.out.printf("%-18s %10s %10s %8s %9s %9s %10s %12s %7s  %s%n", "table", "source", "loaded", "merged",
                    "rejected", "missing", "differing", "unrecorded", "extra", "result");
            boolean ok = true;
            Map<String, Object> details = new LinkedHashMap<>();
            long in = 0;
            long loaded = 0;
            long merged = 0;
            long rejected = 0;
            for (Reconciler.TableReport r : reports) {
                System.out.printf("%-18s %10d %10d %8d %9d %9d %10d %12d %7d  %s%n", r.table(), r.sourceRows(), r.loaded(),
                        r.merged(), r.rejected(), r.missing(), r.differing(), r.rejectedNotRecorded(), r.extra(),
                        r.ok() ? "ok" : "MISMATCH");
                r.samples().forEach(s -> System.out.println("    " + s));
                ok &= r.ok();
                details.put(r.table(), Reconciler.asMap(r));
                in += r.sourceRows();
                loaded += r.loaded();
                merged += r.merged();
                rejected += r.rejected();
            }
            history.finish(runId, ok ? "succeeded" : "failed", in, loaded, merged, rejected, details, null);
            System.out.println(ok ? "verified: every source row is loaded, merged or rejected, and every target row has a source"
                    : "verification FAILED: see the rows above");
            return ok ? ExitCodes.OK : ExitCodes.INCOMPLETE;
        }
    }
}
