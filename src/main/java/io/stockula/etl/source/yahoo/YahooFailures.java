package io.stockula.etl.source.yahoo;

import java.sql.SQLException;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the {@code yahoo-errors} route configuration does with the failures that retrying cannot fix:
 * <ul>
 *   <li>HTTP 400/401/403/404/422 and Yahoo's own error object: the dead letter gets an exception that says what
 *       Yahoo said ({@link YahooApiException}, with the HTTP failure as its cause, so the category stays
 *       business for a 404 and system for the rest); a chart 404 (and quoteSummary "Quote not found") counts
 *       towards the symbol's 404 streak, and a streak of {@code stockula.yahoo.deactivate.misses} answers over at
 *       least {@code stockula.yahoo.deactivate.days} days marks it inactive, so scheduled pulls stop asking; quoteSummary's "No fundamentals data" (a module that
 *       does not apply, e.g. to crypto) is an empty answer, not a failure;</li>
 *   <li>a malformed body: the dead letter holds the body itself, and the request in a header for a replay.</li>
 * </ul>
 */
public final class YahooFailures {

    /** The request as JSON, on a dead letter whose body is Yahoo's (malformed) answer. */
    public static final String REQUEST_HEADER = "YahooRequest";
    public static final String REASON_HEADER = "YahooReason";

    private static final Logger LOG = LoggerFactory.getLogger(YahooFailures.class);

    private final StockDirectory directory;
    private final YahooRuns runs;
    private final int deactivateMisses;
    private final java.time.Duration deactivateSpan;
    private final io.stockula.etl.ops.EtlMetrics metrics;

    /**
     * @param deactivateMisses 404 answers in a row ({@code stockula.yahoo.deactivate.misses}) and
     * @param deactivateSpan   the time they must span ({@code stockula.yahoo.deactivate.days}) before a symbol is
     *                         marked inactive: one 404 (a glitch, a symbol change in progress) is not enough
     */
    public YahooFailures(StockDirectory directory, YahooRuns runs, int deactivateMisses, java.time.Duration deactivateSpan,
                         io.stockula.etl.ops.EtlMetrics metrics) {
        this.directory = directory;
        this.runs = runs;
        this.deactivateMisses = deactivateMisses;
        this.deactivateSpan = deactivateSpan;
        this.metrics = metrics;
    }

    /** Set by {@link #refused}: whether the request goes to the dead-letter table. */
    public static final String DEAD_LETTER = "yahooDeadLetter";

    /**
     * Decides (into the {@link #DEAD_LETTER} property) whether the request goes to the dead-letter table. A
     * processor step, not a filter predicate: Camel evaluates a bean predicate on a copy of the exchange, and the
     * exception this puts in place of the HTTP one must reach the dead-letter store.
     */
    public void refused(Exchange exchange) throws SQLException {
        exchange.setProperty(DEAD_LETTER, decide(exchange));
    }

    private boolean decide(Exchange exchange) throws SQLException {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String endpoint = exchange.getProperty(YahooRuns.ENDPOINT, "yahoo", String.class);
        String symbol = exchange.getProperty(YahooRuns.SYMBOL, "?", String.class);
        YahooApiException api;
        if (caught instanceof HttpOperationFailedException http) {
            String[] err = YahooErrors.describe(http.getResponseBody());
            api = new YahooApiException(http.getStatusCode(), endpoint, symbol, err == null ? null : err[0],
                    err == null ? null : err[1], http);
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, api);
        } else if (caught instanceof YahooApiException a) {
            api = a;
        } else {
            return true;
        }
        String description = api.description() == null ? "" : api.description();
        boolean notFound = api.status() == 404 || "Not Found".equalsIgnoreCase(api.code());
        if (notFound && "quoteSummary".equals(endpoint) && description.startsWith("No fundamentals data")) {
            LOG.debug("{}: quoteSummary has none of the asked modules ({})", symbol, description);
            runs.tally(exchange).requestDone(true);
            exchange.setProperty(YahooRuns.OUTCOME, "no-data");
            return false;
        }
        if (notFound && ("chart".equals(endpoint) || description.startsWith("Quote not found"))) {
            String reason = StockDirectory.REASON_PREFIX + endpoint + " " + (api.status() > 0 ? api.status() : 404)
                    + ": " + (description.isEmpty() ? "Not Found" : description);
            StockDirectory.MissStreak streak = directory.recordMiss(symbol, reason);
            if (streak.misses() >= deactivateMisses && streak.since().compareTo(deactivateSpan) >= 0) {
                directory.markInactive(symbol, reason);
                metrics.symbolDeactivated();
                LOG.warn("{} marked inactive after {} answers 404 in {} days: {} (`symbols reactivate {}` undoes it)",
                        symbol, streak.misses(), streak.since().toDays(), reason, symbol);
            } else {
                LOG.warn("{}: {} (404 #{} in a row; marked inactive after {} over at least {} days)", symbol, reason,
                        streak.misses(), deactivateMisses, deactivateSpan.toDays());
            }
        }
        exchange.getIn().setHeader(REASON_HEADER, api.getMessage());
        return true;
    }

    /** The dead letter of a malformed answer holds the answer; the request rides along as a header. */
    public void malformed(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Object request = exchange.getProperty(YahooRuns.REQUEST);
        if (request instanceof ChartRequest c) {
            exchange.getIn().setHeader(REQUEST_HEADER, c.toJson());
            exchange.getIn().setHeader(io.stockula.etl.ops.DeadLetterStore.REPLAY_URI, "direct:yahoo-chart");
        } else if (request instanceof ReferenceRequest r) {
            exchange.getIn().setHeader(REQUEST_HEADER, r.toJson());
            exchange.getIn().setHeader(io.stockula.etl.ops.DeadLetterStore.REPLAY_URI, "direct:yahoo-"
                    + (ReferenceRequest.OPTIONS.equals(r.kind()) ? "options" : "quote-summary"));
        }
        if (caught instanceof YahooMalformedResponseException m) {
            exchange.getIn().setBody(m.getBody());
            exchange.getIn().setHeader(REASON_HEADER, m.getMessage());
        }
    }
}
