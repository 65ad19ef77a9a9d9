package io.stockula.etl.source.yahoo;

import io.stockula.etl.load.Batch;
import io.stockula.etl.load.BatchWriter;
import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpecs;
import io.stockula.etl.ops.EtlMetrics;
import io.stockula.etl.transform.PriceUnits;
import io.stockula.etl.transform.TradingDates;
import io.stockula.etl.validate.RecordValidation;
import io.stockula.etl.validate.SymbolRules;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
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
 * (and notice a dividend or split that calls for a rebase, or a zone other than the one its days were dated in),
 * validate them and write them in one transaction, and keep the ledger, the gauges and the stocks row current.
 */
public final class YahooCharts {

    public static final String RESULT = "yahooResult";
    public static final String LATEST_BAR_GAUGE = "stockula.latest.bar.timestamp.seconds";
    /** Exchange property: the zone the symbol's days were dated in before Yahoo named another one. */
    static final String RESTAMP_FROM = "yahooRestampFrom";

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
    private final RecordValidation validation = new RecordValidation();

    public YahooCharts(TradingDates dates, StockDirectory directory, WindowPlanner planner, YahooSettings settings,
                       YahooRuns runs, EtlMetrics metrics) {
        this(dates, PriceUnits.stockula(), directory, planner, settings, runs, metrics);
    }

