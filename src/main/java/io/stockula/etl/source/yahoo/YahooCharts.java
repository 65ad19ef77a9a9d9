package io.stockula.etl.source.yahoo;

import io.stockula.etl.load.Batch;
import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpecs;
import io.stockula.etl.ops.EtlMetrics;
import io.stockula.etl.transform.TradingDates;
import io.stockula.etl.validate.SymbolRules;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of the {@code yahoo-chart} route that need Java: prepare the call, parse the answer into batches
 * (and notice a new split), and keep the ledger, the gauges and the stocks row current after each write. The
 * batches themselves walk the common hallway in the YAML (recordValidation, batchWriter).
 */
public final class YahooCharts {

    public static final String RESULT = "yahooResult";
    public static final String LATEST_BAR_GAUGE = "stockula.latest.bar.timestamp.seconds";

    private static final Logger LOG = LoggerFactory.getLogger(YahooCharts.class);
    private static final int P_TS = TableSpecs.PRICE_HISTORY.index("timestamp");

    private final ChartParser parser = new ChartParser();
    private final ChartRows rows;
    private final TradingDates dates;
    private final StockDirectory directory;
    private final WindowPlanner planner;
    private final YahooSettings settings;
    private final YahooRuns runs;
    private final EtlMetrics metrics;
    private final Map<String, Long> newest = new ConcurrentHashMap<>();

    public YahooCharts(TradingDates dates, StockDirectory directory, WindowPlanner planner, YahooSettings settings,
                       YahooRuns runs, EtlMetrics metrics) {
        this.rows = new ChartRows(dates);
        this.dates = dates;
        this.directory = directory;
        this.planner = planner;
        this.settings = settings;
        this.runs = runs;
        this.metrics = metrics;
    }

    /** Reads the request (the record, or its JSON from a replayed dead letter) and sets up the call. */
    public void prepare(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        String fallback = exchange.getIn().getHeader(YahooFailures.REQUEST_HEADER, String.class);
        ChartRequest request;
        try {
            request = ChartRequest.from(body);
        } catch (RuntimeException e) {
            if (fallback == null) {
                throw e;
            }
            request = ChartRequest.from(fallback);
        }
        String symbol = SymbolRules.normalize(request.symbol());
        begin(exchange, request, symbol, "chart");
        exchange.setProperty("yahooPath", pathSegment(symbol));
        exchange.setProperty("yahooQuery", request.query() + "&");
    }

    static void begin(Exchange exchange, Object request, String symbol, String endpoint) {
        exchange.setProperty(YahooRuns.REQUEST, request);
        exchange.setProperty(YahooRuns.SYMBOL, symbol);
        exchange.setProperty(YahooRuns.ENDPOINT, endpoint);
        exchange.setProperty(YahooRuns.PENDING, 0L);
        exchange.removeProperty(YahooRuns.OUTCOME);
        exchange.removeProperty(Exchange.EXCEPTION_CAUGHT);
        exchange.getIn().removeHeader(YahooRuns.DEAD_LETTER_ID);
        exchange.getIn().setBody(null); // a GET
    }

    /** ^GSPC -> %5EGSPC; '=' (EURUSD=X, ES=F) is legal in a path and sent as it is, as yfinance does. */
    static String pathSegment(String symbol) {
        return URLEncoder.encode(symbol, StandardCharsets.UTF_8).replace("+", "%20").replace("%3D", "=");
    }

    /** The answer into batches; returns the price batch (the next step validates it). */
    public Batch parse(Exchange exchange) throws SQLException {
        ChartRequest request = exchange.getProperty(YahooRuns.REQUEST, ChartRequest.class);
        byte[] body = exchange.getIn().getBody(byte[].class);
        ChartData data = parser.parse(body, request.symbol());
        ChartResult result = rows.toResult(request, data);
        result.prices().withRunId(request.runId());
        result.dividends().withRunId(request.runId());
        result.splits().withRunId(request.runId());
        YahooRun.SymbolTally tally = runs.tally(exchange);
        tally.chart(result);
        metrics.records(ChartRows.PIPELINE, "price_history", "read", result.returned());
        metrics.records(ChartRows.PIPELINE, "price_history", "skipped", result.skipped());
        metrics.records(ChartRows.PIPELINE, "price_history", "merged", result.mergedLive());
        exchange.setProperty(YahooRuns.PENDING, (long) (result.returned() - result.skipped() - result.mergedLive()));
        exchange.setProperty(RESULT, result);
        if (data.isDelistedPlaceholder()) {
            LOG.info("{}: Yahoo answers with its delisted placeholder (exchange YHD, no bars)", request.symbol());
        }
        if (!request.wholeHistory() && !data.splits().isEmpty()) {
            followNewSplits(request, result, tally);
        }
        return result.prices();
    }

