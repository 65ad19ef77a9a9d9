package io.stockula.etl.source.yahoo;

import io.stockula.etl.ops.ErrorCategory;
import io.stockula.etl.ops.EtlMetrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;

/**
 * The runs in progress, by run id, and the aggregation strategy of the splits that send a run's requests
 * ({@code aggregationStrategy: yahooRuns}): it sees every request once it is done, also one that ended in the
 * dead-letter channel (after which Camel routes no further step of the splitting route for that request, so a
 * plain step after the call would miss it), and enters a dead-lettered request in its run's ledger with the bars
 * it had parsed and not written. Requests replayed from the dead-letter table belong to a
 * finished run; their counts go to a detached ledger that nobody reads (the replay has its own record).
 */
public final class YahooRuns implements AggregationStrategy {

    /** Exchange properties the Yahoo routes share. */
    public static final String REQUEST = "yahooRequest";
    public static final String SYMBOL = "yahooSymbol";
    public static final String ENDPOINT = "yahooEndpoint";
    public static final String PENDING = "yahooPendingBars";
    public static final String OUTCOME = "yahooOutcome";
    public static final String DEAD_LETTER_ID = "StockulaDeadLetterId";
    /** The YahooRun of the run exchange (the split's output replaces the body). */
    public static final String RUN = "yahooRun";
    /**
     * A request taken from the Kafka work topic keeps its own ledger here (it may belong to another runtime's run,
     * or to this runtime's, whose ledger is then filled from etl_run_requests: never twice).
     */
    public static final String LEDGER = "yahooLedger";

    private final Map<Long, YahooRun> runs = new ConcurrentHashMap<>();
    private final EtlMetrics metrics;

    public YahooRuns(EtlMetrics metrics) {
        this.metrics = metrics;
    }

    void register(YahooRun run) {
        if (run.runId() != null) {
            runs.put(run.runId(), run);
        }
    }

    void remove(YahooRun run) {
        if (run.runId() != null) {
            runs.remove(run.runId());
        }
    }

    /** The run a request belongs to, or a detached one (replays, direct calls). */
    public YahooRun get(Long runId) {
        YahooRun r = runId == null ? null : runs.get(runId);
        return r != null ? r : new YahooRun("detached", null, List.of());
    }

    public YahooRun.SymbolTally tally(Exchange exchange) {
        YahooRun ledger = exchange.getProperty(LEDGER, YahooRun.class);
        if (ledger != null) {
            String symbol = exchange.getProperty(SYMBOL, String.class);
            return ledger.symbol(symbol == null ? "?" : symbol);
        }
        Object req = exchange.getProperty(REQUEST);
        Long runId = req instanceof ChartRequest c ? c.runId() : req instanceof ReferenceRequest r ? r.runId() : null;
        String symbol = exchange.getProperty(SYMBOL, String.class);
        return get(runId).symbol(symbol == null ? "?" : symbol);
    }

    YahooRun run(Exchange exchange) {
        YahooRun ledger = exchange.getProperty(LEDGER, YahooRun.class);
        if (ledger != null) {
            return ledger;
        }
        Object req = exchange.getProperty(REQUEST);
        return get(req instanceof ChartRequest c ? c.runId() : req instanceof ReferenceRequest r ? r.runId() : null);
    }

    /**
     * Called by the split for every finished request. The result handed back is a blank exchange, so that nothing
     * of a request (its body, its handled failure) is copied onto the run's exchange; the run stays in the
     * {@link #RUN} property.
     */
    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        afterRequest(newExchange);
        return oldExchange != null ? oldExchange : new DefaultExchange(newExchange.getContext());
    }

    /** Enters a dead-lettered request in the ledger (successes were entered by the route). */
    public void afterRequest(Exchange exchange) {
        if (exchange.getProperty(OUTCOME) != null) {
            return;
        }
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Long deadLetterId = exchange.getIn().getHeader(DEAD_LETTER_ID, Long.class);
        if (error == null && deadLetterId == null) {
            return; // not a Yahoo request (nothing was prepared)
        }
        long pending = exchange.getProperty(PENDING, 0L, Long.class);
        String symbol = exchange.getProperty(SYMBOL, String.class);
        YahooRun run = run(exchange);
        if (Boolean.TRUE.equals(exchange.getIn().getHeader("StockulaDeadLetterSpooled", Boolean.class))) {
            run.deadLetterSpooled();
        }
        run.symbol(symbol == null ? "?" : symbol).deadLettered(pending);
        run.symbol(symbol == null ? "?" : symbol).requestDone(false);
        run.failure(new YahooRun.Failure(symbol, what(exchange), error == null ? "dead-lettered" : error.getMessage(),
                deadLetterId));
        if (pending > 0) {
            metrics.records(ChartRows.PIPELINE, "price_history", "dead_lettered", pending);
        }
        metrics.error(ChartRows.SOURCE, error == null ? ErrorCategory.SYSTEM : ErrorCategory.of(error));
        exchange.setProperty(OUTCOME, "dead-lettered");
    }

    /** The circuit gave up before this request was sent: it is left for the next run. */
    public void notAttempted(Exchange exchange) {
        String symbol = exchange.getProperty(SYMBOL, String.class);
        YahooRun run = run(exchange);
        run.symbol(symbol == null ? "?" : symbol).markNotAttempted();
        run.failure(new YahooRun.Failure(symbol, what(exchange), "not sent: Yahoo throttling, circuit open", null));
        exchange.setProperty(OUTCOME, "not-attempted");
    }

    private static String what(Exchange exchange) {
        Object req = exchange.getProperty(REQUEST);
        if (req instanceof ChartRequest c) {
            return "chart " + c.interval() + " " + c.reason();
        }
        if (req instanceof ReferenceRequest r) {
            return r.kind();
        }
        return String.valueOf(exchange.getProperty(ENDPOINT));
    }
}
