package io.stockula.etl.source.sqlite;

import io.stockula.etl.load.BatchResult;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** The running counts of one table in one run: what the summary, the progress line and run history show. */
public final class TableProgress {

    public final String table;
    public final long sourceRows;
    final AtomicLong read = new AtomicLong();
    final AtomicLong valid = new AtomicLong();
    final AtomicLong inserted = new AtomicLong();
    final AtomicLong updated = new AtomicLong();
    final AtomicLong unchanged = new AtomicLong();
    final AtomicLong merged = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong deadLettered = new AtomicLong();
    final AtomicLong stocksCreated = new AtomicLong();
    final Map<String, Long> rejectedByReason = new TreeMap<>();
    final long startedNanos = System.nanoTime();

    TableProgress(String table, long sourceRows) {
        this.table = table;
        this.sourceRows = sourceRows;
    }

    synchronized void add(long rowsRead, long validRows, BatchResult r, Iterable<String> reasons) {
        read.addAndGet(rowsRead);
        valid.addAndGet(validRows);
        inserted.addAndGet(r.inserted());
        updated.addAndGet(r.updated());
        unchanged.addAndGet(r.unchanged());
        merged.addAndGet(r.merged());
        rejected.addAndGet(r.rejected());
        stocksCreated.addAndGet(r.stocksCreated());
        for (String reason : reasons) {
            rejectedByReason.merge(reason, 1L, Long::sum);
        }
    }

    public long read() {
        return read.get();
    }

    /**
     * Valid rows whose key this run saw first: now in the target. What writing them did is told by inserted,
     * updated and unchanged (already identical: not rewritten).
     */
    public long loaded() {
        return valid.get() - merged.get() - deadLettered.get();
    }

    /** Valid rows the target refused one by one (a poison batch split): in etl_dead_letters, for `dlq replay`. */
    public long deadLettered() {
        return deadLettered.get();
    }

    public long inserted() {
        return inserted.get();
    }

    public long updated() {
        return updated.get();
    }

    public long unchanged() {
        return unchanged.get();
    }

    public long merged() {
        return merged.get();
    }

    public long rejected() {
        return rejected.get();
    }

    public long stocksCreated() {
        return stocksCreated.get();
    }

    public synchronized Map<String, Long> rejectedByReason() {
        return new TreeMap<>(rejectedByReason);
    }

    /** read = loaded + merged + rejected + dead-lettered: every row read is accounted for. */
    public boolean accountedFor() {
        return read() == loaded() + merged() + rejected() + deadLettered();
    }

    public double rowsPerSecond() {
        double secs = (System.nanoTime() - startedNanos) / 1e9;
        return secs <= 0 ? 0 : read() / secs;
    }
}
