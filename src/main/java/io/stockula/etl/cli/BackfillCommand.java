package io.stockula.etl.cli;

import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.config.EtlRuntime;
import io.stockula.etl.source.yahoo.BackfillRequest;
import io.stockula.etl.source.yahoo.YahooRun;
import io.stockula.etl.source.yahoo.YahooRuns;
import io.stockula.etl.source.yahoo.YahooSettings;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = {"Pull price history from Yahoo Finance once for the given symbols, through the same routes as "
                + "the scheduled pull (pacing, retries, validation, dead letters), and print what became of every bar: "
                + "loaded, merged, rejected (rejected_records) or dead-lettered (etl_dead_letters).",
                "Dates are trading dates in each symbol's exchange zone; both ends are included. Without --from the "
                        + "whole history is read (intraday intervals: as far back as Yahoo keeps them).",
                "Exit code: 0 when every bar Yahoo returned is accounted for and no request failed, 1 otherwise, "
                        + "2 for bad options, 3 when the database cannot be reached."})
public final class BackfillCommand implements Callable<Integer> {

    /** Only what a backfill needs: no schedules, no rollups, no management server. */
    static final List<String> ROUTES = List.of("error-handling.yaml", "dead-letters.yaml", "yahoo-errors.yaml",
            "yahoo-prices.yaml", "yahoo-work.yaml");

    @Mixin
    CommonOptions common;

    @Option(names = "--symbols", required = true, split = ",", paramLabel = "SYMBOL",
            description = "Yahoo symbols, comma separated (AAPL,MSFT,^GSPC,BTC-USD,EURUSD=X).")
    List<String> symbols;

    @Option(names = "--from", paramLabel = "DATE", description = "First trading date (yyyy-mm-dd).")
    LocalDate from;

    @Option(names = "--to", paramLabel = "DATE", description = "Last trading date (yyyy-mm-dd), included.")
    LocalDate to;

    @Option(names = "--interval", split = ",", paramLabel = "INTERVAL",
            description = "Bar interval(s): 1d (default), 1wk, 1mo, 1h, 5m, 1m, ...")
    List<String> intervals;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (from != null && to != null && from.isAfter(to)) {
            throw new IllegalArgumentException("--from " + from + " is after --to " + to);
        }
        List<String> wanted = new ArrayList<>(YahooSettings.symbols(String.join(",", symbols)));
        if (wanted.isEmpty()) {
            throw new IllegalArgumentException("--symbols names no symbol");
        }
        List<String> ivs = intervals == null || intervals.isEmpty() ? List.of("1d")
                : YahooSettings.intervals(String.join(",", intervals));
        // the scheduled triggers stay off: this process pulls once and exits
        try (Bootstrap boot = Bootstrap.open(common.settings(Map.of("stockula.yahoo.enabled", "false")));
             EtlRuntime runtime = new EtlRuntime(boot, ROUTES, false, Map.of())) {
            CamelContext camel = runtime.start();
            Exchange done = camel.createProducerTemplate().send("direct:yahoo-backfill", ExchangePattern.InOut,
                    e -> e.getIn().setBody(new BackfillRequest(wanted, from, to, ivs)));
            PrintWriter out = spec.commandLine().getOut();
            if (done.getException() != null || !(done.getMessage().getBody() instanceof YahooRun)) {
                // the run failed as a whole (Kafka refused its requests, ...) and was dead-lettered: its body is no
                // longer the run; the run, as the route carried it, is printed, then the cause ends the command
                YahooRun failed = done.getProperty(YahooRuns.RUN, YahooRun.class);
                if (failed != null && failed.runId() != null) {
                    print(out, failed, wanted, ivs);
                    out.flush();
                }
                Exception cause = done.getException() != null ? done.getException()
                        : done.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
                throw cause != null ? cause : new IllegalStateException("the backfill route ended without its run");
            }
            YahooRun run = (YahooRun) done.getMessage().getBody();
            print(out, run, wanted, ivs);
            out.flush();
            YahooRun.SymbolTally t = run.totals();
            boolean clean = run.accounted() && t.deadLetters() == 0 && t.notAttempted() == 0
                    && !"failed".equals(run.status());
            return clean ? ExitCodes.OK : ExitCodes.INCOMPLETE;
        }
    }

    void print(PrintWriter out, YahooRun run, List<String> wanted, List<String> ivs) {
        out.printf("backfill run %s %s in %d s: %s, %s, %s..%s%n", run.runId(), run.status(), run.elapsed().toSeconds(),
                String.join(",", wanted), String.join(",", ivs), from == null ? "start" : from, to == null ? "now" : to);
        String head = "%-12s %8s %8s %8s %8s %8s %8s %8s %8s %8s %8s %6s%n";
        out.printf(head, "symbol", "requests", "returned", "loaded", "new", "changed", "merged", "rejected", "skipped",
                "dead-let", "divs", "splits");
        Map<String, YahooRun.SymbolTally> bySymbol = run.symbols();
        for (String s : wanted) {
            YahooRun.SymbolTally t = bySymbol.get(s);
            if (t != null) {
                row(out, s, t);
            } else {
                out.printf("%-12s nothing requested (window empty or older than Yahoo keeps)%n", s);
            }
        }
        row(out, "total", run.totals());
        for (YahooRun.Failure f : run.failures()) {
            out.printf("failed: %s %s: %s%s%n", f.symbol(), f.what(), f.reason(),
                    f.deadLetterId() == null ? "" : " (dead letter #" + f.deadLetterId() + ")");
        }
        if (run.spooledDeadLetters() > 0) {
            out.printf("%d dead letter(s) only in the local spool (the database was away): stored when it answers again%n",
                    run.spooledDeadLetters());
        }
        out.printf("every returned bar accounted for: %s%n", run.accounted() ? "yes" : "NO");
    }

    private static void row(PrintWriter out, String label, YahooRun.SymbolTally t) {
        out.printf("%-12s %8d %8d %8d %8d %8d %8d %8d %8d %8d %8d %6d%n", label, t.requests(), t.returned(), t.loaded(),
                t.inserted(), t.updated(), t.merged(), t.rejected(), t.skipped(), t.deadLetteredBars(), t.dividends(),
                t.splits());
    }
}
