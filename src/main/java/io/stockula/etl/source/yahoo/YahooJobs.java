package io.stockula.etl.source.yahoo;

import io.stockula.etl.config.EtlSettings;
import io.stockula.etl.ops.EtlMetrics;
import io.stockula.etl.ops.RunHistory;
import io.stockula.etl.transform.TradingDates;
import io.stockula.etl.validate.SymbolRules;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and ends the runs of the Yahoo jobs: plans the requests of a run, records it in etl_run_history, and
 * makes sure two runs of one job never overlap in this process (a trigger that finds its job still running is
 * skipped and logged; Quartz's {@code stateful} covers only its own trigger, not the start-up catch-up or a
 * direct call). Also answers the start-up catch-up question: is the last successful run older than the
 * job's {@code catch-up-after}?
 */
public final class YahooJobs {

    public static final String PRICES = "yahoo-prices";
    public static final String BACKFILL = "yahoo-backfill";
    public static final String QUOTE_SUMMARY = "yahoo-quote-summary";
    public static final String OPTIONS = "yahoo-options";
    public static final String LAST_SUCCESS_GAUGE = "stockula.pipeline.last.success.timestamp.seconds";

    private static final Logger LOG = LoggerFactory.getLogger(YahooJobs.class);

    private final EtlSettings raw;
    private final YahooSettings settings;
    private final DataSource dataSource;
    private final Universe universe;
    private final StockDirectory directory;
    private final WindowPlanner planner;
    private final TradingDates dates;
    private final RunHistory history;
    private final EtlMetrics metrics;
    private final YahooRuns runs;
    private final YahooCharts charts;
    private final CircuitBreaker breaker;
    private final Map<String, AtomicBoolean> running = new ConcurrentHashMap<>();
    private final YahooWork work;
    /** several runtimes (Kafka or clustered Quartz): runs are owned through PostgreSQL locks, see RunLocks */
    private final boolean shared;

    public YahooJobs(EtlSettings raw, YahooSettings settings, DataSource dataSource, Universe universe,
                     StockDirectory directory, WindowPlanner planner, TradingDates dates, RunHistory history,
                     EtlMetrics metrics, YahooRuns runs, YahooCharts charts, CircuitBreaker breaker, YahooWork work,
                     boolean shared) {
        this.raw = raw;
        this.settings = settings;
        this.dataSource = dataSource;
        this.universe = universe;
        this.directory = directory;
        this.planner = planner;
        this.dates = dates;
        this.history = history;
        this.metrics = metrics;
        this.runs = runs;
        this.charts = charts;
        this.breaker = breaker;
        this.work = work;
        this.shared = shared;
        work.onClose(this::close);
    }

    /** The scheduled price pull: every symbol of the universe, every configured interval, incremental. */
    public YahooRun planPrices(Exchange exchange) throws Exception {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("trigger", exchange.getFromRouteId());
        details.put("intervals", settings.intervals());
        return open(exchange, PRICES, details, runId -> {
            directory.loadZones(dates);
            List<String> symbols = universe.symbols();
            details.put("symbols", symbols.size());
            Instant now = Instant.now();
            List<ChartRequest> requests = new ArrayList<>();
            java.util.Set<String> owed = directory.pendingRebases();
            for (String interval : settings.intervals()) {
                Map<String, Instant> last = directory.lastBars(interval, symbols);
                last.forEach((s, t) -> charts.latestBar(s, interval, t.getEpochSecond()));
                // the window starts from Yahoo's own last bar: a history that is only migrated is read whole once
                Map<String, Instant> lastFromYahoo = directory.lastBars(interval, symbols, ChartRows.SOURCE);
                for (String s : symbols) {
                    requests.addAll(owed.contains(s + '|' + interval)
                            ? planner.wholeHistory(runId, s, interval, now, ChartRequest.REBASE)
                            : planner.plan(runId, s, interval, lastFromYahoo.get(s), now));
                }
            }
            return requests;
        });
    }

