package io.stockula.etl.source.yahoo;

import io.stockula.etl.load.Batch;
import io.stockula.etl.ops.DeadLetterStore;
import io.stockula.etl.validate.SymbolRules;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * The steps of the {@code yahoo-quote-summary} and {@code yahoo-options} routes that need Java. Both endpoints
 * need Yahoo's cookie and crumb, which the HTTP gate adds.
 */
public final class YahooReference {

    public static final String SUMMARY = "yahooSummary";
    public static final String OPTIONS = "yahooOptions";

    private final QuoteSummaryParser summaries = new QuoteSummaryParser();
    private final OptionsParser options = new OptionsParser();
    private final StockDirectory directory;
    private final YahooSettings settings;
    private final YahooRuns runs;

    public YahooReference(StockDirectory directory, YahooSettings settings, YahooRuns runs) {
        this.directory = directory;
        this.settings = settings;
        this.runs = runs;
    }

    public void prepareQuoteSummary(Exchange exchange) {
        ReferenceRequest r = request(exchange, ReferenceRequest.QUOTE_SUMMARY);
        String symbol = SymbolRules.normalize(r.symbol());
        YahooCharts.begin(exchange, r, symbol, ReferenceRequest.QUOTE_SUMMARY);
        exchange.setProperty("yahooPath", YahooCharts.pathSegment(symbol));
        exchange.setProperty("yahooQuery", "modules=" + settings.quoteSummaryModules()
                + "&formatted=false&lang=en-US&region=US&corsDomain=finance.yahoo.com&");
    }

    /** Returns the stocks batch; the stock_info batch waits in a property. */
    public Batch parseQuoteSummary(Exchange exchange) {
        ReferenceRequest r = exchange.getProperty(YahooRuns.REQUEST, ReferenceRequest.class);
        QuoteSummaryParser.Result result = summaries.parse(exchange.getIn().getBody(byte[].class), r.symbol());
        result.stocks().withRunId(r.runId());
        result.info().withRunId(r.runId());
        exchange.setProperty(SUMMARY, result);
        return result.stocks();
    }

    public void prepareOptions(Exchange exchange) {
        ReferenceRequest r = request(exchange, ReferenceRequest.OPTIONS);
        String symbol = SymbolRules.normalize(r.symbol());
        YahooCharts.begin(exchange, r, symbol, ReferenceRequest.OPTIONS);
        exchange.setProperty("yahooPath", YahooCharts.pathSegment(symbol));
        exchange.setProperty("yahooQuery", r.expiration() == null ? "" : "date=" + r.expiration() + "&");
    }

    /** Returns the calls batch; the puts batch waits in a property. */
    public Batch parseOptions(Exchange exchange) {
        ReferenceRequest r = exchange.getProperty(YahooRuns.REQUEST, ReferenceRequest.class);
        OptionsParser.Result result = options.parse(exchange.getIn().getBody(byte[].class), r.symbol(), Instant.now());
        result.calls().withRunId(r.runId());
        result.puts().withRunId(r.runId());
        exchange.setProperty(OPTIONS, result);
        return result.calls();
    }

    /** After a stocks, stock_info, calls or puts batch was written. */
    public void written(Exchange exchange) {
        runs.tally(exchange).rows(exchange.getIn().getBody(Batch.class));
    }

    public void quoteSummaryDone(Exchange exchange) throws SQLException {
        QuoteSummaryParser.Result result = exchange.getProperty(SUMMARY, QuoteSummaryParser.Result.class);
        directory.describe(result.symbol(), result.timezone(), result.instrumentType(), null, null, null, false);
        runs.tally(exchange).requestDone(true);
        exchange.setProperty(YahooRuns.OUTCOME, "ok");
    }

    /**
     * The nearest-expiry answer lists every expiry: the next {@code stockula.yahoo.options.expirations - 1} are
     * read with their own calls (returned as the follow-ups).
     */
    public List<ReferenceRequest> optionsDone(Exchange exchange) {
        ReferenceRequest r = exchange.getProperty(YahooRuns.REQUEST, ReferenceRequest.class);
        OptionsParser.Result result = exchange.getProperty(OPTIONS, OptionsParser.Result.class);
        runs.tally(exchange).requestDone(true);
        exchange.setProperty(YahooRuns.OUTCOME, "ok");
        exchange.getIn().setHeader(DeadLetterStore.REPLAY_URI, "direct:yahoo-options");
        List<ReferenceRequest> next = new ArrayList<>();
        if (r.expiration() == null) {
            List<Long> all = result.expirations().stream().sorted().toList();
            for (int i = 1; i < all.size() && next.size() < settings.optionExpirations() - 1; i++) {
                next.add(new ReferenceRequest(r.runId(), ReferenceRequest.OPTIONS, r.symbol(), all.get(i)));
            }
        }
        return next;
    }

    private static ReferenceRequest request(Exchange exchange, String kind) {
        Object body = exchange.getIn().getBody();
        String fallback = exchange.getIn().getHeader(YahooFailures.REQUEST_HEADER, String.class);
        try {
            return ReferenceRequest.from(body, kind);
        } catch (RuntimeException e) {
            if (fallback == null) {
                throw e;
            }
            return ReferenceRequest.from(fallback, kind);
        }
    }
}
