package io.stockula.etl.cli;

import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.quality.QualityMonitor;
import io.stockula.etl.quality.QualityReport;
import io.stockula.etl.quality.QualitySettings;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "quality", mixinStandardHelpOptions = true,
        description = {"Run every data-quality check once (completeness, accuracy, consistency, uniqueness, freshness) "
                + "and print the report: one line per table, the failed checks, the stale symbols. The results are "
                + "stored in quality_results and the run in etl_run_history, as the scheduled quality-check route does.",
                "Exit code: 0 when the report was produced (whatever it says), 1 with --strict when a check failed "
                        + "its threshold, 3 when the database cannot be reached."})
public final class QualityCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Option(names = "--json", description = "Print the report as JSON (tables, freshness, every result).")
    boolean json;

    @Option(names = "--strict", description = "Exit 1 when any check failed its threshold (for cron jobs and CI).")
    boolean strict;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (Bootstrap boot = Bootstrap.open(common.settings(Map.of()))) {
            QualityMonitor monitor = new QualityMonitor(boot.database().dataSource(), boot.metrics(),
                    QualitySettings.from(boot.settings()), Clock.systemUTC());
            QualityReport report = monitor.run();
            PrintWriter out = spec.commandLine().getOut();
            out.print(json ? report.toJson() + System.lineSeparator() : report.toText());
            out.flush();
            return strict && !report.allPassed() ? ExitCodes.INCOMPLETE : ExitCodes.OK;
        }
    }
}