    /** {@code backfill}: the given symbols and window, pulled once whatever their state. */
    public YahooRun planBackfill(Exchange exchange) throws Exception {
        BackfillRequest b = exchange.getIn().getBody(BackfillRequest.class);
        List<String> symbols = b.symbols().stream().map(SymbolRules::normalize).filter(s -> s != null).distinct().toList();
        for (String s : symbols) {
            if (!SymbolRules.isValid(s)) {
                throw new IllegalArgumentException("not a Yahoo symbol: " + s);
            }
        }
        List<String> intervals = b.intervals() == null || b.intervals().isEmpty() ? settings.intervals() : b.intervals();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("symbols", symbols);
        details.put("intervals", intervals);
        details.put("from", b.from() == null ? null : b.from().toString());
        details.put("to", b.to() == null ? null : b.to().toString());
        return open(exchange, BACKFILL, details, runId -> {
            directory.loadZones(dates);
            Instant now = Instant.now();
            List<ChartRequest> requests = new ArrayList<>();
            for (String interval : intervals) {
                for (String s : symbols) {
                    List<ChartRequest> planned = planner.backfill(runId, s, interval, b.from(), b.to(), now);
                    if (planned.isEmpty()) {
                        LOG.warn("{} {}: nothing to ask for (the window is empty or older than Yahoo keeps {} bars)",
                                s, interval, interval);
                    }
                    requests.addAll(planned);
                }
            }
            return requests;
        });
    }

    public YahooRun planQuoteSummary(Exchange exchange) throws Exception {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("trigger", exchange.getFromRouteId());
        return open(exchange, QUOTE_SUMMARY, details, runId -> {
            List<String> symbols = universe.symbols();
            details.put("symbols", symbols.size());
            return symbols.stream().map(s -> new ReferenceRequest(runId, ReferenceRequest.QUOTE_SUMMARY, s, null)).toList();
        });
    }

    public YahooRun planOptions(Exchange exchange) throws Exception {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("trigger", exchange.getFromRouteId());
        details.put("expirations", settings.optionExpirations());
        return open(exchange, OPTIONS, details, runId -> {
            List<String> symbols = universe.optionSymbols();
            details.put("symbols", symbols.size());
            return symbols.stream().map(s -> new ReferenceRequest(runId, ReferenceRequest.OPTIONS, s, null)).toList();
        });
    }

    /** Ends a run (from the {@link YahooRuns#RUN} property): etl_run_history, metrics, a log line; returns it. */
    public YahooRun finish(Exchange exchange) {
        YahooRun run = exchange.getProperty(YahooRuns.RUN, YahooRun.class);
        return close(run, null);
    }

    YahooRun close(YahooRun run, String error) {
        if (run.isSkipped() || run.status() != null || run.isLeftPending()) {
            return run;
        }
        run.finish(null, error);
        String status = run.outcome();
        run.finish(status, error);
        YahooRun.SymbolTally t = run.totals();
        long otherIn = 0;
        long otherOut = 0;
        long otherRejected = 0;
        for (Map.Entry<String, Long> e : t.otherRows().entrySet()) {
            if (e.getKey().endsWith("_rejected")) {
                otherRejected += e.getValue();
            } else {
                otherOut += e.getValue();
            }
        }
        otherIn = otherOut + otherRejected;
        try {
            history.finish(run.runId(), status, t.returned() + otherIn, t.loaded() + otherOut, t.merged(),
                    t.rejected() + otherRejected, run.details(), error);
        } finally {
            runs.remove(run);
        }
        metrics.runDuration(run.job(), status, run.elapsed());
        if (!"failed".equals(status)) {
            metrics.gauge(LAST_SUCCESS_GAUGE, "Epoch seconds when the pipeline last finished a run that was not failed",
                    Instant.now().getEpochSecond(), "pipeline", run.job());
        }
        LOG.info("{} run {} {} in {} s: {} symbols, {} requests, {} bars returned: {} loaded ({} new, {} changed),"
                        + " {} merged, {} rejected, {} skipped, {} dead-lettered; {} dead letters, {} not sent",
                run.job(), run.runId(), status, run.elapsed().toSeconds(), run.symbols().size(), t.requests(),
                t.returned(), t.loaded(), t.inserted(), t.updated(), t.merged(), t.rejected(), t.skipped(),
                t.deadLetteredBars(), t.deadLetters(), t.notAttempted());
        return run;
    }