    public YahooCharts(TradingDates dates, PriceUnits units, StockDirectory directory, WindowPlanner planner,
                       YahooSettings settings, YahooRuns runs, EtlMetrics metrics) {
        this.rows = new ChartRows(dates, units);
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

    /** The answer into batches; returns the price batch. */
    public Batch parse(Exchange exchange) throws SQLException {
        ChartRequest request = exchange.getProperty(YahooRuns.REQUEST, ChartRequest.class);
        byte[] body = exchange.getIn().getBody(byte[].class);
        Instant fetchedAt = Instant.now();
        ChartData data = parser.parse(body, request.symbol());
        String symbol = SymbolRules.normalize(request.symbol());
        ZoneId zoneBefore = dates.zoneOf(symbol);
        ChartResult result = rows.toResult(request, data, fetchedAt);
        if (!zoneBefore.equals(dates.zoneOf(symbol))) {
            exchange.setProperty(RESTAMP_FROM, zoneBefore);
        }
        result.prices().withRunId(request.runId());
        result.dividends().withRunId(request.runId());
        result.splits().withRunId(request.runId());
        YahooRun.SymbolTally tally = runs.tally(exchange);
        if (data.isDelistedPlaceholder()) {
            LOG.info("{}: Yahoo answers with its delisted placeholder (exchange YHD, no bars)", request.symbol());
        }
        if (!request.wholeHistory() && request.withEvents()) {
            followNewEvents(request, result, tally);
        }
        tally.chart(result);
        metrics.records(ChartRows.PIPELINE, "price_history", "read", result.returned());
        metrics.records(ChartRows.PIPELINE, "price_history", "skipped", result.skipped());
        metrics.records(ChartRows.PIPELINE, "price_history", "merged", result.mergedLive());
        exchange.setProperty(YahooRuns.PENDING, (long) (result.returned() - result.skipped() - result.mergedLive()));
        exchange.setProperty(RESULT, result);
        return result.prices();
    }

    /**
     * A dividend or split the database does not know changes the whole adjusted history of the symbol (Yahoo's
     * close is adjusted back through every split, adjclose through every dividend too). When bars older than this
     * window are stored, the rebase is owed at once (price_rebases), this window is left to it, and the whole
     * history is read again; its one transaction writes the bars, the events and settles the debt.
     */
    private void followNewEvents(ChartRequest request, ChartResult result, YahooRun.SymbolTally tally) throws SQLException {
        String symbol = SymbolRules.normalize(request.symbol());
        ZoneId zone = dates.zoneOf(symbol);
        Set<LocalDate> knownSplits = result.data().splits().isEmpty() ? Set.of() : directory.splitDates(symbol);
        Set<LocalDate> knownDividends = result.data().dividends().isEmpty() ? Set.of() : directory.dividendDates(symbol);
        List<LocalDate> splits = result.data().splits().stream().map(s -> TradingDates.tradingDate(s.date(), zone))
                .filter(d -> !knownSplits.contains(d)).toList();
        List<LocalDate> dividends = result.data().dividends().stream().map(d -> TradingDates.tradingDate(d.date(), zone))
                .filter(d -> !knownDividends.contains(d)).toList();
        if (splits.isEmpty() && dividends.isEmpty()) {
            return;
        }
        Set<String> intervals = new LinkedHashSet<>();
        intervals.add(request.interval());
        if (!ChartRequest.BACKFILL.equals(request.reason())) {
            // a split rescales intraday bars too; a dividend only the adjusted (daily and longer) ones
            settings.intervals().stream().filter(i -> !splits.isEmpty() || TradingDates.isDailyOrLonger(i))
                    .forEach(intervals::add);
        }
        Instant now = Instant.now();
        List<String> reload = new ArrayList<>();
        for (String interval : intervals) {
            // only history stored outside this response is on the old basis (none on a first backfill)
            long before = interval.equals(request.interval()) ? request.period1() : now.getEpochSecond();
            if (directory.hasBarsBefore(symbol, interval, before)) {
                reload.add(interval);
            }
        }
        if (reload.isEmpty()) {
            return;
        }
        String why = (splits.isEmpty() ? "" : "new split " + splits) + (splits.isEmpty() || dividends.isEmpty() ? "" : ", ")
                + (dividends.isEmpty() ? "" : "new dividend " + dividends);
        directory.oweRebase(symbol, reload, why);
        result.deferToRebase();
        for (String interval : reload) {
            result.followUps().addAll(planner.wholeHistory(request.runId(), symbol, interval, now, ChartRequest.REBASE));
        }
        tally.splitRefetch();
        LOG.info("{}: {}: reloading the whole history ({} request(s)) to rewrite it on the current basis", symbol, why,
                result.followUps().size());
    }

    /** Validates the three batches of the response (rows breaking a rule go to their batch's rejected list). */
    public void validate(Exchange exchange) {
        ChartResult result = exchange.getProperty(RESULT, ChartResult.class);
        for (Batch b : List.of(result.prices(), result.dividends(), result.splits())) {
            validation.validate(b);
        }
    }

    /**
     * Writes the response in one transaction: the symbol's daily rows re-stamped when Yahoo names another zone
     * than the one they were dated in, the bars, the dividends and splits, and (for a whole-history read) the
     * settling of an owed rebase. Then the ledger.
     */
    public void write(Exchange exchange) throws SQLException {
        ChartResult result = exchange.getProperty(RESULT, ChartResult.class);
        ChartRequest request = result.request();
        String symbol = SymbolRules.normalize(request.symbol());
        ZoneId from = exchange.getProperty(RESTAMP_FROM, ZoneId.class);
        BatchWriter.SqlStep restamp = from == null ? null : c -> restamp(c, symbol, from, dates.zoneOf(symbol));
        BatchWriter.SqlStep settle = !request.wholeHistory() ? null : c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM price_rebases WHERE symbol = ? AND interval_type = ?")) {
                ps.setString(1, symbol);
                ps.setString(2, request.interval());
                ps.executeUpdate();
            }
        };
        if (restamp == null && settle == null && !result.hasPrices() && !result.hasDividends() && !result.hasSplits()
                && result.prices().rejected().isEmpty()) {
            return;
        }
        writer(exchange).writeTogether(List.of(result.prices(), result.dividends(), result.splits()), restamp, settle);
        if (result.hasPrices() || !result.prices().rejected().isEmpty()) {
            pricesWritten(exchange);
        }
        if (result.hasDividends() || !result.dividends().rejected().isEmpty()) {
            runs.tally(exchange).rows(result.dividends());
        }
        if (result.hasSplits() || !result.splits().rejected().isEmpty()) {
            runs.tally(exchange).rows(result.splits());
        }
    }

    private static BatchWriter writer(Exchange exchange) {
        return exchange.getContext().getRegistry().lookupByNameAndType("batchWriter", BatchWriter.class);
    }

    /**
     * The symbol's daily and longer rows dated in {@code from} (at its local midnight) move to midnight of the same
     * date in {@code to}; where the new key is taken already, the newer as_of stays (one row per day, always).
     * The zone is noted in stocks in the same transaction.
     */
    static void restamp(java.sql.Connection c, String symbol, ZoneId from, ZoneId to) throws SQLException {
        String moved = "SELECT * FROM price_history WHERE symbol = ? AND interval_type = ANY (?)"
                + " AND (\"timestamp\" AT TIME ZONE ?)::time = '00:00' AND (\"timestamp\" AT TIME ZONE ?)::time <> '00:00'";
        java.util.List<String> cols = io.stockula.etl.load.TableSpecs.PRICE_HISTORY.columns().stream()
                .map(io.stockula.etl.load.Column::sql).toList();
        String select = String.join(", ", cols.stream().map(col -> col.equals("\"timestamp\"")
                ? "((\"timestamp\" AT TIME ZONE ?)::date::timestamp AT TIME ZONE ?)" : col).toList());
        String upsert = "INSERT INTO price_history AS t (" + String.join(", ", cols) + ") SELECT " + select
                + " FROM (" + moved + ") m ON CONFLICT (symbol, interval_type, \"timestamp\") DO UPDATE SET "
                + String.join(", ", cols.stream().filter(col -> !List.of("\"symbol\"", "\"interval_type\"",
                        "\"timestamp\"", "\"created_at\"").contains(col)).map(col -> col + " = EXCLUDED." + col).toList())
                + " WHERE t.as_of IS NULL OR EXCLUDED.as_of > t.as_of";
        java.sql.Array daily = c.createArrayOf("text", TradingDates.DAILY_OR_LONGER.toArray());
        int n;
        try (PreparedStatement ps = c.prepareStatement(upsert)) {
            ps.setString(1, from.getId());
            ps.setString(2, to.getId());
            bindMoved(ps, 3, symbol, daily, from, to);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM price_history WHERE (symbol, interval_type,"
                + " \"timestamp\") IN (SELECT symbol, interval_type, \"timestamp\" FROM (" + moved + ") m)")) {
            bindMoved(ps, 1, symbol, daily, from, to);
            n = ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO stocks AS s (symbol, exchange_timezone) VALUES (?, ?)"
                + " ON CONFLICT (symbol) DO UPDATE SET exchange_timezone = EXCLUDED.exchange_timezone, updated_at = now()"
                + " WHERE s.exchange_timezone IS DISTINCT FROM EXCLUDED.exchange_timezone")) {
            ps.setString(1, symbol);
            ps.setString(2, to.getId());
            ps.executeUpdate();
        }
        if (n > 0) {
            LOG.info("{}: Yahoo dates it in {} (its days were dated in {}): {} daily row(s) re-stamped", symbol, to, from, n);
        }
    }

    private static void bindMoved(PreparedStatement ps, int i, String symbol, java.sql.Array daily, ZoneId from, ZoneId to)
            throws SQLException {
        ps.setString(i, symbol);
        ps.setArray(i + 1, daily);
        ps.setString(i + 2, from.getId());
        ps.setString(i + 3, to.getId());
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
