package io.stockula.etl.source.yahoo;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockula.etl.config.KafkaSettings;
import io.stockula.etl.ops.EtlMetrics;
import io.stockula.etl.transform.TradingDates;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Yahoo runs shared by several runtimes through Kafka ({@code stockula.kafka.bootstrap-servers} set), both ends:
 * <ul>
 *   <li>planner ({@code yahoo-publish}): {@link #record} writes the run's requests into etl_run_requests as
 *       {@code pending}, the route publishes them to the work topic, {@link #await} waits until no request of the
 *       run is pending and fills the run's ledger from the rows, so that the run ends (history, metrics, last
 *       success) as an in-process run would, whichever runtimes did its requests;</li>
 *   <li>worker ({@code yahoo-work}, on every runtime): {@link #receive} turns a message into the request and a
 *       ledger of its own (a request already closed by another runtime is skipped, not pulled again), the request
 *       route does it, {@link #complete} closes its row in one statement and only then commits its Kafka offset:
 *       a crash between the two repeats the request, and the upserts make the repeat harmless;</li>
 *   <li>adoption ({@code yahoo-adopt}): a run whose planner is gone (its run lock is free) is taken over by one
 *       runtime, which re-publishes its pending requests and ends it: the run is recorded once.</li>
 * </ul>
 */
public final class YahooWork {

    public static final String ITEM = "yahooWorkItem";
    static final String COMMIT = "yahooKafkaCommit";
    public static final String DONE_GAUGE = "stockula.kafka.requests";
    private static final Logger LOG = LoggerFactory.getLogger(YahooWork.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);

    private final DataSource dataSource;
    private final KafkaSettings kafka;
    private final YahooRuns runs;
    private final StockDirectory directory;
    private final TradingDates dates;
    private final EtlMetrics metrics;
    private final String runtime;
    private final Set<Long> zonesLoadedFor = Collections.newSetFromMap(new ConcurrentHashMap<>());
    private volatile boolean stopping;
    private volatile int partitions;
    /** YahooJobs' end of a run (history, metrics): an adopted run ends the same way as a planned one */
    private volatile java.util.function.BiConsumer<YahooRun, String> closer = (r, e) -> { };

    public YahooWork(DataSource dataSource, KafkaSettings kafka, YahooRuns runs, StockDirectory directory,
                     TradingDates dates, EtlMetrics metrics, String runtime) {
        this.dataSource = dataSource;
        this.kafka = kafka;
        this.runs = runs;
        this.directory = directory;
        this.dates = dates;
        this.metrics = metrics;
        this.runtime = runtime;
        this.partitions = kafka.partitions();
    }

    /** The work topic's partition count as Kafka reported it. */
    void partitions(int n) {
        partitions = Math.max(1, n);
    }

    void onClose(java.util.function.BiConsumer<YahooRun, String> closer) {
        this.closer = closer;
    }

    /** True when runs go through Kafka. */
    public boolean distributed() {
        return kafka.enabled();
    }

    public String runtime() {
        return runtime;
    }

    /** The runtime is stopping: waits end (the run stays pending for another runtime to adopt). */
    public void stop() {
        stopping = true;
    }

    // ---------------------------------------------------------------------------------------------- planner side

    /** Writes the run's requests as pending rows (one transaction) and returns them as work items to publish. */
    public List<WorkItem> record(Exchange exchange) throws SQLException {
        YahooRun run = exchange.getProperty(YahooRuns.RUN, YahooRun.class);
        if (run == null || run.isSkipped() || run.runId() == null) {
            return List.of();
        }
        List<WorkItem> items = new ArrayList<>();
        Map<String, Integer> place = new java.util.HashMap<>();
        int seq = 0;
        for (Object r : run.requests()) {
            String symbol = r instanceof ChartRequest c ? c.symbol() : ((ReferenceRequest) r).symbol();
            int partition = place.computeIfAbsent(symbol, k -> place.size()) % partitions;
            items.add(WorkItem.of(run, seq++, r, partition));
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO etl_run_requests (run_id, seq, symbol, request)"
                    + " VALUES (?, ?, ?, ?::jsonb) ON CONFLICT DO NOTHING")) {
                for (WorkItem w : items) {
                    ps.setLong(1, w.runId());
                    ps.setInt(2, w.seq());
                    ps.setString(3, w.symbol());
                    ps.setString(4, w.toJson());
                    ps.addBatch();
                }
                ps.executeBatch();
                try (PreparedStatement purge = c.prepareStatement("DELETE FROM etl_run_requests r USING etl_run_history h"
                        + " WHERE r.run_id = h.run_id AND h.finished_at < now() - interval '30 days'")) {
                    purge.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
        exchange.setProperty("yahooPublishStarted", System.nanoTime());
        LOG.info("{} run {}: {} request(s) recorded, publishing them to Kafka topic {}", run.job(), run.runId(),
                items.size(), kafka.topic());
        return items;
    }

    /**
     * Waits until every request of the run is accounted for (done, dead-lettered or not sent), by whichever runtime,
     * then fills the run's ledger from their rows. Gives up after {@code stockula.kafka.run-timeout} (the run ends
     * failed, naming what is missing) or when this runtime stops (the run is left running, to be adopted). No
     * exception either way: the error handler would only redeliver the wait.
     */
    public YahooRun await(Exchange exchange) throws Exception {
        YahooRun run = exchange.getProperty(YahooRuns.RUN, YahooRun.class);
        if (run == null || run.isSkipped() || run.runId() == null) {
            return run;
        }
        long start = System.nanoTime();
        long lastLog = start;
        long deadline = start + kafka.runTimeout().toNanos();
        long[] counts;
        while (true) {
            counts = counts(run.runId());
            if (counts[0] == 0) {
                break;
            }
            long now = System.nanoTime();
            if (stopping || exchange.getContext().isStopping()) {
                run.leavePending();
                LOG.warn("{} run {}: this runtime is stopping with {} request(s) pending; the run stays running and"
                        + " another runtime (or this one, restarted) adopts it", run.job(), run.runId(), counts[0]);
                return run;
            }
            if (now > deadline) {
                closer.accept(run, counts[0] + " of " + (counts[0] + counts[1]) + " requests of run " + run.runId()
                        + " were not accounted for within stockula.kafka.run-timeout (" + kafka.runTimeout()
                        + "): is any runtime consuming " + kafka.topic() + "?");
                return run;
            }
            if (now - lastLog > PROGRESS_EVERY.toNanos()) {
                lastLog = now;
                LOG.info("{} run {}: {} of {} requests done across the cluster, {} pending", run.job(), run.runId(),
                        counts[1], counts[0] + counts[1], counts[0]);
            }
            Thread.sleep(POLL.toMillis());
        }
        absorb(run);
        LOG.info("{} run {}: all {} requests accounted for ({} by other runtimes)", run.job(), run.runId(), counts[1],
                counts[2]);
        return run;
    }

    /** pending, closed, closed by another runtime than this one */
    private long[] counts(long runId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FILTER (WHERE state = 'pending'),"
                     + " count(*) FILTER (WHERE state <> 'pending'),"
                     + " count(*) FILTER (WHERE state <> 'pending' AND runtime IS DISTINCT FROM ?)"
                     + " FROM etl_run_requests WHERE run_id = ?")) {
            ps.setString(1, runtime);
            ps.setLong(2, runId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
            }
        }
    }

    private void absorb(YahooRun run) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT tally, failures FROM etl_run_requests WHERE run_id = ?"
                     + " ORDER BY seq")) {
            ps.setLong(1, run.runId());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    run.absorb(read(rs.getString(1), new TypeReference<Map<String, Object>>() { }),
                            read(rs.getString(2), new TypeReference<List<Map<String, Object>>>() { }));
                }
            }
        }
    }

    // ----------------------------------------------------------------------------------------------- worker side

    /**
     * A message of the work topic: returns the request to do (as a one-element list for the route's split), or an
     * empty list when its row is no longer pending (another runtime did it: a repeat after a crash or an adoption).
     */
    public List<Object> receive(Exchange exchange) throws SQLException {
        // kept as a property: the split's result replaces the message (and its headers) before complete()
        exchange.setProperty(COMMIT, exchange.getIn().getHeader(KafkaConstants.MANUAL_COMMIT));
        WorkItem item = WorkItem.parse(exchange.getIn().getBody());
        exchange.setProperty(ITEM, item);
        if (!pending(item)) {
            LOG.debug("{} run {} request {} ({}) is already accounted for: skipped", item.job(), item.runId(),
                    item.seq(), item.symbol());
            metrics.records("yahoo-work", "etl_run_requests", "already_done", 1);
            return List.of();
        }
        if (zonesLoadedFor.add(item.runId())) {
            directory.loadZones(dates); // the exchange zones the planner knew, for the trading-date rule
        }
        exchange.setProperty(YahooRuns.LEDGER, new YahooRun(item.job(), item.runId(), List.of()));
        exchange.getIn().setHeader(io.stockula.etl.ops.DeadLetterStore.REPLAY_URI, item.route());
        return List.of(item.requestObject());
    }

    /** Closes the request's row with its tally, then commits its Kafka offset (in this order: see the class). */
    public void complete(Exchange exchange) throws SQLException {
        WorkItem item = exchange.getProperty(ITEM, WorkItem.class);
        YahooRun ledger = exchange.getProperty(YahooRuns.LEDGER, YahooRun.class);
        if (item != null && ledger != null) {
            YahooRun.SymbolTally t = ledger.totals();
            String state = t.deadLetters() > 0 ? "dead_lettered" : t.notAttempted() > 0 ? "not_attempted" : "done";
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("UPDATE etl_run_requests SET state = ?, runtime = ?,"
                         + " tally = ?::jsonb, failures = ?::jsonb, finished_at = now()"
                         + " WHERE run_id = ? AND seq = ? AND state = 'pending'")) {
                ps.setString(1, state);
                ps.setString(2, runtime);
                ps.setString(3, write(ledger.tallyJson()));
                ps.setString(4, write(ledger.failuresJson()));
                ps.setLong(5, item.runId());
                ps.setInt(6, item.seq());
                if (ps.executeUpdate() == 0) {
                    LOG.debug("run {} request {}: closed meanwhile by another runtime", item.runId(), item.seq());
                }
            }
            metrics.records("yahoo-work", "etl_run_requests", state, 1);
        }
        commitOffset(exchange);
    }

    /**
     * Commits the message's Kafka offset: after its request is closed ({@link #complete}), or once a message that is
     * not a work item is kept as a dead letter (else its partition would show lag until the next message on it).
     */
    public void commitOffset(Exchange exchange) {
        KafkaManualCommit commit = exchange.getProperty(COMMIT, KafkaManualCommit.class);
        if (commit != null) {
            commit.commit();
        }
    }

    private boolean pending(WorkItem item) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT state FROM etl_run_requests WHERE run_id = ? AND seq = ?")) {
            ps.setLong(1, item.runId());
            ps.setInt(2, item.seq());
            try (ResultSet rs = ps.executeQuery()) {
                // no row: the run was purged (or the message is older than the ledger): nothing to account for
                return rs.next() && "pending".equals(rs.getString(1));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- adoption

    /** Runs still going whose requests are pending and whose planner holds no run lock (it died or stopped). */
    public List<Long> orphans() throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT h.run_id FROM etl_run_history h WHERE h.status = 'running'"
                     + " AND EXISTS (SELECT 1 FROM etl_run_requests r WHERE r.run_id = h.run_id AND r.state = 'pending')"
                     + " ORDER BY h.run_id")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        List<Long> free = new ArrayList<>();
        for (Long id : out) {
            if (!RunLocks.held(dataSource, RunLocks.runKey(id)) && runs.get(id).runId() == null) {
                free.add(id);
            }
        }
        return free;
    }

    /**
     * Takes over the first orphaned run this runtime can lock (one per tick of {@code yahoo-adopt}): its locks (or nothing, if another runtime was quicker), the run as the run route
     * carries it, and its pending requests to publish again.
     */
    public List<WorkItem> adoptOne(Exchange exchange) throws SQLException {
        for (Long runId : orphans()) {
            List<WorkItem> items = adopt(exchange, runId);
            if (exchange.getProperty(YahooRuns.RUN) != null) {
                return items;
            }
        }
        return List.of();
    }

    private List<WorkItem> adopt(Exchange exchange, long runId) throws SQLException {
        RunLocks locks = RunLocks.open(dataSource);
        try {
            String job;
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT job FROM etl_run_history WHERE run_id = ?"
                         + " AND status = 'running'")) {
                ps.setLong(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        locks.close();
                        return List.of();
                    }
                    job = rs.getString(1);
                }
            }
            boolean scheduled = !YahooJobs.BACKFILL.equals(job) && !job.startsWith("yahoo-replay");
            if ((scheduled && !locks.tryLock(RunLocks.jobKey(job))) || !locks.tryLock(RunLocks.runKey(runId))) {
                locks.close();
                return List.of(); // another runtime adopts it, or a new run of the job supersedes it
            }
            List<WorkItem> pending = new ArrayList<>();
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT seq, symbol, request::text FROM etl_run_requests"
                         + " WHERE run_id = ? AND state = 'pending' ORDER BY seq")) {
                ps.setLong(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        WorkItem w = WorkItem.parse(rs.getString(3));
                        pending.add(w);
                    }
                }
            }
            YahooRun run = new YahooRun(job, runId, List.of());
            runs.register(run);
            exchange.setProperty(YahooRuns.RUN, run);
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    try {
                        Exception e = done.getException() != null ? done.getException()
                                : done.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
                        if (run.status() == null && !run.isLeftPending()) {
                            closer.accept(run, e == null ? "the adopted run ended before its last step" : e.getMessage());
                        }
                    } finally {
                        runs.remove(run);
                        locks.close();
                    }
                }
            });
            LOG.warn("{} run {}: its planner is gone; this runtime ({}) adopts it and publishes its {} pending request(s)"
                    + " again", job, runId, runtime, pending.size());
            return pending;
        } catch (SQLException | RuntimeException e) {
            locks.close();
            throw e;
        }
    }

    // --------------------------------------------------------------------------------------------------- helpers

    private static String write(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, type);
        } catch (Exception e) {
            throw new IllegalStateException("unreadable ledger row: " + e.getMessage(), e);
        }
    }

}