    /**
     * The start-up catch-up question of one job (routes/yahoo-*.yaml, template yahoo-catch-up): its
     * {@code stockula.yahoo.<job without "yahoo-">.catch-up-after} against its last successful run.
     */
    public boolean catchUpDue(String job) throws SQLException {
        return switch (job) {
            case PRICES -> pricesOverdue();
            case QUOTE_SUMMARY -> quoteSummaryOverdue();
            case OPTIONS -> optionsOverdue();
            default -> throw new IllegalArgumentException("no scheduled Yahoo job " + job);
        };
    }

    public boolean pricesOverdue() throws SQLException {
        return overdue(PRICES, raw.getDuration("stockula.yahoo.prices.catch-up-after", Duration.ofHours(24)));
    }

    public boolean quoteSummaryOverdue() throws SQLException {
        return overdue(QUOTE_SUMMARY, raw.getDuration("stockula.yahoo.quote-summary.catch-up-after", Duration.ofDays(7)));
    }

    public boolean optionsOverdue() throws SQLException {
        return overdue(OPTIONS, raw.getDuration("stockula.yahoo.options.catch-up-after", Duration.ofHours(24)));
    }

    /** True when the job never ran successfully, or its last successful run started longer ago than {@code after}. */
    public boolean overdue(String job, Duration after) throws SQLException {
        if (after.isZero() || after.isNegative()) {
            return false; // catch-up switched off
        }
        Instant last = lastSuccess(job);
        boolean overdue = last == null || last.isBefore(Instant.now().minus(after));
        LOG.info("{}: last successful run {}: {}", job, last == null ? "never" : last,
                overdue ? "catching up now" : "no catch-up needed");
        return overdue;
    }