    /**
     * Yahoo's close and volume are adjusted back through every split it knows, so a split not yet in the splits
     * table means the stored history of the symbol is now on the old scale: read it all again (the upsert rewrites
     * the bars whose values changed).
     */
    private void followNewSplits(ChartRequest request, ChartResult result, YahooRun.SymbolTally tally) throws SQLException {
        String symbol = SymbolRules.normalize(request.symbol());
        Set<LocalDate> stored = directory.splitDates(symbol);
        ZoneId zone = dates.zoneOf(symbol);
        List<LocalDate> fresh = result.data().splits().stream().map(s -> TradingDates.tradingDate(s.date(), zone))
                .filter(d -> !stored.contains(d)).toList();
        if (fresh.isEmpty()) {
            return;
        }
        Set<String> intervals = new LinkedHashSet<>();
        intervals.add(request.interval());
        if (!ChartRequest.BACKFILL.equals(request.reason())) {
            intervals.addAll(settings.intervals());
        }
        Instant now = Instant.now();
        for (String interval : intervals) {
            // only history stored outside this response is on the old scale (none on a first backfill)
            long before = interval.equals(request.interval()) ? request.period1() : now.getEpochSecond();
            if (directory.hasBarsBefore(symbol, interval, before)) {
                result.followUps().addAll(planner.wholeHistory(request.runId(), symbol, interval, now,
                        ChartRequest.SPLIT_REFETCH));
            }
        }
        if (result.followUps().isEmpty()) {
            return;
        }
        tally.splitRefetch();
        LOG.info("{}: new split on {}: reloading the whole history ({} request(s)) to rewrite it on the new scale", symbol,
                fresh, result.followUps().size());
    }

    /** After the price batch was written: the ledger, and the newest-bar gauge. */
    public void pricesWritten(Exchange exchange) {
        ChartResult result = exchange.getProperty(RESULT, ChartResult.class);
        runs.tally(exchange).prices(result.prices());
        exchange.setProperty(YahooRuns.PENDING, 0L);
        long max = Long.MIN_VALUE;
        for (Row r : result.prices().rows()) {
            max = Math.max(max, ((OffsetDateTime) r.get(P_TS)).toEpochSecond());
        }
        if (max != Long.MIN_VALUE) {
            latestBar(result.request().symbol(), result.request().interval(), max);
        }
    }

    /** Raises the latest-bar gauge of a symbol and interval (a backfill of old bars never lowers it). */
    public void latestBar(String symbol, String interval, long epochSeconds) {
        String key = symbol + '|' + interval;
        long value = newest.merge(key, epochSeconds, Math::max);
        metrics.gauge(LATEST_BAR_GAUGE, "Epoch seconds of the newest stored bar", value, "symbol", symbol,
                "interval", interval);
    }

    /** After a dividends or splits batch was written. */
    public void eventsWritten(Exchange exchange) {
        runs.tally(exchange).rows(exchange.getIn().getBody(Batch.class));
    }

    /** The request is done: note the symbol's zone and type, close the ledger entry; returns the follow-ups. */
    public List<ChartRequest> done(Exchange exchange) throws SQLException {
        ChartResult result = exchange.getProperty(RESULT, ChartResult.class);
        ChartData d = result.data();
        String symbol = SymbolRules.normalize(result.request().symbol());
        if (!d.isDelistedPlaceholder()) {
            directory.describe(symbol, d.exchangeTimezoneName(), d.instrumentType(), d.exchangeName(), d.currency(),
                    d.longName() != null ? d.longName() : d.shortName(), result.hasPrices());
        }
        runs.tally(exchange).requestDone(true);
        exchange.setProperty(YahooRuns.OUTCOME, "ok");
        exchange.getIn().setHeader(io.stockula.etl.ops.DeadLetterStore.REPLAY_URI, "direct:yahoo-chart");
        return new ArrayList<>(result.followUps());
    }
}
