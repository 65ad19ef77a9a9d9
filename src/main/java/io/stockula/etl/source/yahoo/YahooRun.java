package io.stockula.etl.source.yahoo;

import io.stockula.etl.load.Batch;
import io.stockula.etl.load.BatchResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One run of a Yahoo job and its ledger: for every symbol, the bars Yahoo returned and where each of them went
 * (skipped by rule, rejected with a reason, loaded, merged, or dead-lettered with its request), plus the other
 * rows written and the requests that failed. {@link #accounted()} is the "nothing lost" check the backfill
 * command exits on.
 */
public final class YahooRun {

    public static final int MAX_FAILURES_KEPT = 200;

    private final String job;
    private final Long runId;
    private final Instant startedAt = Instant.now();
    private final List<Object> requests;
    private final Map<String, SymbolTally> symbols = new ConcurrentHashMap<>();
    private final List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
    private volatile String status;
    private volatile boolean leftPending;
    private volatile String error;

    public YahooRun(String job, Long runId, List<?> requests) {
        this.job = job;
        this.runId = runId;
        this.requests = new ArrayList<>(requests);
    }

    /** A trigger that found the previous run still going: nothing to do. */
    public static YahooRun skipped(String job) {
        YahooRun r = new YahooRun(job, null, List.of());
        r.status = "skipped";
        return r;
    }

    public String job() {
        return job;
    }

    public Long runId() {
        return runId;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public List<Object> requests() {
        return requests;
    }

    public boolean isSkipped() {
        return "skipped".equals(status) && runId == null;
    }

    public SymbolTally symbol(String symbol) {
        return symbols.computeIfAbsent(symbol, SymbolTally::new);
    }

    public Map<String, SymbolTally> symbols() {
        return Collections.unmodifiableMap(new TreeMap<>(symbols));
    }

    public List<Failure> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    void failure(Failure f) {
        synchronized (failures) {
            if (failures.size() < MAX_FAILURES_KEPT) {
                failures.add(f);
            }
        }
    }

    /** The runtime stops while the run's requests are pending in Kafka: it is left running, to be adopted. */
    void leavePending() {
        leftPending = true;
    }

    public boolean isLeftPending() {
        return leftPending;
    }

    public String status() {
        return status;
    }

    public String error() {
        return error;
    }

    void finish(String status, String error) {
        this.status = status;
        this.error = error;
    }

    public Duration elapsed() {
        return Duration.between(startedAt, Instant.now());
    }

    public SymbolTally totals() {
        SymbolTally t = new SymbolTally("*");
        symbols.values().forEach(t::add);
        return t;
    }

    /** Every bar Yahoo returned is skipped, rejected, loaded, merged or dead-lettered, for every symbol. */
    public boolean accounted() {
        return spooledDeadLetters.get() == 0 && symbols.values().stream().allMatch(SymbolTally::accounted);
    }

    private final java.util.concurrent.atomic.AtomicInteger spooledDeadLetters = new java.util.concurrent.atomic.AtomicInteger();

    /** A dead letter of this run waits in the local spool (the database was away): not yet accounted for. */
    public void deadLetterSpooled() {
        spooledDeadLetters.incrementAndGet();
    }

    public int spooledDeadLetters() {
        return spooledDeadLetters.get();
    }

    /**
     * The run's outcome: succeeded (every request answered), partial (some requests dead-lettered or not sent),
     * failed (the run broke, or not one request got through).
     */
    public String outcome() {
        if (error != null) {
            return "failed";
        }
        SymbolTally t = totals();
        if (t.deadLetters == 0 && t.notAttempted == 0) {
            return "succeeded";
        }
        return t.requestsOk == 0 ? "failed" : "partial";
    }

    public Map<String, Object> details() {
        SymbolTally t = totals();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("symbols", symbols.size());
        d.put("requests", t.requests);
        d.put("bars_returned", t.returned);
        d.put("bars_skipped", t.skipped);
        d.put("bars_dead_lettered", t.deadLetteredBars);
        d.put("dead_letters", t.deadLetters);
        d.put("not_attempted", t.notAttempted);
        d.put("dividends", t.dividends);
        d.put("splits", t.splits);
        d.put("split_refetches", t.splitRefetches);
        if (!t.otherRows.isEmpty()) {
            d.put("rows", new TreeMap<>(t.otherRows));
        }
        d.put("accounted", accounted());
        List<Map<String, Object>> f = failuresJson();
        f.forEach(m -> m.remove("dead_letter_id", null));
        if (!f.isEmpty()) {
            d.put("failures", f);
        }
        return d;
    }

    /**
     * This ledger as a request's row of etl_run_requests keeps it (tally and failures columns), when another runtime
     * than the planner did the request: the planner {@link #absorb}s it into the run's own ledger.
     */
    Map<String, Object> tallyJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> bySymbol = new TreeMap<>();
        symbols.forEach((k, v) -> bySymbol.put(k, v.toMap()));
        m.put("symbols", bySymbol);
        m.put("spooled", spooledDeadLetters.get());
        return m;
    }

    List<Map<String, Object>> failuresJson() {
        List<Map<String, Object>> f = new ArrayList<>();
        for (Failure x : failures()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("symbol", x.symbol());
            m.put("what", x.what());
            m.put("reason", x.reason());
            m.put("dead_letter_id", x.deadLetterId());
            f.add(m);
        }
        return f;
    }

    /** Adds a request's tally and failures (as {@link #tallyJson()} and {@link #failuresJson()} wrote them). */
    @SuppressWarnings("unchecked")
    void absorb(Map<String, Object> tally, List<Map<String, Object>> failed) {
        if (tally != null) {
            Object bySymbol = tally.get("symbols");
            if (bySymbol instanceof Map<?, ?> m) {
                m.forEach((k, v) -> symbol(String.valueOf(k)).addMap((Map<String, Object>) v));
            }
            Object spooled = tally.get("spooled");
            if (spooled instanceof Number n) {
                spooledDeadLetters.addAndGet(n.intValue());
            }
        }
        if (failed != null) {
            for (Map<String, Object> x : failed) {
                Object id = x.get("dead_letter_id");
                failure(new Failure((String) x.get("symbol"), (String) x.get("what"), (String) x.get("reason"),
                        id instanceof Number n ? n.longValue() : null));
            }
        }
    }

    /** A request that ended in the dead-letter table (or was not sent). */
    public record Failure(String symbol, String what, String reason, Long deadLetterId) {
    }

    /** Counts for one symbol; updated from the worker threads. */
    public static final class SymbolTally {
        private final String symbol;
        long requests;
        long requestsOk;
        long returned;
        long skipped;
        long rejected;
        long inserted;
        long updated;
        long unchanged;
        long merged;
        long deadLetteredBars;
        long deadLetters;
        long notAttempted;
        long dividends;
        long splits;
        long splitRefetches;
        final Map<String, Long> otherRows = new TreeMap<>();

        SymbolTally(String symbol) {
            this.symbol = symbol;
        }

        synchronized void chart(ChartResult r) {
            returned += r.returned();
            skipped += r.skipped();
            merged += r.mergedLive();
        }

        synchronized void prices(Batch b) {
            BatchResult r = b.result();
            rejected += r.rejected();
            inserted += r.inserted();
            updated += r.updated();
            unchanged += r.unchanged();
            merged += r.merged();
        }

        synchronized void rows(Batch b) {
            BatchResult r = b.result();
            String table = b.spec().table();
            if (table.equals("dividends")) {
                dividends += r.loaded() + r.merged();
            } else if (table.equals("splits")) {
                splits += r.loaded() + r.merged();
            } else {
                otherRows.merge(table, r.loaded() + r.merged(), Long::sum);
            }
            if (r.rejected() > 0) {
                otherRows.merge(table + "_rejected", r.rejected(), Long::sum);
            }
        }

        synchronized void requestDone(boolean ok) {
            requests++;
            if (ok) {
                requestsOk++;
            }
        }

        synchronized void deadLettered(long pendingBars) {
            deadLetters++;
            deadLetteredBars += pendingBars;
        }

        synchronized void markNotAttempted() {
            notAttempted++;
        }

        synchronized void splitRefetch() {
            splitRefetches++;
        }

        synchronized void add(SymbolTally o) {
            synchronized (o) {
                requests += o.requests;
                requestsOk += o.requestsOk;
                returned += o.returned;
                skipped += o.skipped;
                rejected += o.rejected;
                inserted += o.inserted;
                updated += o.updated;
                unchanged += o.unchanged;
                merged += o.merged;
                deadLetteredBars += o.deadLetteredBars;
                deadLetters += o.deadLetters;
                notAttempted += o.notAttempted;
                dividends += o.dividends;
                splits += o.splits;
                splitRefetches += o.splitRefetches;
                o.otherRows.forEach((k, v) -> otherRows.merge(k, v, Long::sum));
            }
        }

        synchronized Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("requests", requests);
            m.put("requestsOk", requestsOk);
            m.put("returned", returned);
            m.put("skipped", skipped);
            m.put("rejected", rejected);
            m.put("inserted", inserted);
            m.put("updated", updated);
            m.put("unchanged", unchanged);
            m.put("merged", merged);
            m.put("deadLetteredBars", deadLetteredBars);
            m.put("deadLetters", deadLetters);
            m.put("notAttempted", notAttempted);
            m.put("dividends", dividends);
            m.put("splits", splits);
            m.put("splitRefetches", splitRefetches);
            m.put("otherRows", new TreeMap<>(otherRows));
            return m;
        }

        @SuppressWarnings("unchecked")
        synchronized void addMap(Map<String, Object> m) {
            requests += num(m, "requests");
            requestsOk += num(m, "requestsOk");
            returned += num(m, "returned");
            skipped += num(m, "skipped");
            rejected += num(m, "rejected");
            inserted += num(m, "inserted");
            updated += num(m, "updated");
            unchanged += num(m, "unchanged");
            merged += num(m, "merged");
            deadLetteredBars += num(m, "deadLetteredBars");
            deadLetters += num(m, "deadLetters");
            notAttempted += num(m, "notAttempted");
            dividends += num(m, "dividends");
            splits += num(m, "splits");
            splitRefetches += num(m, "splitRefetches");
            Object other = m.get("otherRows");
            if (other instanceof Map<?, ?> o) {
                ((Map<String, Object>) o).forEach((k, v) -> otherRows.merge(k, ((Number) v).longValue(), Long::sum));
            }
        }

        private static long num(Map<String, Object> m, String key) {
            return m.get(key) instanceof Number n ? n.longValue() : 0L;
        }

        public synchronized boolean accounted() {
            return returned == skipped + rejected + loaded() + merged + deadLetteredBars;
        }

        public String symbol() {
            return symbol;
        }

        public synchronized long requests() {
            return requests;
        }

        public synchronized long returned() {
            return returned;
        }

        public synchronized long skipped() {
            return skipped;
        }

        public synchronized long rejected() {
            return rejected;
        }

        /** Bars written: inserted + updated + unchanged (an unchanged bar was already stored with these values). */
        public synchronized long loaded() {
            return inserted + updated + unchanged;
        }

        public synchronized long inserted() {
            return inserted;
        }

        public synchronized long updated() {
            return updated;
        }

        public synchronized long unchanged() {
            return unchanged;
        }

        public synchronized long merged() {
            return merged;
        }

        public synchronized long deadLetteredBars() {
            return deadLetteredBars;
        }

        public synchronized long deadLetters() {
            return deadLetters;
        }

        public synchronized long notAttempted() {
            return notAttempted;
        }

        public synchronized long dividends() {
            return dividends;
        }

        public synchronized long splits() {
            return splits;
        }

        public synchronized long splitRefetches() {
            return splitRefetches;
        }

        public synchronized Map<String, Long> otherRows() {
            return Map.copyOf(otherRows);
        }
    }
}