    /** Start time of the job's last run that succeeded or partly succeeded. */
    public Instant lastSuccess(String job) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT max(started_at) FROM etl_run_history WHERE job = ?"
                     + " AND status IN ('succeeded', 'partial')")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Timestamp t = rs.getTimestamp(1);
                return t == null ? null : t.toInstant();
            }
        }
    }

    /** Seeds the last-success gauges from etl_run_history, so a fresh process does not report "never". */
    public void initGauges() {
        for (String job : List.of(PRICES, BACKFILL, QUOTE_SUMMARY, OPTIONS)) {
            try {
                Instant last = lastSuccess(job);
                if (last != null) {
                    metrics.gauge(LAST_SUCCESS_GAUGE, "Epoch seconds when the pipeline last finished a run that was"
                            + " not failed", last.getEpochSecond(), "pipeline", job);
                }
            } catch (SQLException e) {
                LOG.debug("last-success gauge of {} not seeded: {}", job, e.getMessage());
            }
        }
    }

    private YahooRun open(Exchange exchange, String job, Map<String, Object> details, Planner plan) throws Exception {
        AtomicBoolean busy = running.computeIfAbsent(job, k -> new AtomicBoolean());
        if (!busy.compareAndSet(false, true)) {
            LOG.warn("{}: the previous run is still going; this trigger ({}) is skipped", job, exchange.getFromRouteId());
            YahooRun skipped = YahooRun.skipped(job);
            exchange.setProperty(YahooRuns.RUN, skipped);
            return skipped;
        }
        Long runId = null;
        RunLocks locks = null;
        try {
            if (shared) {
                locks = RunLocks.open(dataSource);
                if (!BACKFILL.equals(job) && !locks.tryLock(RunLocks.jobKey(job))) {
                    locks.close();
                    busy.set(false);
                    LOG.warn("{}: a run of this job is going on another runtime; this trigger ({}) is skipped", job,
                            exchange.getFromRouteId());
                    YahooRun skipped = YahooRun.skipped(job);
                    exchange.setProperty(YahooRuns.RUN, skipped);
                    return skipped;
                }
                String from = exchange.getFromRouteId();
                if (from != null && from.endsWith("-catch-up") && !catchUpDue(job)) {
                    // another runtime's catch-up ran the job between our question and our lock
                    locks.close();
                    busy.set(false);
                    YahooRun skipped = YahooRun.skipped(job);
                    exchange.setProperty(YahooRuns.RUN, skipped);
                    return skipped;
                }
            }
            if (locks != null && !BACKFILL.equals(job) && !supersedeOrphans(job)) {
                // a run of this job whose runtime is gone still has requests in Kafka: yahoo-adopt ends it
                locks.close();
                busy.set(false);
                LOG.warn("{}: an earlier run of this job, left by a runtime that is gone, is being adopted; this trigger"
                        + " ({}) is skipped", job, exchange.getFromRouteId());
                YahooRun skipped = YahooRun.skipped(job);
                exchange.setProperty(YahooRuns.RUN, skipped);
                return skipped;
            }
            breaker.reviveIfGivenUp();
            runId = history.start(job, details);
            if (locks != null) {
                locks.tryLock(RunLocks.runKey(runId));
            }
            List<?> requests = plan.requests(runId);
            YahooRun run = new YahooRun(job, runId, requests);
            runs.register(run);
            exchange.setProperty(YahooRuns.RUN, run);
            RunLocks held = locks;
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    try {
                        Exception e = done.getException();
                        if (e == null) {
                            e = done.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
                        }
                        if (run.isLeftPending()) {
                            runs.remove(run);
                        } else if (run.status() == null) {
                            close(run, e == null ? "the run ended before its last step"
                                    : io.stockula.etl.ops.KafkaFailure.describe(e));
                        }
                    } catch (RuntimeException e) {
                        LOG.error("{} run {}: could not record its end: {}", job, run.runId(), e.getMessage(), e);
                    } finally {
                        busy.set(false);
                        if (held != null) {
                            held.close();
                        }
                    }
                }
            });
            LOG.info("{} run {} started: {} request(s) planned", job, runId, requests.size());
            return run;
        } catch (Exception | Error e) {
            busy.set(false);
            if (locks != null) {
                locks.close();
            }
            if (runId != null) {
                history.finish(runId, "failed", 0, 0, 0, 0, details, e.getMessage());
            }
            throw e;
        }
    }

    /**
     * Runs of this job left {@code running} by a runtime that is gone (no one holds their run lock): one whose
     * requests wait in Kafka (pending ledger rows) is left to be adopted, and this returns false (the new trigger
     * stands back: Quartz's recovery of the dead runtime's tick lands here too); one without (an in-process run)
     * ends as failed, and the new run plans every symbol again from what is stored, so nothing of it is lost.
     */
    private boolean supersedeOrphans(String job) throws SQLException {
        Map<Long, Boolean> open = new java.util.LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT h.run_id, EXISTS (SELECT 1 FROM etl_run_requests r"
                     + " WHERE r.run_id = h.run_id AND r.state = 'pending') FROM etl_run_history h WHERE h.job = ?"
                     + " AND h.status = 'running'")) {
            ps.setString(1, job);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    open.put(rs.getLong(1), rs.getBoolean(2));
                }
            }
        }
        boolean go = true;
        for (Map.Entry<Long, Boolean> e : open.entrySet()) {
            if (RunLocks.held(dataSource, RunLocks.runKey(e.getKey()))) {
                continue;
            }
            if (e.getValue() && work.distributed()) {
                go = false;
            } else {
                history.finish(e.getKey(), "failed", 0, 0, 0, 0, Map.of("superseded", true),
                        "abandoned: the runtime that ran it is gone; a new run of the job plans again");
                LOG.warn("{} run {} was left running by a runtime that is gone: recorded as failed", job, e.getKey());
            }
        }
        return go;
    }

    @FunctionalInterface
    private interface Planner {
        List<?> requests(Long runId) throws Exception;
    }
}
